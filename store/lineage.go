package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// lineageStart checks that the start node exists and, for a resource,
// that the viewer may see it.
var lineageStart = map[domain.NodeKind]string{
	domain.KindDepartment:    `SELECT EXISTS (SELECT 1 FROM departments WHERE id = $1)`,
	domain.KindDataElement:   `SELECT EXISTS (SELECT 1 FROM data_elements WHERE id = $1)`,
	domain.KindThemeDatabase: `SELECT EXISTS (SELECT 1 FROM theme_databases WHERE id = $1)`,
}

// Lineage walks the catalogue's graph from q's start in one recursive
// query: the edges of the resources the viewer may see (rs) as of q.At,
// the grant edges of grants (when showGrants) in force then, walked
// q.Depth steps each way asked, and returns a page of the nodes reached
// ordered by steps from the start, each with the edges that reached it.
func (db *DB) Lineage(ctx context.Context, rs domain.ResourceScope, grants domain.OversightScope, showGrants bool, lq domain.LineageQuery, p domain.PageArgs) (*domain.Page[*domain.LineageNode], error) {
	if err := domain.ValidateLineage(lq); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	notFound := domain.Errorf(domain.ENotFound, "no %s %s", lq.StartKind, domain.NodeID(lq.StartKind, lq.StartID))
	q := &query{}
	at := q.arg(lq.At)
	// The resources in sight: the viewer's scope, created by then.
	q.scope(rs)
	q.and("r.created_at <= " + at)
	vis := "SELECT r.id, r.source_department_id FROM resources r" + q.whereSQL()
	if lq.StartKind == domain.KindResource {
		var ok bool
		if err := db.pool.QueryRow(ctx, "SELECT EXISTS ("+vis+" AND r.id = "+q.arg(lq.StartID)+")", q.args...).Scan(&ok); err != nil {
			return nil, fmt.Errorf("lineage start: %w", err)
		}
		q.args = q.args[:len(q.args)-1]
		if !ok {
			return nil, notFound
		}
	} else {
		var ok bool
		if err := db.pool.QueryRow(ctx, lineageStart[lq.StartKind], lq.StartID).Scan(&ok); err != nil {
			return nil, fmt.Errorf("lineage start: %w", err)
		}
		if !ok {
			return nil, notFound
		}
	}
	// The grants in force then, in the viewer's grant scope.
	g := "SELECT g.id, g.resource_id, g.department_id FROM grants g JOIN vis r ON r.id = g.resource_id WHERE false"
	if showGrants {
		g = "SELECT g.id, g.resource_id, g.department_id FROM grants g JOIN vis r ON r.id = g.resource_id WHERE g.created_at <= " + at +
			" AND (g.valid_until IS NULL OR g.valid_until >= " + at + ") AND (g.revoked_at IS NULL OR g.revoked_at > " + at + ")"
		if lq.Past {
			// In force then: ACTIVE after its last change by then (NY 41,
			// WZ 22: every change is dated in grant_changes).
			g += " AND coalesce((SELECT c.to_status FROM grant_changes c WHERE c.grant_id = g.id AND c.at <= " + at +
				" ORDER BY c.at DESC LIMIT 1), 'ACTIVE') = 'ACTIVE'"
		} else {
			g += " AND g.status = 'ACTIVE'"
		}
		if !grants.All {
			d := q.arg(grants.DepartmentID)
			g += " AND (g.department_id = " + d + " OR r.source_department_id = " + d + ")"
		}
	}
	var dirs []string
	if lq.Direction != domain.LineageDownstream {
		dirs = append(dirs, string(domain.LineageUpstream))
	}
	if lq.Direction != domain.LineageUpstream {
		dirs = append(dirs, string(domain.LineageDownstream))
	}
	walk := `WITH RECURSIVE vis AS MATERIALIZED (` + vis + `),
	gr AS MATERIALIZED (` + g + `),
	edges (sk, sid, dk, did, kind, grant_id) AS MATERIALIZED (
		SELECT 'Department', e.source_department_id, 'DataElement', e.id, 'SOURCE_OF', 0::bigint FROM data_elements e
		UNION ALL SELECT 'DataElement', x.data_element_id, 'Resource', x.resource_id, 'CARRIED_BY', 0 FROM resource_data_elements x JOIN vis ON vis.id = x.resource_id
		UNION ALL SELECT 'Department', vis.source_department_id, 'Resource', vis.id, 'PROVIDES', 0 FROM vis
		UNION ALL SELECT 'Resource', t.resource_id, 'ThemeDatabase', t.theme_database_id, 'FEEDS', 0 FROM theme_database_resources t JOIN vis ON vis.id = t.resource_id
		UNION ALL SELECT 'Resource', gr.resource_id, 'Department', gr.department_id, 'GRANTED_TO', gr.id FROM gr
		UNION ALL SELECT 'ThemeDatabase', t.theme_database_id, 'Department', gr.department_id, 'USED_BY', gr.id
			FROM theme_database_resources t JOIN gr ON gr.resource_id = t.resource_id
	),
	walk (dir, k, id, depth, sk, sid, dk, did, kind, grant_id) AS (
		SELECT d, ` + q.arg(string(lq.StartKind)) + `::text, ` + q.arg(lq.StartID) + `::bigint, 0, NULL::text, NULL::bigint, NULL::text, NULL::bigint, NULL::text, NULL::bigint
			FROM unnest(` + q.arg(dirs) + `::text[]) d
		UNION
		SELECT w.dir, CASE WHEN w.dir = 'DOWNSTREAM' THEN e.dk ELSE e.sk END, CASE WHEN w.dir = 'DOWNSTREAM' THEN e.did ELSE e.sid END,
			w.depth + 1, e.sk, e.sid, e.dk, e.did, e.kind, e.grant_id
		FROM walk w JOIN edges e ON (w.dir = 'DOWNSTREAM' AND e.sk = w.k AND e.sid = w.id) OR (w.dir = 'UPSTREAM' AND e.dk = w.k AND e.did = w.id)
		WHERE w.depth < ` + q.arg(lq.Depth) + `
	),
	reached AS (SELECT k, id, min(depth) AS depth FROM walk GROUP BY k, id)`
	count := &query{args: append([]any(nil), q.args...)}
	spec := "LINEAGE"
	c, err := decodeCursor(p.After, spec)
	if err != nil {
		return nil, err
	}
	seek := ""
	if c != nil {
		depth, kind, ok := splitLineageCursor(c.Value)
		if !ok {
			return nil, domain.Errorf(domain.EInvalid, "after: not a cursor of this lineage")
		}
		seek = " WHERE (r.depth, r.k, r.id) > (" + q.arg(depth) + ", " + q.arg(kind) + ", " + q.arg(c.ID) + ")"
	}
	rows, err := db.pool.Query(ctx, walk+`
	SELECT r.k, r.id, r.depth,
		coalesce((SELECT min(w.dir) FROM walk w WHERE w.k = r.k AND w.id = r.id AND w.depth = r.depth AND w.depth > 0), ''),
		coalesce((SELECT json_agg(DISTINCT jsonb_build_object('kind', w.kind, 'fromKind', w.sk, 'fromId', w.sid, 'toKind', w.dk, 'toId', w.did, 'grantId', w.grant_id))
			FROM walk w WHERE w.k = r.k AND w.id = r.id AND w.depth = r.depth AND w.kind IS NOT NULL), '[]')
	FROM reached r`+seek+` ORDER BY r.depth, r.k, r.id`+limit(p), q.args...)
	if err != nil {
		return nil, fmt.Errorf("lineage: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.LineageNode, error) {
		var (
			n   domain.LineageNode
			via []byte
		)
		if err := row.Scan(&n.Kind, &n.ID, &n.Depth, &n.Direction, &via); err != nil {
			return nil, err
		}
		var edges []struct {
			Kind     domain.LineageEdgeKind `json:"kind"`
			FromKind domain.NodeKind        `json:"fromKind"`
			FromID   int64                  `json:"fromId"`
			ToKind   domain.NodeKind        `json:"toKind"`
			ToID     int64                  `json:"toId"`
			GrantID  int64                  `json:"grantId"`
		}
		if err := json.Unmarshal(via, &edges); err != nil {
			return nil, err
		}
		for _, e := range edges {
			n.Via = append(n.Via, domain.LineageEdge(e))
		}
		return &n, nil
	})
	if err != nil {
		return nil, fmt.Errorf("lineage: %w", err)
	}
	pg := page(list, p, func(n *domain.LineageNode) string {
		return encodeCursor(spec, strconv.Itoa(n.Depth)+":"+string(n.Kind), n.ID)
	})
	pg.Count = func(ctx context.Context) (int, error) {
		var n int
		err := db.pool.QueryRow(ctx, walk+" SELECT count(*) FROM reached", count.args...).Scan(&n)
		return n, err
	}
	return pg, nil
}

func splitLineageCursor(v string) (int, string, bool) {
	for i := 0; i < len(v); i++ {
		if v[i] == ':' {
			d, err := strconv.Atoi(v[:i])
			return d, v[i+1:], err == nil
		}
	}
	return 0, "", false
}
