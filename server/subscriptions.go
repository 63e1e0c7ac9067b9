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
// connection_init payload, and only there: a connection without one is
// the public's, a bad one is closed, and one whose token expires is closed
// then. Pages of other origins than this server's host connect only when
// AllowedOrigins names them.
func subscriptions(cfg Config, policy domain.Profile, clock func() time.Time, log *slog.Logger) transport.Websocket {
	return transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			// SECURITY: cross-site websocket hijacking: only listed origins.
			OriginPatterns: cfg.AllowedOrigins,
			Subprotocols:   []string{"graphql-transport-ws"},
		}},
		InitTimeout: 10 * time.Second,
		// Pings find half-open connections (and keep proxies from
		// closing quiet ones): graphql-ws keep-alives, and for
		// graphql-transport-ws pings whose pong must come within twice
		// the interval.
		KeepAlivePingInterval: 25 * time.Second,
		PingPongInterval:      25 * time.Second,
		CloseFunc: func(ctx context.Context, _ int) {
			if cancel, ok := ctx.Value(cancelKey{}).(context.CancelFunc); ok {
				cancel()
			}
		},
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			// SECURITY: the connection's viewer, from its own token only,
			// whatever the upgrade request carried.
			v, exp, err := auth.Authenticate(ctx, cfg.Verifier, departmentID(cfg.Catalogue), p.Authorization())
			if err != nil {
				if domain.ErrorCode(err) == domain.EUnavailable {
					log.WarnContext(ctx, "authenticate a websocket connection: database unavailable", "err", err)
					return ctx, nil, domain.Errorf(domain.EUnavailable, domain.UnavailableMessage)
				}
				if domain.ErrorCode(err) != domain.EUnauthenticated {
					log.ErrorContext(ctx, "authenticate a websocket connection", "err", err)
					return ctx, nil, domain.Errorf(domain.EInternal, "internal error")
				}
				return transport.WithWebsocketCloseCode(ctx, 4401), nil, err
			}
			if !exp.IsZero() {
				// SECURITY: the token's lifetime bounds the connection's.
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, exp)
				ctx = context.WithValue(ctx, cancelKey{}, cancel)
				ctx = transport.AppendCloseReason(ctx, "the token expired: connect again with a new one")
			}
			ctx = domain.WithViewer(ctx, v)
			return resolvers.WithLiveLoaders(ctx, cfg.Catalogue, policy, clock), nil, nil
		},
	}
}

type (
	websocketKey struct{}
	cancelKey    struct{} // the cancel of a connection's token deadline
)

// onWebsocket reports whether ctx is a websocket connection's.
func onWebsocket(ctx context.Context) bool { return ctx.Value(websocketKey{}) != nil }

// upgradeOr sends websocket upgrades straight to srv (the GraphQL-over-HTTP
// rewriting is for HTTP responses, and would stand between the websocket
// and its connection) and everything else to next.
// A websocket is closed when drain begins (nil: never).
func upgradeOr(drain *Drain, srv http.Handler, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			drain.serve(srv, w, r.WithContext(context.WithValue(r.Context(), websocketKey{}, true)))
			return
		}
		next.ServeHTTP(w, r)
	})
}
