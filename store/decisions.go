package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// RecordAccessDecision decides q for v (domain.DecideAccess) on the
// department's grants for the entry, and records the decision with the
// subject's protected hash (nil: no subject), in one transaction.
func (db *DB) RecordAccessDecision(ctx context.Context, v domain.Viewer, q domain.AccessQuery, subjectHash []byte, now time.Time) (*domain.AccessDecision, error) {
	// SECURITY: departments only (MZ 21).
	if err := domain.MayAskAccess(v); err != nil {
		return nil, err
	}
	var d domain.AccessDecision
	err := db.Tx(ctx, func(tx *Tx) error {
		r, rr, err := tx.requestedResource(ctx, v, q.ResourceID)
		if err != nil {
			return err
		}
		if err := domain.ValidateAccessQuery(q, rr.ItemIDs); err != nil {
			return err
		}
		rows, err := tx.tx.Query(ctx, "SELECT "+grantColumns+" FROM "+grantFrom+" WHERE g.resource_id = $1 AND g.department_id = $2 ORDER BY g.id",
			q.ResourceID, v.DepartmentID)
		if err != nil {
			return fmt.Errorf("grants of a decision: %w", err)
		}
		grants, err := pgx.CollectRows(rows, scanGrant)
		if err != nil {
			return fmt.Errorf("grants of a decision: %w", err)
		}
		d = domain.DecideAccess(v, r, rr.ItemNames, grants, q, now)
		var grantID *int64
		if d.Grant != nil {
			grantID = &d.Grant.ID
		}
		err = tx.tx.QueryRow(ctx, `INSERT INTO access_decisions (at, actor_subject, department_id, resource_id, item_ids, mode,
			scenario, purpose, subject_hash, allowed, allowed_item_ids, grant_id, reason)
			VALUES ($1, $2, $3, $4, $5, $6::share_mode, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			now, v.Subject, v.DepartmentID, q.ResourceID, q.ItemIDs, string(q.Mode), d.Scenario, d.Purpose,
			subjectHash, d.Allow, d.ItemIDs, grantID, d.Reason).Scan(&d.ID)
		if err != nil {
			return mapError(err)
		}
		// The decision is an audit event too (NY 33, WZ 34), committed with
		// its record; a denial is a refused attempt.
		if rec := domain.AuditFrom(ctx); rec != nil {
			rec.Target(domain.KindResource, q.ResourceID)
			rec.Note("accessDecision", d.ID)
			rec.Note("allowedItemIds", d.ItemIDs)
			if grantID != nil {
				rec.Note("grantId", *grantID)
			}
			if !d.Allow {
				kinds := make([]domain.AccessGapKind, len(d.Gaps))
				for i, g := range d.Gaps {
					kinds[i] = g.Kind
				}
				rec.Note("gaps", kinds)
				rec.Decided(domain.AuditRefused, domain.EForbidden, d.Reason)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// AccessRecordsOf lists the access decisions about the subject of
// subjectHash, newest first.
func (db *DB) AccessRecordsOf(ctx context.Context, subjectHash []byte, p domain.PageArgs) (*domain.Page[*domain.AccessRecord], error) {
	q := &query{}
	q.and("a.subject_hash = " + q.arg(subjectHash))
	return newestFirst(ctx, db, q, p, "access_decisions a LEFT JOIN grants g ON g.id = a.grant_id", "a",
		`a.id, a.at, a.department_id, a.resource_id, a.mode::text, a.allowed, coalesce(a.grant_id, 0), coalesce(nullif(a.scenario, ''), g.scenario, ''), a.reason`,
		func(row pgx.CollectableRow) (*domain.AccessRecord, error) {
			var r domain.AccessRecord
			err := row.Scan(&r.ID, &r.At, &r.DepartmentID, &r.ResourceID, &r.Mode, &r.Allowed, &r.GrantID, &r.Scenario, &r.Reason)
			return &r, err
		}, func(r *domain.AccessRecord) int64 { return r.ID })
}
