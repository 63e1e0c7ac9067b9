package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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
	inSight := strings.Join(q.where, " AND ")
	q.where = nil
	if lq.StartKind == domain.KindResource {
		var ok bool
		if err := db.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM resources r WHERE "+inSight+" AND r.id = "+q.arg(lq.StartID)+")", q.args...).Scan(&ok); err != nil {
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
	// The grants (g, of resource r) in force then, in the viewer's grant
	// scope.
	inForce := "g.created_at <= " + at + " AND (g.valid_until IS NULL OR g.valid_until >= " + at + ") AND (g.revoked_at IS NULL OR g.revoked_at > " + at + ")"
	if lq.Past {
		// In force then: ACTIVE after its last change by then (NY 41,
		// WZ 22: every change is dated in grant_changes).
		inForce += " AND coalesce((SELECT c.to_status FROM grant_changes c WHERE c.grant_id = g.id AND c.at <= " + at +
			" ORDER BY c.at DESC LIMIT 1), 'ACTIVE') = 'ACTIVE'"
	} else {
		inForce += " AND g.status = 'ACTIVE'"
	}
	if showGrants && !grants.All {
		d := q.arg(grants.DepartmentID)
		inForce += " AND (g.department_id = " + d + " OR r.source_department_id = " + d + ")"
	}
	var dirs []string
	if lq.Direction != domain.LineageDownstream {
		dirs = append(dirs, string(domain.LineageUpstream))
	}
	if lq.Direction != domain.LineageUpstream {
		dirs = append(dirs, string(domain.LineageDownstream))
	}
	// Each step follows the edges at the node it stands on, through the
	// indexes of the tables behind them, so a walk costs what it reaches,
	// not the size of the city.
	var steps []string
	for _, e := range lineageEdges {
		if e.grant && !showGrants {
			continue
		}
		cond := ""
		if e.where != "" {
			cond = " AND " + strings.ReplaceAll(strings.ReplaceAll(e.where, "$inSight", inSight), "$inForce", inForce)
		}
		sel := "SELECT '" + e.from + "'::text, " + e.fromID + ", '" + e.to + "'::text, " + e.toID + ", '" + e.kind + "'::text, " + e.grantID + "::bigint FROM " + e.tables
		steps = append(steps,
			sel+" WHERE w.dir = 'DOWNSTREAM' AND w.k = '"+e.from+"' AND "+e.fromID+" = w.id"+cond,
			sel+" WHERE w.dir = 'UPSTREAM' AND w.k = '"+e.to+"' AND "+e.toID+" = w.id"+cond)
	}
	// The directions, our own constants, are a literal: bound as an
	// array, they made PostgreSQL plan the walk anew on every execution
	// (keyIn says why), 2 ms of a two-step walk.
	walk := `WITH RECURSIVE walk (dir, k, id, depth, sk, sid, dk, did, kind, grant_id) AS (
		SELECT d, ` + q.arg(string(lq.StartKind)) + `::text, ` + q.arg(lq.StartID) + `::bigint, 0, NULL::text, NULL::bigint, NULL::text, NULL::bigint, NULL::text, NULL::bigint
			FROM unnest('{` + strings.Join(dirs, ",") + `}'::text[]) d
		UNION
		SELECT w.dir, CASE WHEN w.dir = 'DOWNSTREAM' THEN e.dk ELSE e.sk END, CASE WHEN w.dir = 'DOWNSTREAM' THEN e.did ELSE e.sid END,
			w.depth + 1, e.sk, e.sid, e.dk, e.did, e.kind, e.grant_id
		FROM walk w CROSS JOIN LATERAL (` + strings.Join(steps, "\n\t\t\tUNION ALL ") + `) e (sk, sid, dk, did, kind, grant_id)
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
	// The page's nodes first, then their direction and edges from one
	// pass over the walk: a subquery per node scanned the whole walk for
	// each (issue #20: 11 of the 22 ms of a two-step walk reaching 1,900
	// nodes).
	rows, err := db.pool.Query(ctx, walk+`,
	pg AS (SELECT r.k, r.id, r.depth FROM reached r`+seek+` ORDER BY r.depth, r.k, r.id`+limit(p)+`)
	SELECT r.k, r.id, r.depth,
		coalesce(min(w.dir) FILTER (WHERE w.depth > 0), ''),
		coalesce(json_agg(DISTINCT jsonb_build_object('kind', w.kind, 'fromKind', w.sk, 'fromId', w.sid, 'toKind', w.dk, 'toId', w.did, 'grantId', w.grant_id))
			FILTER (WHERE w.kind IS NOT NULL), '[]'),
		(SELECT count(*) FROM reached)
	FROM pg r LEFT JOIN walk w ON w.k = r.k AND w.id = r.id AND w.depth = r.depth
	GROUP BY r.k, r.id, r.depth ORDER BY r.depth, r.k, r.id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("lineage: %w", err)
	}
	total := -1 // every node reached, in the same statement as the page
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.LineageNode, error) {
		var (
			n   domain.LineageNode
			via []byte
		)
		if err := row.Scan(&n.Kind, &n.ID, &n.Depth, &n.Direction, &via, &total); err != nil {
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
		if total >= 0 {
			return total, nil
		}
		// An empty page (after the last node): the walk again.
		var n int
		err := db.pool.QueryRow(ctx, walk+" SELECT count(*) FROM reached", count.args...).Scan(&n)
		return n, err
	}
	return pg, nil
}

// lineageEdges are the kinds of edge of the catalogue's graph: from a
// node to a node, through tables, with the conditions that keep to the
// resources in sight ($inSight, on r) and, for grants, to those in force
// ($inForce, on g).
var lineageEdges = []struct {
	kind, from, fromID, to, toID, grantID, tables, where string
	grant                                                bool
}{
	{kind: "SOURCE_OF", from: "Department", fromID: "x.source_department_id", to: "DataElement", toID: "x.id", grantID: "0",
		tables: "data_elements x"},
	{kind: "CARRIED_BY", from: "DataElement", fromID: "x.data_element_id", to: "Resource", toID: "x.resource_id", grantID: "0",
		tables: "resource_data_elements x JOIN resources r ON r.id = x.resource_id", where: "$inSight"},
	{kind: "PROVIDES", from: "Department", fromID: "r.source_department_id", to: "Resource", toID: "r.id", grantID: "0",
		tables: "resources r", where: "$inSight"},
	{kind: "FEEDS", from: "Resource", fromID: "t.resource_id", to: "ThemeDatabase", toID: "t.theme_database_id", grantID: "0",
		tables: "theme_database_resources t JOIN resources r ON r.id = t.resource_id", where: "$inSight"},
	{kind: "GRANTED_TO", from: "Resource", fromID: "g.resource_id", to: "Department", toID: "g.department_id", grantID: "g.id",
		tables: "grants g JOIN resources r ON r.id = g.resource_id", where: "$inSight AND $inForce", grant: true},
	{kind: "USED_BY", from: "ThemeDatabase", fromID: "t.theme_database_id", to: "Department", toID: "g.department_id", grantID: "g.id",
		tables: "theme_database_resources t JOIN grants g ON g.resource_id = t.resource_id JOIN resources r ON r.id = g.resource_id",
		where:  "$inSight AND $inForce", grant: true},
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
