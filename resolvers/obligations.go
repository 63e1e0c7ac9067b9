package resolvers

import (
	"context"
	"strconv"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) CatalogueChangeObligation() graph.CatalogueChangeObligationResolver {
	return &obligationResolver{r}
}

type obligationResolver struct{ *Resolver }

// Resource is the one entry whose submission meets the obligation.
func (r *obligationResolver) Resource(ctx context.Context, obj *domain.ChangeObligation) (*domain.Resource, error) {
	if obj.ResourceID == 0 {
		return nil, nil
	}
	return For(ctx).Resource.Load(ctx, obj.ResourceID)()
}

func (r *queryResolver) CatalogueChangeObligations(ctx context.Context, first *int, after *string, filter *model.CatalogueChangeObligationFilter) (*domain.Page[*domain.ChangeObligation], error) {
	s, err := domain.OversightScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	var f domain.ChangeObligationCriteria
	if filter != nil {
		if f.DepartmentID, err = optionalID(domain.KindDepartment, filter.DepartmentID); err != nil {
			return nil, err
		}
		f.Met = filter.Met
		if f.OverdueAt, err = overdueAt(ctx, "overdue", filter.Overdue); err != nil {
			return nil, err
		}
	}
	return r.Catalogue.ChangeObligations(ctx, s, f, pageArgs(first, after))
}

func (r *mutationResolver) RecordCatalogueChange(ctx context.Context, departmentID string, reason domain.ChangeReason, description string, occurredOn domain.Date, idempotencyKey *string) (*domain.ChangeObligation, error) {
	id, err := domain.ParseNodeIDOf(domain.KindDepartment, departmentID)
	if err != nil {
		return nil, err
	}
	in := domain.ChangeObligationInput{DepartmentID: id, Reason: reason, Description: description, OccurredOn: occurredOn}
	return r.Catalogue.RecordCatalogueChange(ctx, domain.ViewerFrom(ctx), in, r.Policy, deref(idempotencyKey), For(ctx).Now())
}

func (r *mutationResolver) RecordFullCatalogueReview(ctx context.Context, departmentID string, reviewedOn domain.Date, note string, idempotencyKey *string) (*domain.Department, error) {
	id, err := domain.ParseNodeIDOf(domain.KindDepartment, departmentID)
	if err != nil {
		return nil, err
	}
	l := For(ctx)
	if err := r.Catalogue.RecordFullReview(ctx, domain.ViewerFrom(ctx), id, reviewedOn, note, deref(idempotencyKey), l.Now()); err != nil {
		return nil, err
	}
	d, err := l.Department.Load(ctx, id)()
	if err == nil && d == nil {
		err = notFound(domain.KindDepartment, "with id "+strconv.Quote(departmentID))
	}
	return d, err
}

func (r *obligationResolver) Department(ctx context.Context, obj *domain.ChangeObligation) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.DepartmentID)()
}

// MetBy is the entry whose submission met the obligation, if the viewer
// may see it (a department sees another's entry only once published).
func (r *obligationResolver) MetBy(ctx context.Context, obj *domain.ChangeObligation) (*domain.Resource, error) {
	if obj.MetResourceID == 0 {
		return nil, nil
	}
	return For(ctx).Resource.Load(ctx, obj.MetResourceID)()
}

func (r *obligationResolver) MetByVersion(ctx context.Context, obj *domain.ChangeObligation) (*int, error) {
	if obj.MetResourceID == 0 {
		return nil, nil
	}
	return &obj.MetVersion, nil
}

func (r *obligationResolver) Overdue(ctx context.Context, obj *domain.ChangeObligation) (bool, error) {
	return obj.OverdueAt(For(ctx).Now()), nil
}

// FullReview is reached only through @access(gate: INTERNAL).
func (r *departmentResolver) FullReview(ctx context.Context, obj *domain.Department) (*domain.FullReviewStatus, error) {
	return For(ctx).FullReviews.Load(ctx, obj.ID)()
}
