// Package server assembles the HTTP service: the GraphQL endpoint with its
// transports, limits and error handling, GraphiQL, and health checks.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/resolvers"
)

// Config is what the HTTP service needs.
type Config struct {
	Catalogue domain.Catalogue
	Log       *slog.Logger
}

// New returns the service's HTTP handler: GraphiQL at /, GraphQL at
// /graphql, /healthz (process up) and /readyz (database reachable).
func New(cfg Config) http.Handler {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", withLoaders(cfg.Catalogue, GraphQL(cfg.Catalogue, log)))
	mux.Handle("GET /{$}", playground.Handler("City public data catalogue", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.Catalogue.Ping(ctx); err != nil {
			log.WarnContext(ctx, "readiness check failed", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	return mux
}

// GraphQL returns the gqlgen server for the schema, with explicit
// transports, a query cache, the error presenter and the recover function.
func GraphQL(c domain.Catalogue, log *slog.Logger) *handler.Server {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &resolvers.Resolver{Catalogue: c},
		Directives: graph.DirectiveRoot{Access: resolvers.AccessDirective},
	}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(recoverFunc(log))
	return srv
}

// withLoaders gives each request its own dataloaders, made for the
// request's viewer.
func withLoaders(c domain.Catalogue, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(resolvers.WithLoaders(r.Context(), c)))
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
