package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const updateColumns = `u.id, u.resource_id, u.at, u.rows, u.recorded_subject, u.recorded_role,
	coalesce(u.recorded_department_id, 0), u.recorded_at`

func scanUpdate(row pgx.CollectableRow) (*domain.DataUpdate, error) {
	var u domain.DataUpdate
	err := row.Scan(&u.ID, &u.ResourceID, &u.At, &u.Rows, &u.RecordedBy.Subject, &u.RecordedBy.Role, &u.RecordedBy.DepartmentID, &u.RecordedAt)
	return &u, err
}

// RecordDataUpdate records that the source department updated the
// resource's data at at, to rows rows (MZ 13).
func (db *DB) RecordDataUpdate(ctx context.Context, v domain.Viewer, resourceID int64, at time.Time, rows int64, key string, now time.Time) (*domain.DataUpdate, error) {
	if err := domain.ValidateDataUpdate(at, rows, now); err != nil {
		return nil, err
	}
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		input := struct {
			Resource int64
			At       time.Time
			Rows     int64
		}{resourceID, at, rows}
		replayed, err := tx.claimKey(ctx, v, key, "recordDataUpdate", input)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		r, err := tx.lockResource(ctx, resourceID)
		if err != nil {
			return err
		}
		// SECURITY: an entry the viewer may not see does not exist for it.
		if r == nil || !domain.ResourceScopeFor(v).Contains(r) {
			return domain.Errorf(domain.ENotFound, "no Resource %s", domain.NodeID(domain.KindResource, resourceID))
		}
		if err := domain.MayRecordDataUpdate(v, r.SourceDepartmentID); err != nil {
			return err
		}
		a := domain.ActorOf(v)
		if err := tx.tx.QueryRow(ctx, `INSERT INTO data_updates (resource_id, at, rows, recorded_subject, recorded_role, recorded_department_id, recorded_at)
			VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), $7) RETURNING id`,
			resourceID, at, rows, a.Subject, string(a.Role), a.DepartmentID, now).Scan(&id); err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindResource, resourceID)
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	row, err := db.pool.Query(ctx, "SELECT "+updateColumns+" FROM data_updates u WHERE u.id = $1", id)
	if err != nil {
		return nil, fmt.Errorf("data update: %w", err)
	}
	return pgx.CollectExactlyOneRow(row, scanUpdate)
}

// LastDataUpdatesOf returns each resource's latest recorded update.
func (db *DB) LastDataUpdatesOf(ctx context.Context, resourceIDs []int64) (map[int64]*domain.DataUpdate, error) {
	// One resource's is a scalar parameter, as keyIn's: PostgreSQL plans
	// an array anew each time.
	keys, arg := "unnest($1::bigint[])", any(resourceIDs)
	if len(resourceIDs) == 1 {
		keys, arg = "(VALUES ($1::bigint))", resourceIDs[0]
	}
	rows, err := db.pool.Query(ctx, `SELECT `+updateColumns+` FROM `+keys+` AS r(id)
		JOIN LATERAL (SELECT * FROM data_updates d WHERE d.resource_id = r.id ORDER BY d.at DESC, d.id DESC LIMIT 1) u ON true`, arg)
	if err != nil {
		return nil, fmt.Errorf("last data updates: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanUpdate)
	if err != nil {
		return nil, fmt.Errorf("last data updates: %w", err)
	}
	return byKey(list, func(u *domain.DataUpdate) int64 { return u.ResourceID }), nil
}
