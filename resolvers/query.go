package resolvers

import (
	"context"
	"strconv"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph/model"
)

func (r *queryResolver) Node(ctx context.Context, gid string) (model.Node, error) {
	kind, id, err := domain.ParseNodeID(gid)
	if err != nil {
		return nil, err
	}
	node, err := r.loadNode(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if node == nil {
		return nil, notFound("object", "with id "+strconv.Quote(gid))
	}
	return node, nil
}

// loadNode loads the object kind id within the viewer's scope; nil when
// there is none the viewer may see.
func (r *Resolver) loadNode(ctx context.Context, kind domain.NodeKind, id int64) (model.Node, error) {
	var node model.Node
	switch kind {
	case domain.KindResource:
		m, err := r.Catalogue.ResourcesByID(ctx, scope(ctx), []int64{id})
		if err != nil {
			return nil, err
		}
		if res := m[id]; res != nil {
			if err := For(ctx).prefetchResources(ctx, []*domain.Resource{res}, selected(ctx)); err != nil {
				return nil, err
			}
			node = res
		}
	case domain.KindDepartment:
		if d, err := For(ctx).Department.Load(ctx, id)(); err != nil {
			return nil, err
		} else if d != nil {
			node = d
		}
	case domain.KindThemeDatabase:
		m, err := r.Catalogue.ThemeDatabasesByID(ctx, []int64{id})
		if err != nil {
			return nil, err
		}
		if t := m[id]; t != nil {
			node = t
		}
	case domain.KindDataItem:
		m, err := r.Catalogue.DataItemsByID(ctx, scope(ctx), []int64{id})
		if err != nil {
			return nil, err
		}
		if i := m[id]; i != nil {
			node = i
		}
	case domain.KindChangeObligation:
		// SECURITY: outside the viewer's oversight scope it does not exist.
		if s, err := domain.OversightScopeFor(domain.ViewerFrom(ctx)); err == nil {
			m, err := r.Catalogue.ChangeObligationsByID(ctx, s, []int64{id})
			if err != nil {
				return nil, err
			}
			if o := m[id]; o != nil {
				node = o
			}
		}
	case domain.KindShareRequest:
		// SECURITY: the loaders load within the viewer's request scope.
		if sr, err := For(ctx).ShareRequest.Load(ctx, id)(); err != nil {
			return nil, err
		} else if sr != nil {
			node = sr
		}
	case domain.KindOpenRequest:
		// SECURITY: outside the viewer's scope it does not exist.
		if s, err := domain.OpenRequestScopeFor(domain.ViewerFrom(ctx)); err == nil {
			m, err := r.Catalogue.OpenRequestsByID(ctx, s, []int64{id})
			if err != nil {
				return nil, err
			}
			if o := m[id]; o != nil {
				node = o
			}
		}
	case domain.KindDispute:
		// SECURITY: outside the viewer's scope it does not exist.
		if s, err := domain.DisputeScopeFor(domain.ViewerFrom(ctx)); err == nil {
			m, err := r.Catalogue.DisputesByID(ctx, s, []int64{id})
			if err != nil {
				return nil, err
			}
			if d := m[id]; d != nil {
				node = d
			}
		}
	case domain.KindGrant:
		if g, err := For(ctx).Grant.Load(ctx, id)(); err != nil {
			return nil, err
		} else if g != nil {
			node = g
		}
	case domain.KindDataElement:
		m, err := r.Catalogue.DataElementsByID(ctx, []int64{id})
		if err != nil {
			return nil, err
		}
		if e := m[id]; e != nil {
			node = e
		}
	}
	return node, nil
}

func (r *queryResolver) Resources(ctx context.Context, first *int, after *string, filter *model.ResourceFilter, orderBy *model.ResourceOrder) (*domain.Page[*domain.Resource], error) {
	f, err := resourceFilter(filter)
	if err != nil {
		return nil, err
	}
	var o domain.ResourceSort
	if orderBy != nil {
		o = domain.ResourceSort{Field: domain.ResourceOrderField(orderBy.Field), Desc: orderBy.Direction == model.OrderDirectionDesc}
	}
	if filter != nil {
		if err := reviewOverdueFilter(ctx, filter.ReviewOverdue, &f); err != nil {
			return nil, err
		}
	}
	sel := selected(ctx)
	f.BriefParts, f.Brief = sel.brief()
	pg, err := r.Catalogue.Resources(ctx, scope(ctx), f, o, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return pg, For(ctx).prefetchResources(ctx, pg.Nodes, sel)
}

func resourceFilter(in *model.ResourceFilter) (domain.ResourceCriteria, error) {
	if in == nil {
		return domain.ResourceCriteria{}, nil
	}
	f := domain.ResourceCriteria{
		Search:          deref(in.Search),
		ShareType:       deref(in.ShareType),
		OpenType:        deref(in.OpenType),
		Status:          deref(in.Status),
		UpdateFrequency: deref(in.UpdateFrequency),
	}
	var err error
	if f.SourceDepartmentID, err = optionalID(domain.KindDepartment, in.SourceDepartmentID); err != nil {
		return f, err
	}
	if f.ThemeDatabaseID, err = optionalID(domain.KindThemeDatabase, in.ThemeDatabaseID); err != nil {
		return f, err
	}
	return f, nil
}

func (r *queryResolver) Resource(ctx context.Context, id *string, code *string) (*domain.Resource, error) {
	var res *domain.Resource
	switch {
	case (id == nil) == (code == nil):
		return nil, domain.Errorf(domain.EInvalid, "resource: give exactly one of id and code")
	case id != nil:
		rid, err := domain.ParseNodeIDOf(domain.KindResource, *id)
		if err != nil {
			return nil, err
		}
		m, err := r.Catalogue.ResourcesByID(ctx, scope(ctx), []int64{rid})
		if err != nil {
			return nil, err
		}
		if res = m[rid]; res == nil {
			return nil, notFound(domain.KindResource, "with id "+strconv.Quote(*id))
		}
	default:
		m, err := r.Catalogue.ResourcesByCode(ctx, scope(ctx), []string{*code})
		if err != nil {
			return nil, err
		}
		if res = m[*code]; res == nil {
			return nil, notFound(domain.KindResource, "with code "+strconv.Quote(*code))
		}
	}
	return res, For(ctx).prefetchResources(ctx, []*domain.Resource{res}, selected(ctx))
}

func (r *queryResolver) Departments(ctx context.Context, first *int, after *string, filter *model.DepartmentFilter, orderBy *model.DepartmentOrder) (*domain.Page[*domain.Department], error) {
	var f domain.DepartmentCriteria
	if filter != nil {
		f = domain.DepartmentCriteria{Search: deref(filter.Search), Level: deref(filter.Level), RegionCode: deref(filter.RegionCode)}
		var err error
		if f.ParentID, err = optionalID(domain.KindDepartment, filter.ParentID); err != nil {
			return nil, err
		}
		if err := r.fullReviewOverdueFilter(ctx, filter.FullReviewOverdue, &f); err != nil {
			return nil, err
		}
	}
	var o domain.DepartmentSort
	if orderBy != nil {
		o = domain.DepartmentSort{Field: domain.DepartmentOrderField(orderBy.Field), Desc: orderBy.Direction == model.OrderDirectionDesc}
	}
	pg, err := r.Catalogue.Departments(ctx, f, o, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return pg, For(ctx).prefetchDepartments(ctx, pg.Nodes, selected(ctx))
}

func (r *queryResolver) Department(ctx context.Context, id *string, creditCode *string) (*domain.Department, error) {
	switch {
	case (id == nil) == (creditCode == nil):
		return nil, domain.Errorf(domain.EInvalid, "department: give exactly one of id and creditCode")
	case id != nil:
		did, err := domain.ParseNodeIDOf(domain.KindDepartment, *id)
		if err != nil {
			return nil, err
		}
		d, err := For(ctx).Department.Load(ctx, did)()
		if err == nil && d == nil {
			err = notFound(domain.KindDepartment, "with id "+strconv.Quote(*id))
		}
		return d, err
	default:
		if err := domain.ValidateCreditCode(*creditCode); err != nil {
			return nil, err
		}
		m, err := r.Catalogue.DepartmentsByCreditCode(ctx, []string{*creditCode})
		if err != nil {
			return nil, err
		}
		d := m[*creditCode]
		if d == nil {
			return nil, notFound(domain.KindDepartment, "with credit code "+*creditCode)
		}
		return d, nil
	}
}

func (r *queryResolver) ThemeDatabases(ctx context.Context, first *int, after *string, filter *model.ThemeDatabaseFilter) (*domain.Page[*domain.ThemeDatabase], error) {
	var f domain.ThemeDatabaseCriteria
	if filter != nil {
		f = domain.ThemeDatabaseCriteria{Kind: deref(filter.Kind), Search: deref(filter.Search)}
		var err error
		if f.LeadDepartmentID, err = optionalID(domain.KindDepartment, filter.LeadDepartmentID); err != nil {
			return nil, err
		}
	}
	pg, err := r.Catalogue.ThemeDatabases(ctx, f, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return pg, For(ctx).prefetchThemes(ctx, pg.Nodes, selected(ctx))
}

func (r *queryResolver) ThemeDatabase(ctx context.Context, id string) (*domain.ThemeDatabase, error) {
	tid, err := domain.ParseNodeIDOf(domain.KindThemeDatabase, id)
	if err != nil {
		return nil, err
	}
	m, err := r.Catalogue.ThemeDatabasesByID(ctx, []int64{tid})
	if err != nil {
		return nil, err
	}
	t := m[tid]
	if t == nil {
		return nil, notFound(domain.KindThemeDatabase, "with id "+strconv.Quote(id))
	}
	return t, For(ctx).prefetchThemes(ctx, []*domain.ThemeDatabase{t}, selected(ctx))
}

// reviewOverdueFilter applies ResourceFilter.reviewOverdue: review
// deadlines are internal, so a department filters its own entries only
// and the public not at all.
func reviewOverdueFilter(ctx context.Context, overdue *bool, f *domain.ResourceCriteria) error {
	at, err := overdueAt(ctx, "reviewOverdue", overdue)
	if err != nil || at.IsZero() {
		return err
	}
	// SECURITY: review deadlines are the source's and the overseers'.
	s, err := domain.OversightScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return err
	}
	if !s.All {
		if f.SourceDepartmentID != 0 && f.SourceDepartmentID != s.DepartmentID {
			return domain.Errorf(domain.EForbidden, "reviewOverdue: a department sees the review deadlines of its own entries only; drop sourceDepartmentId or use your own")
		}
		f.SourceDepartmentID = s.DepartmentID
	}
	f.ReviewOverdueAt = at
	return nil
}

// fullReviewOverdueFilter applies DepartmentFilter.fullReviewOverdue,
// which only the overseers may use: the department list is public, its
// review record is not.
func (r *queryResolver) fullReviewOverdueFilter(ctx context.Context, overdue *bool, f *domain.DepartmentCriteria) error {
	at, err := overdueAt(ctx, "fullReviewOverdue", overdue)
	if err != nil || at.IsZero() {
		return err
	}
	// SECURITY: filtering by an internal record would reveal it.
	if s, err := domain.OversightScopeFor(domain.ViewerFrom(ctx)); err != nil || !s.All {
		return domain.Errorf(domain.EForbidden, "fullReviewOverdue is for the data authority and auditors; a department reads its own Department.fullReview")
	}
	today := domain.DateOf(at)
	f.FullReviewOverdueOn, f.Policy = &today, r.Policy
	return nil
}
