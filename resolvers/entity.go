package resolvers

import (
	"context"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph/model"
)

// The entity resolvers answer the federation gateway's _entities: one
// statement per entity type and request, results in the order of the
// representations. A representation the viewer may not see, or that names
// no row, resolves to null, as the federation spec asks.

func (r *entityResolver) FindManyResourceByIDs(ctx context.Context, reps []*model.ResourceByIDsInput) ([]*domain.Resource, error) {
	ids, err := repIDs(domain.KindResource, reps, func(r *model.ResourceByIDsInput) string { return r.ID })
	if err != nil {
		return nil, err
	}
	m, err := r.Catalogue.ResourcesByID(ctx, scope(ctx), ids)
	if err != nil {
		return nil, err
	}
	return entities(ctx, ids, m)
}

func (r *entityResolver) FindManyResourceByCodes(ctx context.Context, reps []*model.ResourceByCodesInput) ([]*domain.Resource, error) {
	codes := make([]string, len(reps))
	for i, rep := range reps {
		codes[i] = rep.Code
	}
	m, err := r.Catalogue.ResourcesByCode(ctx, scope(ctx), codes)
	if err != nil {
		return nil, err
	}
	return entities(ctx, codes, m)
}

// ordered lists m's values in the order of keys; a missing key is nil.
func ordered[K comparable, V any](keys []K, m map[K]*V) []*V {
	out := make([]*V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// values lists m's values.
func values[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// entities orders the found resources like the representations, and
// prefetches what the gateway selects on them.
func entities[K comparable](ctx context.Context, keys []K, m map[K]*domain.Resource) ([]*domain.Resource, error) {
	return ordered(keys, m), For(ctx).prefetchResources(ctx, values(m), selected(ctx))
}

func (r *entityResolver) FindManyDepartmentByIDs(ctx context.Context, reps []*model.DepartmentByIDsInput) ([]*domain.Department, error) {
	ids, err := repIDs(domain.KindDepartment, reps, func(r *model.DepartmentByIDsInput) string { return r.ID })
	if err != nil {
		return nil, err
	}
	m, err := r.Catalogue.DepartmentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return ordered(ids, m), For(ctx).prefetchDepartments(ctx, values(m), selected(ctx))
}

func (r *entityResolver) FindManyThemeDatabaseByIDs(ctx context.Context, reps []*model.ThemeDatabaseByIDsInput) ([]*domain.ThemeDatabase, error) {
	ids, err := repIDs(domain.KindThemeDatabase, reps, func(r *model.ThemeDatabaseByIDsInput) string { return r.ID })
	if err != nil {
		return nil, err
	}
	m, err := r.Catalogue.ThemeDatabasesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return ordered(ids, m), For(ctx).prefetchThemes(ctx, values(m), selected(ctx))
}

// repIDs parses the global IDs of entity representations.
func repIDs[R any](kind domain.NodeKind, reps []R, id func(R) string) ([]int64, error) {
	ids := make([]int64, len(reps))
	for i, rep := range reps {
		if s := id(rep); s == "" || s == "null" {
			// gqlgen sends every representation of a type to the resolver
			// its first one chose (graphql.UnmarshalID turns a missing id
			// into "null").
			return nil, domain.Errorf(domain.EInvalid, "a representation of %s has no id: send the representations of one type with the same key (id, or code for Resource) in one request", kind)
		}
		var err error
		if ids[i], err = domain.ParseNodeIDOf(kind, id(rep)); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
