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
		d = domain.DecideAccess(v, r, grants, q, now)
		var grantID *int64
		if d.Grant != nil {
			grantID = &d.Grant.ID
		}
		err = tx.tx.QueryRow(ctx, `INSERT INTO access_decisions (at, actor_subject, department_id, resource_id, item_ids, mode,
			subject_hash, allowed, allowed_item_ids, grant_id, reason)
			VALUES ($1, $2, $3, $4, $5, $6::share_mode, $7, $8, $9, $10, $11) RETURNING id`,
			now, v.Subject, v.DepartmentID, q.ResourceID, q.ItemIDs, string(q.Mode), subjectHash, d.Allow, d.ItemIDs, grantID, d.Reason).Scan(&d.ID)
		return mapError(err)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}
