package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// ViewerRights loads what v holds beyond its role: its department's active
// share grants unexpired at now, or a person's approved open requests. One
// statement, once per request.
func (db *DB) ViewerRights(ctx context.Context, v domain.Viewer, now time.Time) (domain.Rights, error) {
	rights := domain.Rights{Grants: map[int64]*domain.Grant{}, OpenApproved: map[int64]bool{}}
	switch {
	case v.Role == domain.RoleDepartment && v.DepartmentID != 0:
		// Several grants for one resource (different scenarios): the one
		// that allows the most items is the one the field gates use.
		rows, err := db.pool.Query(ctx, `SELECT id, resource_id, item_ids, mode::text, scenario, purpose, valid_until
			FROM grants WHERE department_id = $1 AND status = 'ACTIVE' AND (valid_until IS NULL OR valid_until > $2)
			ORDER BY resource_id, cardinality(item_ids) DESC, id`, v.DepartmentID, now)
		if err != nil {
			return rights, fmt.Errorf("viewer grants: %w", err)
		}
		grants, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Grant, error) {
			var g domain.Grant
			err := row.Scan(&g.ID, &g.ResourceID, &g.ItemIDs, &g.Mode, &g.Scenario, &g.Purpose, &g.ValidUntil)
			return &g, err
		})
		if err != nil {
			return rights, fmt.Errorf("viewer grants: %w", err)
		}
		for _, g := range grants {
			if rights.Grants[g.ResourceID] == nil {
				rights.Grants[g.ResourceID] = g
			}
		}
	case v.Role == domain.RolePerson && v.Subject != "":
		rows, err := db.pool.Query(ctx, `SELECT DISTINCT resource_id FROM open_requests
			WHERE requester = $1 AND status = 'APPROVED'`, v.Subject)
		if err != nil {
			return rights, fmt.Errorf("viewer open requests: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return rights, fmt.Errorf("viewer open requests: %w", err)
		}
		for _, id := range ids {
			rights.OpenApproved[id] = true
		}
	}
	return rights, nil
}
