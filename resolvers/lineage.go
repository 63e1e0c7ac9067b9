package resolvers

import (
	"context"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) LineageEdge() graph.LineageEdgeResolver { return &lineageEdgeResolver{r} }
func (r *Resolver) LineageNode() graph.LineageNodeResolver { return &lineageNodeResolver{r} }

type (
	lineageEdgeResolver struct{ *Resolver }
	lineageNodeResolver struct{ *Resolver }
)

// Lineage walks the graph in the viewer's sight and loads the page's
// nodes a kind at a time.
func (r *queryResolver) Lineage(ctx context.Context, id string, direction *domain.LineageDirection, depth *int, asOf *domain.Date, first *int, after *string) (*domain.Page[*domain.LineageNode], error) {
	kind, nid, err := domain.ParseNodeID(id)
	if err != nil {
		return nil, err
	}
	now := For(ctx).Now()
	q := domain.LineageQuery{StartKind: kind, StartID: nid, Direction: deref(direction), Depth: deref(depth), At: now}
	if q.Direction == "" {
		q.Direction = domain.LineageBoth
	}
	if asOf != nil {
		q.At = asOf.EndOfDay()
		if q.At.After(now) {
			q.At = now
		}
		q.Past = q.At.Before(now.Add(-time.Minute))
	}
	v := domain.ViewerFrom(ctx)
	// SECURITY: only resources the viewer may see; grants only for whom
	// they are shown.
	grants, showGrants := domain.LineageGrants(v)
	pg, err := r.Catalogue.Lineage(ctx, domain.ResourceScopeFor(v), grants, showGrants, q, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return pg, r.lineageEntities(ctx, pg.Nodes)
}

// lineageEntities loads each node's entity with one statement per kind.
func (r *queryResolver) lineageEntities(ctx context.Context, nodes []*domain.LineageNode) error {
	ids := map[domain.NodeKind][]int64{}
	for _, n := range nodes {
		ids[n.Kind] = append(ids[n.Kind], n.ID)
	}
	put := func(kind domain.NodeKind, get func(int64) (any, bool)) {
		for _, n := range nodes {
			if n.Kind == kind {
				if e, ok := get(n.ID); ok {
					n.Entity = e
				}
			}
		}
	}
	if len(ids[domain.KindResource]) > 0 {
		m, err := r.Catalogue.ResourcesByID(ctx, scope(ctx), ids[domain.KindResource])
		if err != nil {
			return err
		}
		put(domain.KindResource, func(id int64) (any, bool) { x, ok := m[id]; return x, ok })
	}
	if len(ids[domain.KindDepartment]) > 0 {
		m, err := For(ctx).Department.LoadMany(ctx, ids[domain.KindDepartment])()
		if len(err) > 0 && err[0] != nil {
			return err[0]
		}
		byID := map[int64]*domain.Department{}
		for _, d := range m {
			if d != nil {
				byID[d.ID] = d
			}
		}
		put(domain.KindDepartment, func(id int64) (any, bool) { x, ok := byID[id]; return x, ok })
	}
	if len(ids[domain.KindThemeDatabase]) > 0 {
		m, err := r.Catalogue.ThemeDatabasesByID(ctx, ids[domain.KindThemeDatabase])
		if err != nil {
			return err
		}
		put(domain.KindThemeDatabase, func(id int64) (any, bool) { x, ok := m[id]; return x, ok })
	}
	if len(ids[domain.KindDataElement]) > 0 {
		m, err := r.Catalogue.DataElementsByID(ctx, ids[domain.KindDataElement])
		if err != nil {
			return err
		}
		put(domain.KindDataElement, func(id int64) (any, bool) { x, ok := m[id]; return x, ok })
	}
	return nil
}

func (r *lineageNodeResolver) ID(ctx context.Context, obj *domain.LineageNode) (string, error) {
	return domain.NodeID(obj.Kind, obj.ID), nil
}

func (r *lineageNodeResolver) Direction(ctx context.Context, obj *domain.LineageNode) (*domain.LineageDirection, error) {
	if obj.Direction == "" {
		return nil, nil
	}
	return &obj.Direction, nil
}

func (r *lineageNodeResolver) Node(ctx context.Context, obj *domain.LineageNode) (model.Node, error) {
	if n, ok := obj.Entity.(model.Node); ok {
		return n, nil
	}
	return nil, nil
}

func (r *lineageEdgeResolver) From(ctx context.Context, obj *domain.LineageEdge) (string, error) {
	return domain.NodeID(obj.FromKind, obj.FromID), nil
}

func (r *lineageEdgeResolver) To(ctx context.Context, obj *domain.LineageEdge) (string, error) {
	return domain.NodeID(obj.ToKind, obj.ToID), nil
}

func (r *lineageEdgeResolver) Grant(ctx context.Context, obj *domain.LineageEdge) (*domain.ShareGrant, error) {
	if obj.GrantID == 0 {
		return nil, nil
	}
	return For(ctx).Grant.Load(ctx, obj.GrantID)()
}
