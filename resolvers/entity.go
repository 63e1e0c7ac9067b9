package resolvers

import (
	"context"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph/model"
)

// The entity resolvers answer the federation gateway's _entities: one
// resolver per entity type and request, whatever key each representation
// matched, with one statement per key in use, and results in the order of
// the representations. A representation the viewer may not see, or that
// names no row, resolves to null, as the federation spec asks (not
// NOT_FOUND: the gateway merges nulls, and an error would fail the whole
// batch). The server checks the representations' shape before any of this
// runs (server/entities.go), so a key here is present and not null.

// FindResource resolves Resource representations by id or by code, both
// in one batch.
func (r *entityResolver) FindResource(ctx context.Context, reps []*model.ResourceRepresentation) ([]*domain.Resource, error) {
	// byKey[i] is reps[i]'s id when it matched the id key.
	byKey := make([]int64, len(reps))
	var ids []int64
	var codes []string
	for i, rep := range reps {
		switch {
		case rep.MatchedKey == model.ResourceMatchedKeyNodeID && rep.NodeID != nil:
			id, err := domain.ParseNodeIDOf(domain.KindResource, *rep.NodeID)
			if err != nil {
				return nil, err
			}
			byKey[i] = id
			ids = append(ids, id)
		case rep.MatchedKey == model.ResourceMatchedKeyCode && rep.Code != nil:
			codes = append(codes, *rep.Code)
		default:
			return nil, domain.Errorf(domain.EInvalid, "a representation of Resource has neither id nor code: send one of its keys")
		}
	}
	byID := map[int64]*domain.Resource{}
	byCode := map[string]*domain.Resource{}
	var err error
	if len(ids) > 0 {
		if byID, err = r.Catalogue.ResourcesByID(ctx, scope(ctx), ids); err != nil {
			return nil, err
		}
	}
	if len(codes) > 0 {
		if byCode, err = r.Catalogue.ResourcesByCode(ctx, scope(ctx), codes); err != nil {
			return nil, err
		}
	}
	out := make([]*domain.Resource, len(reps))
	seen := map[int64]bool{}
	var found []*domain.Resource
	for i, rep := range reps {
		if rep.MatchedKey == model.ResourceMatchedKeyCode {
			out[i] = byCode[*rep.Code]
		} else {
			out[i] = byID[byKey[i]]
		}
		if res := out[i]; res != nil && !seen[res.ID] {
			seen[res.ID] = true
			found = append(found, res)
		}
	}
	return out, For(ctx).prefetchResources(ctx, found, selected(ctx))
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

// FindDepartment resolves Department representations by id.
func (r *entityResolver) FindDepartment(ctx context.Context, reps []*model.DepartmentRepresentation) ([]*domain.Department, error) {
	ids, err := repIDs(domain.KindDepartment, reps, func(r *model.DepartmentRepresentation) *string { return r.NodeID })
	if err != nil {
		return nil, err
	}
	m, err := r.Catalogue.DepartmentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return ordered(ids, m), For(ctx).prefetchDepartments(ctx, values(m), selected(ctx))
}

// FindThemeDatabase resolves ThemeDatabase representations by id.
func (r *entityResolver) FindThemeDatabase(ctx context.Context, reps []*model.ThemeDatabaseRepresentation) ([]*domain.ThemeDatabase, error) {
	ids, err := repIDs(domain.KindThemeDatabase, reps, func(r *model.ThemeDatabaseRepresentation) *string { return r.NodeID })
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
func repIDs[R any](kind domain.NodeKind, reps []R, id func(R) *string) ([]int64, error) {
	ids := make([]int64, len(reps))
	for i, rep := range reps {
		s := id(rep)
		if s == nil {
			return nil, domain.Errorf(domain.EInvalid, "a representation of %s has no id: send its key", kind)
		}
		var err error
		if ids[i], err = domain.ParseNodeIDOf(kind, *s); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
