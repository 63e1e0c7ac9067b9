package resolvers

import (
	"context"
	"log/slog"

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
	ids := r.Catalogue.ShareRequestUpdates(ctx)
	out := make(chan *domain.ShareRequest)
	go func() {
		defer close(out)
		for id := range ids {
			m, err := r.Catalogue.ShareRequestsByID(ctx, scope, []int64{id})
			if err != nil {
				if ctx.Err() == nil {
					slog.ErrorContext(ctx, "load an updated share request", "id", id, "err", err)
				}
				continue
			}
			sr := m[id]
			if sr == nil {
				continue // not the viewer's to see
			}
			select {
			case out <- sr:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
