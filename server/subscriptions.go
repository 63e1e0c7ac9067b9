package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/resolvers"
)

// subscriptions is the websocket transport (graphql-transport-ws, and the
// older graphql-ws for clients that ask for it). Browsers cannot set an
// Authorization header on a websocket, so the bearer token comes in the
// connection_init payload; a bad one closes the connection, never falls
// back to the public. Pages of other origins than this server's host
// connect only when AllowedOrigins names them.
func subscriptions(cfg Config, policy domain.Profile, clock func() time.Time, log *slog.Logger) transport.Websocket {
	return transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			// SECURITY: cross-site websocket hijacking: only listed origins.
			OriginPatterns: cfg.AllowedOrigins,
			Subprotocols:   []string{"graphql-transport-ws"},
		}},
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 25 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			authz := p.Authorization()
			if authz == "" {
				authz = p.GetString("authorization")
			}
			// SECURITY: the connection's viewer, from its own token only:
			// the payload's, else the upgrade request's Authorization
			// header (already verified by auth.Middleware), else the public.
			v := domain.ViewerFrom(ctx)
			var err error
			if authz != "" {
				v, err = auth.Authenticate(ctx, cfg.Verifier, cfg.Catalogue.DepartmentIDByCreditCode, authz)
			}
			if err != nil {
				if domain.ErrorCode(err) != domain.EUnauthenticated {
					log.ErrorContext(ctx, "authenticate a websocket connection", "err", err)
					return ctx, nil, domain.Errorf(domain.EInternal, "internal error")
				}
				return ctx, nil, err
			}
			ctx = domain.WithViewer(ctx, v)
			return resolvers.WithLiveLoaders(ctx, cfg.Catalogue, policy, clock), nil, nil
		},
	}
}

// upgradeOr sends websocket upgrades straight to srv (the GraphQL-over-HTTP
// rewriting is for HTTP responses, and would stand between the websocket
// and its connection) and everything else to next.
func upgradeOr(srv http.Handler, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			srv.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
