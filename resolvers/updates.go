package resolvers

import (
	"context"
	"time"

	"github.com/citydata/catalogue/domain"
)

func (r *mutationResolver) RecordDataUpdate(ctx context.Context, resourceID string, at time.Time, rows int, idempotencyKey *string) (*domain.DataUpdate, error) {
	id, err := domain.ParseNodeIDOf(domain.KindResource, resourceID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "resourceId: %s", domain.ErrorMessage(err))
	}
	return r.Catalogue.RecordDataUpdate(ctx, domain.ViewerFrom(ctx), id, at, int64(rows), deref(idempotencyKey), For(ctx).Now())
}

func (r *resourceResolver) LastDataUpdate(ctx context.Context, obj *domain.Resource) (*domain.DataUpdate, error) {
	return For(ctx).LastDataUpdate.Load(ctx, obj.ID)()
}

// updateBase is what the next update is counted from: the last update,
// else the publication (zero: neither).
func updateBase(ctx context.Context, obj *domain.Resource) (last, since time.Time, err error) {
	u, err := For(ctx).LastDataUpdate.Load(ctx, obj.ID)()
	if err != nil {
		return last, since, err
	}
	if u != nil {
		last = u.At
	}
	if obj.PublishedAt != nil {
		since = *obj.PublishedAt
	}
	return last, since, nil
}

func (r *resourceResolver) NextUpdateDue(ctx context.Context, obj *domain.Resource) (*time.Time, error) {
	last, since, err := updateBase(ctx, obj)
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		last = since
	}
	due, ok := domain.NextUpdateDue(obj.UpdateFrequency, last)
	if !ok {
		return nil, nil
	}
	due = due.In(domain.ChinaTime)
	return &due, nil
}

func (r *resourceResolver) Stale(ctx context.Context, obj *domain.Resource) (bool, error) {
	last, since, err := updateBase(ctx, obj)
	if err != nil {
		return false, err
	}
	return domain.StaleAt(obj.UpdateFrequency, last, since, For(ctx).Now()), nil
}
