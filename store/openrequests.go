package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const openColumns = `o.id, o.resource_id, r.source_department_id, o.requester, o.purpose, o.scope, o.status::text, o.created_at,
	o.due_date, o.due_days, o.due_citation, o.calendar_revision, o.extended_at, o.extension_reason, o.extension_approved_by,
	o.decided_at, o.reason, o.basis`

const openFrom = "open_requests o JOIN resources r ON r.id = o.resource_id"

func scanOpen(row pgx.CollectableRow) (*domain.OpenRequest, error) {
	var (
		o       domain.OpenRequest
		dueDate *time.Time
		days    *int
		cit     *string
		calRev  *int64
	)
	err := row.Scan(&o.ID, &o.ResourceID, &o.SourceDepartmentID, &o.Requester, &o.Purpose, &o.Scope, &o.Status, &o.SubmittedAt,
		&dueDate, &days, &cit, &calRev, &o.ExtendedAt, &o.ExtensionReason, &o.ExtensionApprover, &o.DecidedAt, &o.Reason, &o.Basis)
	if err != nil {
		return nil, err
	}
	if dueDate != nil && calRev != nil {
		due := dateOfColumn(*dueDate)
		o.Deadline = &domain.Deadline{Kind: domain.DeadlineOpenAnswer, Start: o.SubmittedAt, Due: due, DueAt: due.EndOfDay(),
			Days: deref(days), Citation: deref(cit), Revision: *calRev}
	}
	return &o, nil
}

// openScope adds the rows filter of an open request scope.
func (q *query) openScope(s domain.OpenRequestScope) {
	switch {
	case s.All:
	case s.Requester != "":
		q.and("o.requester = " + q.arg(s.Requester))
	default:
		q.and("r.source_department_id = " + q.arg(s.SourceDepartmentID))
	}
}

// SubmitOpenRequest files a person's open request for a CONDITIONAL-open
// entry it may see, due under the source's region's profile.
func (db *DB) SubmitOpenRequest(ctx context.Context, v domain.Viewer, in domain.OpenRequestInput, deployment domain.Profile, key string, now time.Time) (*domain.OpenRequest, error) {
	in.Purpose, in.Scope = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.Scope)
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, key, "submitOpenRequest", in)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		r, _, err := tx.requestedResource(ctx, v, in.ResourceID)
		if err != nil {
			return err
		}
		// SECURITY: persons only, conditional data only (NY 46).
		if err := domain.ValidateOpenRequest(v, in, r.OpenType); err != nil {
			return err
		}
		policy, cal, err := db.rulesIn(ctx, tx, r.SourceDepartment.RegionCode, deployment)
		if err != nil {
			return err
		}
		d, err := policy.Deadline(cal, domain.DeadlineOpenAnswer, now)
		if err != nil {
			return err
		}
		err = tx.tx.QueryRow(ctx, `INSERT INTO open_requests (resource_id, requester, purpose, scope, status, created_at,
			due_date, due_at, due_days, due_citation, calendar_revision)
			VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10) RETURNING id`,
			in.ResourceID, v.Subject, in.Purpose, in.Scope, now, dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision).Scan(&id)
		if err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindOpenRequest, id)
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.OpenRequestsByID, domain.OpenRequestScope{All: true}, id, "open request")
}

// ActOnOpenRequest answers, extends or withdraws an open request, locked.
func (db *DB) ActOnOpenRequest(ctx context.Context, v domain.Viewer, cmd domain.OpenCommand, deployment domain.Profile, now time.Time) (*domain.OpenRequest, error) {
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, cmd.IdempotencyKey, "openRequest"+string(cmd.Event), cmd)
		if err != nil || replayed != 0 {
			return err
		}
		rows, err := tx.tx.Query(ctx, "SELECT "+openColumns+" FROM "+openFrom+" WHERE o.id = $1 FOR UPDATE OF o", cmd.RequestID)
		if err != nil {
			return fmt.Errorf("lock open request: %w", err)
		}
		o, err := pgx.CollectExactlyOneRow(rows, scanOpen)
		scope, serr := domain.OpenRequestScopeFor(v)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (serr != nil || !openInScope(scope, o)) {
			// SECURITY: a request outside the viewer's scope does not exist for it.
			return domain.Errorf(domain.ENotFound, "no OpenRequest %s", domain.NodeID(domain.KindOpenRequest, cmd.RequestID))
		}
		if err != nil {
			return fmt.Errorf("lock open request: %w", err)
		}
		if err := domain.MayDecideOpen(v, cmd.Event, o.SourceDepartmentID, o.Requester); err != nil {
			return err
		}
		next, err := domain.OpenTransition(o.Status, cmd.Event)
		if err != nil {
			return err
		}
		actor := domain.ActorOf(v).Key()
		switch cmd.Event {
		case domain.OpenEventExtend:
			if o.Deadline == nil {
				return domain.Errorf(domain.EPrecondition, "the request has no deadline to extend")
			}
			policy, cal, err := db.rulesOf(ctx, tx, o.SourceDepartmentID, deployment)
			if err != nil {
				return err
			}
			d, err := domain.OpenExtension(cal, *o.Deadline, policy.Rule(domain.DeadlineOpenAnswer), o.ExtendedAt != nil, cmd.Reason, cmd.Approver)
			if err != nil {
				return err
			}
			_, err = tx.tx.Exec(ctx, `UPDATE open_requests SET due_date = $2, due_at = $3, due_days = $4, calendar_revision = $5,
				extended_at = $6, extension_reason = $7, extension_approved_by = $8 WHERE id = $1`,
				o.ID, dateColumn(d.Due), d.DueAt, d.Days, d.Revision, now, strings.TrimSpace(cmd.Reason), strings.TrimSpace(cmd.Approver))
			if err != nil {
				return mapError(err)
			}
		case domain.OpenEventReject:
			if err := domain.ValidateOpenRefusal(cmd.Reason, cmd.Basis); err != nil {
				return err
			}
			fallthrough
		default:
			_, err := tx.tx.Exec(ctx, `UPDATE open_requests SET status = $2::open_request_status, decided_at = $3, decided_by = $4,
				reason = $5, basis = $6 WHERE id = $1`, o.ID, string(next), now, actor, strings.TrimSpace(cmd.Reason), strings.TrimSpace(cmd.Basis))
			if err != nil {
				return mapError(err)
			}
		}
		return tx.settleKey(ctx, v, cmd.IdempotencyKey, o.ID)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.OpenRequestsByID, domain.OpenRequestScope{All: true}, cmd.RequestID, "open request")
}

// openInScope is the Go form of openScope, for a locked row.
func openInScope(s domain.OpenRequestScope, o *domain.OpenRequest) bool {
	switch {
	case s.All:
		return true
	case s.Requester != "":
		return o.Requester == s.Requester
	default:
		return o.SourceDepartmentID == s.SourceDepartmentID
	}
}

// OpenRequests lists the open requests in scope, newest first.
func (db *DB) OpenRequests(ctx context.Context, scope domain.OpenRequestScope, f domain.OpenRequestCriteria, p domain.PageArgs) (*domain.Page[*domain.OpenRequest], error) {
	q := &query{}
	q.openScope(scope)
	if f.ResourceID != 0 {
		q.and("o.resource_id = " + q.arg(f.ResourceID))
	}
	if f.Status != "" {
		q.and("o.status = " + q.label(string(f.Status), "open_request_status"))
	}
	if !f.OverdueAt.IsZero() {
		q.and("o.status = 'PENDING' AND o.due_at < " + q.arg(f.OverdueAt))
	}
	return newestFirst(ctx, db, q, p, openFrom, "o", openColumns, scanOpen, func(o *domain.OpenRequest) int64 { return o.ID })
}

// OpenRequestsByID returns the open requests among ids in scope.
func (db *DB) OpenRequestsByID(ctx context.Context, scope domain.OpenRequestScope, ids []int64) (map[int64]*domain.OpenRequest, error) {
	q := &query{}
	q.openScope(scope)
	return byID(ctx, db, q, ids, openFrom, "o", openColumns, scanOpen, func(o *domain.OpenRequest) int64 { return o.ID })
}
