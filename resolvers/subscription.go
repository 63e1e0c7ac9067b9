package resolvers

import (
	"context"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
)

func (r *Resolver) Subscription() graph.SubscriptionResolver { return &subscriptionResolver{r} }

type subscriptionResolver struct{ *Resolver }

// RequestUpdated pushes each filed or decided share request the viewer's
// request scope holds, loaded afresh, so what is pushed is what a query
// would answer.
func (r *subscriptionResolver) RequestUpdated(ctx context.Context) (<-chan *domain.ShareRequest, error) {
	// SECURITY: the scope is the connection's viewer's, fixed at init.
	scope, err := domain.RequestScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	return relay(ctx, r.Catalogue.ShareRequestUpdates(ctx), func(ctx context.Context, ids []int64) (map[int64]*domain.ShareRequest, error) {
		return r.Catalogue.ShareRequestsByID(ctx, scope, ids)
	}, "share request"), nil
}
