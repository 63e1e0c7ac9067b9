package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const requestColumns = `sr.id, sr.resource_id, sr.requester_department_id, sr.source_department_id, sr.requested_by,
	sr.purpose, sr.scenario, sr.item_ids, sr.mode::text, sr.until, sr.status::text, sr.submitted_at,
	sr.due_date, sr.due_days, sr.due_citation, sr.calendar_revision,
	sr.decided_item_ids, coalesce(sr.decided_mode::text, ''), sr.decided_until,
	sr.source_decided_at, sr.authority_decided_at, sr.reason, sr.basis,
	coalesce((SELECT g.id FROM grants g WHERE g.request_id = sr.id), 0)`

func scanRequest(row pgx.CollectableRow) (*domain.ShareRequest, error) {
	var (
		r                     domain.ShareRequest
		until                 time.Time
		dueDate, decidedUntil *time.Time
		dueDays               *int
		citation              *string
		calRev                *int64
		decidedItems          []int64
		decidedMode           string
	)
	err := row.Scan(&r.ID, &r.ResourceID, &r.RequesterDepartmentID, &r.SourceDepartmentID, &r.RequestedBy,
		&r.Purpose, &r.Scenario, &r.Asked.ItemIDs, &r.Asked.Mode, &until, &r.Status, &r.SubmittedAt,
		&dueDate, &dueDays, &citation, &calRev,
		&decidedItems, &decidedMode, &decidedUntil,
		&r.SourceDecidedAt, &r.AuthorityDecidedAt, &r.Reason, &r.Basis, &r.GrantID)
	if err != nil {
		return nil, err
	}
	r.Asked.Until = dateOfColumn(until)
	if dueDate != nil && calRev != nil {
		due := dateOfColumn(*dueDate)
		r.Deadline = &domain.Deadline{Kind: domain.DeadlineShareAnswer, Start: r.SubmittedAt, Due: due, DueAt: due.EndOfDay(),
			Days: deref(dueDays), Citation: deref(citation), Revision: *calRev}
	}
	if decidedMode != "" {
		r.Decided = &domain.ShareTerms{ItemIDs: decidedItems, Mode: domain.ShareMode(decidedMode), Until: dateOfColumn(deref(decidedUntil))}
	}
	return &r, nil
}

// requestedResource locks nothing: the entry's share type, modes and
// items as they are now, or nil when v may not see it.
func (tx *Tx) requestedResource(ctx context.Context, v domain.Viewer, id int64) (*domain.Resource, domain.RequestedResource, error) {
	r, err := scanResource(tx.tx.QueryRow(ctx, "SELECT "+resourceColumns+resourceFrom+" WHERE r.id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !domain.ResourceScopeFor(v).Contains(r) {
		// SECURITY: an entry the viewer may not see does not exist for it.
		return nil, domain.RequestedResource{}, domain.Errorf(domain.ENotFound, "no Resource %s", domain.NodeID(domain.KindResource, id))
	}
	if err != nil {
		return nil, domain.RequestedResource{}, fmt.Errorf("requested resource: %w", err)
	}
	rows, err := tx.tx.Query(ctx, `SELECT id, name FROM data_items WHERE resource_id = $1 AND removed_at IS NULL ORDER BY position`, id)
	if err != nil {
		return nil, domain.RequestedResource{}, fmt.Errorf("requested items: %w", err)
	}
	rr := domain.RequestedResource{SourceDepartmentID: r.SourceDepartmentID, ShareType: r.ShareType, ShareModes: r.ShareModes, ItemNames: map[int64]string{}}
	var itemID int64
	var name string
	_, err = pgx.ForEachRow(rows, []any{&itemID, &name}, func() error {
		rr.ItemIDs = append(rr.ItemIDs, itemID)
		rr.ItemNames[itemID] = name
		return nil
	})
	if err != nil {
		return nil, domain.RequestedResource{}, fmt.Errorf("requested items: %w", err)
	}
	return r, rr, nil
}

// SubmitShareRequest files a share request of v's department.
func (db *DB) SubmitShareRequest(ctx context.Context, v domain.Viewer, in domain.ShareRequestInput, deployment domain.Profile, key string, now time.Time) (*domain.ShareRequest, error) {
	in.Purpose, in.Scenario = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.Scenario)
	in.ItemIDs = slices.Compact(slices.Sorted(slices.Values(in.ItemIDs)))
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, key, "submitShareRequest", in)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		r, rr, err := tx.requestedResource(ctx, v, in.ResourceID)
		if err != nil {
			return err
		}
		// SECURITY: OpenShareRequest checks who may request what (MZ 21).
		status, err := domain.OpenShareRequest(v, in, rr, domain.DateOf(now))
		if err != nil {
			return err
		}
		var d *domain.Deadline
		if status == domain.RequestPendingSource {
			policy, cal, err := db.rulesIn(ctx, tx, r.SourceDepartment.RegionCode, deployment)
			if err != nil {
				return err
			}
			dl, err := policy.Deadline(cal, domain.DeadlineShareAnswer, now)
			if err != nil {
				return err
			}
			d = &dl
		}
		var dueDate, dueAt any
		var days, citation, calRev any
		if d != nil {
			dueDate, dueAt, days, citation, calRev = dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision
		}
		err = tx.tx.QueryRow(ctx, `INSERT INTO share_requests (resource_id, requester_department_id, source_department_id,
			requested_by, purpose, scenario, item_ids, mode, until, status, submitted_at,
			due_date, due_at, due_days, due_citation, calendar_revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8::share_mode, $9, $10::share_request_status, $11, $12, $13, $14, $15, $16) RETURNING id`,
			in.ResourceID, v.DepartmentID, r.SourceDepartmentID, v.Subject, in.Purpose, in.Scenario, in.ItemIDs,
			string(in.Mode), dateColumn(in.Until), string(status), now, dueDate, dueAt, days, citation, calRev).Scan(&id)
		if err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindShareRequest, id)
		if err := tx.notifyRequest(ctx, id); err != nil {
			return err
		}
		if status == domain.RequestGranted {
			// MZ 21: unconditional data is obtained directly; the grant
			// still records the purpose, scenario and terms.
			terms := domain.ShareTerms{ItemIDs: in.ItemIDs, Mode: in.Mode, Until: in.Until}
			if err := tx.grant(ctx, id, in.ResourceID, v.DepartmentID, in.Scenario, in.Purpose, terms, now); err != nil {
				return err
			}
		}
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.ShareRequestsByID, domain.OversightScope{All: true}, id, "share request")
}

// grant makes the grant of request id.
func (tx *Tx) grant(ctx context.Context, requestID, resourceID, departmentID int64, scenario, purpose string, t domain.ShareTerms, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `INSERT INTO grants (resource_id, department_id, item_ids, mode, scenario, purpose, valid_until, request_id, created_at)
		VALUES ($1, $2, $3, $4::share_mode, $5, $6, $7, $8, $9)`,
		resourceID, departmentID, t.ItemIDs, string(t.Mode), scenario, purpose, domain.GrantValidUntil(t.Until), requestID, now)
	return mapError(err)
}

// DecideShareRequest applies cmd in one transaction, the request locked.
func (db *DB) DecideShareRequest(ctx context.Context, v domain.Viewer, cmd domain.RequestCommand, now time.Time) (*domain.ShareRequest, error) {
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, cmd.IdempotencyKey, "decideShareRequest", cmd)
		if err != nil || replayed != 0 {
			return err
		}
		rows, err := tx.tx.Query(ctx, "SELECT "+requestColumns+" FROM share_requests sr WHERE sr.id = $1 FOR UPDATE", cmd.RequestID)
		if err != nil {
			return fmt.Errorf("lock share request: %w", err)
		}
		r, err := pgx.CollectExactlyOneRow(rows, scanRequest)
		scope, serr := domain.RequestScopeFor(v)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (serr != nil || !scope.Contains(r.RequesterDepartmentID) && !scope.Contains(r.SourceDepartmentID)) {
			// SECURITY: a request outside the viewer's scope does not exist for it.
			return domain.Errorf(domain.ENotFound, "no ShareRequest %s", domain.NodeID(domain.KindShareRequest, cmd.RequestID))
		}
		if err != nil {
			return fmt.Errorf("lock share request: %w", err)
		}
		e := domain.RequestEventFor(r.Status, cmd.Decision)
		if err := domain.MayDecideRequest(v, e, r.SourceDepartmentID, r.RequesterDepartmentID); err != nil {
			return err
		}
		// What is on the table: the source's terms once it approved, else
		// what was asked.
		base := r.Asked
		if r.Decided != nil {
			base = *r.Decided
		}
		terms := base
		if cmd.Decision == domain.DecisionApprove {
			if terms, err = domain.NarrowTerms(base, cmd.Terms); err != nil {
				return err
			}
			_, rr, err := tx.requestedResource(ctx, domain.Viewer{Role: domain.RoleAuthority}, r.ResourceID)
			if err != nil {
				return err
			}
			if err := domain.ValidateGrantTerms(terms, rr, domain.DateOf(now)); err != nil {
				return err
			}
		}
		next, err := domain.RequestTransition(r.Status, e, terms.Mode)
		if err != nil {
			return err
		}
		if cmd.Decision == domain.DecisionReject {
			if err := domain.ValidateRejection(cmd.Reason, cmd.Basis); err != nil {
				return err
			}
		}
		actor := domain.ActorOf(v).Key()
		var sets []string
		args := []any{r.ID, string(next), strings.TrimSpace(cmd.Reason), strings.TrimSpace(cmd.Basis)}
		arg := func(x any) string { args = append(args, x); return "$" + strconv.Itoa(len(args)) }
		switch e {
		case domain.EventSourceApprove, domain.EventSourceReject:
			sets = append(sets, "source_decided_at = "+arg(now), "source_decided_by = "+arg(actor))
			cal, err := db.calendar(ctx, tx.tx)
			if err != nil {
				return err
			}
			// The median answer time of the evaluation (NY 59, WZ 40).
			if n, ok := domain.AnswerDays(cal, r.SubmittedAt, now); ok {
				sets = append(sets, "answer_days = "+arg(n))
			}
		case domain.EventAuthorityApprove, domain.EventAuthorityReject:
			sets = append(sets, "authority_decided_at = "+arg(now), "authority_decided_by = "+arg(actor))
		}
		if cmd.Decision == domain.DecisionApprove {
			sets = append(sets, "decided_item_ids = "+arg(terms.ItemIDs), "decided_mode = "+arg(string(terms.Mode))+"::share_mode",
				"decided_until = "+arg(dateColumn(terms.Until)))
		}
		sql := "UPDATE share_requests SET status = $2::share_request_status, reason = $3, basis = $4"
		if len(sets) > 0 {
			sql += ", " + strings.Join(sets, ", ")
		}
		if _, err := tx.tx.Exec(ctx, sql+" WHERE id = $1", args...); err != nil {
			return mapError(err)
		}
		if next == domain.RequestGranted {
			if err := tx.grant(ctx, r.ID, r.ResourceID, r.RequesterDepartmentID, r.Scenario, r.Purpose, terms, now); err != nil {
				return err
			}
		}
		if err := tx.notifyRequest(ctx, r.ID); err != nil {
			return err
		}
		return tx.settleKey(ctx, v, cmd.IdempotencyKey, r.ID)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.ShareRequestsByID, domain.OversightScope{All: true}, cmd.RequestID, "share request")
}

// requestScope adds the rows filter of a request scope: requests the
// department filed or must decide.
func (q *query) requestScope(s domain.OversightScope) {
	if !s.All {
		p := q.arg(s.DepartmentID)
		q.and("(sr.requester_department_id = " + p + " OR sr.source_department_id = " + p + ")")
	}
}

// ShareRequests lists the requests in scope, newest first.
func (db *DB) ShareRequests(ctx context.Context, scope domain.OversightScope, f domain.ShareRequestCriteria, p domain.PageArgs) (*domain.Page[*domain.ShareRequest], error) {
	q := &query{}
	q.requestScope(scope)
	if f.RequesterDepartmentID != 0 {
		q.and("sr.requester_department_id = " + q.arg(f.RequesterDepartmentID))
	}
	if f.SourceDepartmentID != 0 {
		q.and("sr.source_department_id = " + q.arg(f.SourceDepartmentID))
	}
	if f.ResourceID != 0 {
		q.and("sr.resource_id = " + q.arg(f.ResourceID))
	}
	if f.Status != "" {
		q.and("sr.status = " + q.label(string(f.Status), "share_request_status"))
	}
	if !f.OverdueAt.IsZero() {
		q.and("sr.status = 'PENDING_SOURCE' AND sr.due_at < " + q.arg(f.OverdueAt))
	}
	return newestFirst(ctx, db, q, p, "share_requests sr", "sr", requestColumns, scanRequest,
		func(r *domain.ShareRequest) int64 { return r.ID })
}

// newestFirst pages the rows of from (aliased alias) matching q by
// descending ID.
func newestFirst[T any](ctx context.Context, db *DB, q *query, p domain.PageArgs, from, alias, columns string,
	scan func(pgx.CollectableRow) (T, error), id func(T) int64) (*domain.Page[T], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	spec := orderSpec{name: "NEWEST", expr: alias + ".id", cast: "bigint", desc: true, unique: true}
	c, err := spec.decode(p.After)
	if err != nil {
		return nil, err
	}
	count := q.clone()
	orderBy := q.seek(spec, alias, c)
	rows, err := db.pool.Query(ctx, "SELECT "+columns+" FROM "+from+q.whereSQL()+orderBy+limit(p), q.args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", from, err)
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", from, err)
	}
	pg := page(list, p, func(x T) string { return encodeCursor(spec.key(), strconv.FormatInt(id(x), 10), id(x)) })
	pg.Count = func(ctx context.Context) (int, error) {
		var n int
		err := db.pool.QueryRow(ctx, "SELECT count(*) FROM "+from+count.whereSQL(), count.args...).Scan(&n)
		return n, err
	}
	return pg, nil
}

// byID loads the rows of from (aliased alias) among ids that q's scope
// conditions keep, by ID.
func byID[T any](ctx context.Context, db *DB, q *query, ids []int64, from, alias, columns string,
	scan func(pgx.CollectableRow) (T, error), id func(T) int64) (map[int64]T, error) {
	q.and(keyIn(q, alias+".id", ids))
	rows, err := db.pool.Query(ctx, "SELECT "+columns+" FROM "+from+q.whereSQL(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("%s by id: %w", from, err)
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("%s by id: %w", from, err)
	}
	return byKey(list, id), nil
}

// ShareRequestsByID returns the requests among ids in scope.
func (db *DB) ShareRequestsByID(ctx context.Context, scope domain.OversightScope, ids []int64) (map[int64]*domain.ShareRequest, error) {
	q := &query{}
	q.requestScope(scope)
	return byID(ctx, db, q, ids, "share_requests sr", "sr", requestColumns, scanRequest, func(r *domain.ShareRequest) int64 { return r.ID })
}

const grantColumns = `g.id, g.resource_id, g.department_id, g.item_ids, g.mode::text, g.scenario, g.purpose, g.valid_until,
	g.status::text, g.status_reason, coalesce(g.request_id, 0), g.created_at, g.revoked_at`

const grantFrom = "grants g JOIN resources r ON r.id = g.resource_id"

func scanGrant(row pgx.CollectableRow) (*domain.ShareGrant, error) {
	var g domain.ShareGrant
	err := row.Scan(&g.ID, &g.ResourceID, &g.DepartmentID, &g.ItemIDs, &g.Mode, &g.Scenario, &g.Purpose, &g.ValidUntil,
		&g.Status, &g.StatusReason, &g.RequestID, &g.CreatedAt, &g.RevokedAt)
	if g.ValidUntil != nil {
		t := g.ValidUntil.In(domain.ChinaTime)
		g.ValidUntil = &t
	}
	return &g, err
}

// grantScope: grants the department holds or gave (as the source).
func (q *query) grantScope(s domain.OversightScope) {
	if !s.All {
		p := q.arg(s.DepartmentID)
		q.and("(g.department_id = " + p + " OR r.source_department_id = " + p + ")")
	}
}

// Grants lists the grants in scope, newest first.
func (db *DB) Grants(ctx context.Context, scope domain.OversightScope, f domain.GrantCriteria, p domain.PageArgs) (*domain.Page[*domain.ShareGrant], error) {
	q := &query{}
	q.grantScope(scope)
	if f.DepartmentID != 0 {
		q.and("g.department_id = " + q.arg(f.DepartmentID))
	}
	if f.ResourceID != 0 {
		q.and("g.resource_id = " + q.arg(f.ResourceID))
	}
	switch f.Status {
	case "":
	case domain.GrantExpired: // the SQL form of ShareGrant.StatusAt
		q.and("g.status = 'ACTIVE' AND g.valid_until <= " + q.arg(f.At))
	case domain.GrantActive:
		q.and("g.status = 'ACTIVE' AND (g.valid_until IS NULL OR g.valid_until > " + q.arg(f.At) + ")")
	default:
		q.and("g.status = " + q.label(string(f.Status), "grant_status"))
	}
	if f.Usage.Missing {
		q.usageMissing(f.Usage.Today)
	}
	return newestFirst(ctx, db, q, p, grantFrom, "g", grantColumns, scanGrant, func(g *domain.ShareGrant) int64 { return g.ID })
}

// GrantsByID returns the grants among ids in scope.
func (db *DB) GrantsByID(ctx context.Context, scope domain.OversightScope, ids []int64) (map[int64]*domain.ShareGrant, error) {
	q := &query{}
	q.grantScope(scope)
	return byID(ctx, db, q, ids, grantFrom, "g", grantColumns, scanGrant, func(g *domain.ShareGrant) int64 { return g.ID })
}

// ChangeGrant suspends, reinstates or revokes a grant for the authority,
// recording who, when and why (NY 41, WZ 22).
func (db *DB) ChangeGrant(ctx context.Context, v domain.Viewer, id int64, e domain.GrantEvent, reason, idempotencyKey string, now time.Time) (*domain.ShareGrant, error) {
	reason = strings.TrimSpace(reason)
	if err := domain.MayChangeGrant(v, reason); err != nil {
		return nil, err
	}
	err := db.Tx(ctx, func(tx *Tx) error {
		// A replayed key answers with the grant as it now is: the first
		// attempt's transition is not tried a second time (a suspended
		// grant cannot be suspended again).
		replayed, err := tx.claimKey(ctx, v, idempotencyKey, "grant"+string(e), struct {
			Grant  int64
			Reason string
		}{id, reason})
		if err != nil || replayed != 0 {
			return err
		}
		rows, err := tx.tx.Query(ctx, "SELECT "+grantColumns+" FROM "+grantFrom+" WHERE g.id = $1 FOR UPDATE OF g", id)
		if err != nil {
			return fmt.Errorf("lock grant: %w", err)
		}
		g, err := pgx.CollectExactlyOneRow(rows, scanGrant)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENotFound, "no Grant %s", domain.NodeID(domain.KindGrant, id))
		}
		if err != nil {
			return fmt.Errorf("lock grant: %w", err)
		}
		next, err := domain.GrantTransition(g.Status, e)
		if err != nil {
			return err
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE grants SET status = $2::grant_status, status_reason = $3,
			revoked_at = CASE WHEN $2 = 'REVOKED' THEN $4 ELSE revoked_at END WHERE id = $1`, id, string(next), reason, now); err != nil {
			return mapError(err)
		}
		_, err = tx.tx.Exec(ctx, `INSERT INTO grant_changes (grant_id, at, actor, from_status, to_status, reason)
			VALUES ($1, $2, $3, $4::grant_status, $5::grant_status, $6)`, id, now, domain.ActorOf(v).Key(), string(g.Status), string(next), reason)
		if err != nil {
			return mapError(err)
		}
		if err := tx.settleKey(ctx, v, idempotencyKey, id); err != nil || g.RequestID == 0 {
			return err
		}
		return tx.notifyRequest(ctx, g.RequestID) // the request's grant changed
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.GrantsByID, domain.OversightScope{All: true}, id, "grant")
}
