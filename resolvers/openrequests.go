package resolvers

import (
	"context"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) OpenRequest() graph.OpenRequestResolver { return &openRequestResolver{r} }

type openRequestResolver struct{ *Resolver }

func (r *mutationResolver) SubmitOpenRequest(ctx context.Context, resourceID string, purpose string, scope string, idempotencyKey *string) (*domain.OpenRequest, error) {
	id, err := domain.ParseNodeIDOf(domain.KindResource, resourceID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "resourceId: %s", domain.ErrorMessage(err))
	}
	in := domain.OpenRequestInput{ResourceID: id, Purpose: purpose, Scope: scope}
	return r.Catalogue.SubmitOpenRequest(ctx, domain.ViewerFrom(ctx), in, r.Policy, deref(idempotencyKey), For(ctx).Now())
}

func (r *mutationResolver) DecideOpenRequest(ctx context.Context, id string, decision model.OpenDecision, reason *string, basis *string, idempotencyKey *string) (*domain.OpenRequest, error) {
	e := domain.OpenEventApprove
	if decision == model.OpenDecisionReject {
		e = domain.OpenEventReject
	}
	return r.actOpen(ctx, id, domain.OpenCommand{Event: e, Reason: deref(reason), Basis: deref(basis), IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) ExtendOpenRequest(ctx context.Context, id string, reason string, approvedBy string, idempotencyKey *string) (*domain.OpenRequest, error) {
	return r.actOpen(ctx, id, domain.OpenCommand{Event: domain.OpenEventExtend, Reason: reason, Approver: approvedBy, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) WithdrawOpenRequest(ctx context.Context, id string, idempotencyKey *string) (*domain.OpenRequest, error) {
	return r.actOpen(ctx, id, domain.OpenCommand{Event: domain.OpenEventWithdraw, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) actOpen(ctx context.Context, gid string, cmd domain.OpenCommand) (*domain.OpenRequest, error) {
	var err error
	if cmd.RequestID, err = domain.ParseNodeIDOf(domain.KindOpenRequest, gid); err != nil {
		return nil, err
	}
	return r.Catalogue.ActOnOpenRequest(ctx, domain.ViewerFrom(ctx), cmd, r.Policy, For(ctx).Now())
}

func (r *queryResolver) OpenRequests(ctx context.Context, first *int, after *string, filter *model.OpenRequestFilter) (*domain.Page[*domain.OpenRequest], error) {
	s, err := domain.OpenRequestScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	var f domain.OpenRequestCriteria
	if filter != nil {
		f.Status = deref(filter.Status)
		if f.ResourceID, err = optionalID(domain.KindResource, filter.ResourceID); err != nil {
			return nil, err
		}
		if f.OverdueAt, err = overdueAt(ctx, "overdue", filter.Overdue); err != nil {
			return nil, err
		}
	}
	return r.Catalogue.OpenRequests(ctx, s, f, pageArgs(first, after))
}

func (r *openRequestResolver) Resource(ctx context.Context, obj *domain.OpenRequest) (*domain.Resource, error) {
	return For(ctx).Resource.Load(ctx, obj.ResourceID)()
}

func (r *openRequestResolver) Source(ctx context.Context, obj *domain.OpenRequest) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.SourceDepartmentID)()
}

func (r *openRequestResolver) Extended(ctx context.Context, obj *domain.OpenRequest) (bool, error) {
	return obj.ExtendedAt != nil, nil
}

func (r *openRequestResolver) Overdue(ctx context.Context, obj *domain.OpenRequest) (bool, error) {
	return obj.OverdueAt(For(ctx).Now()), nil
}
