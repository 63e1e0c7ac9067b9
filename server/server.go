// Package server assembles the HTTP service: the GraphQL endpoint with its
// transports, limits and error handling, GraphiQL, and health checks.
package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/dashboard"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/resolvers"
	"github.com/citydata/catalogue/telemetry"
)

// Config is what the HTTP service needs.
type Config struct {
	Catalogue domain.Catalogue
	// Verifier checks bearer tokens. Required: a request without a token
	// is served as the public, one with a token that does not verify is
	// refused.
	Verifier *auth.Verifier
	Log      *slog.Logger
	// Dev is development mode: introspection for every viewer and field
	// suggestions in validation errors.
	Dev bool
	// Limits bound each request; the zero value means DefaultLimits().
	Limits Limits
	// GatewaySecret, when set, lets a federation gateway that sends it in
	// the GatewaySecretHeader header introspect (_service { sdl },
	// __schema) whoever its end user is, and have its _entities priced as
	// one batch (Limits.MaxEntities).
	GatewaySecret string
	// Policy is the deployment's policy profile (CATALOGUE_POLICY); the
	// zero value means the documented default profile.
	Policy domain.Profile
	// SubjectKey keys the hash data subjects of access decisions are kept
	// as (domain.ProtectSubject): at least 32 bytes, kept outside the
	// database, and stable, or earlier records no longer match their
	// subjects.
	SubjectKey []byte
	// AllowedOrigins are the host patterns (path.Match, e.g.
	// "dashboard.example.gov.cn" or "*.example.gov.cn") of the pages that
	// may open a subscription websocket besides this server's own host
	// (CATALOGUE_ALLOWED_ORIGINS).
	AllowedOrigins []string
	// PublicURL is the absolute URL the service is reached at
	// (CATALOGUE_PUBLIC_URL, e.g. https://data.example.gov.cn), which the
	// DCAT-AP export's IRIs start with; "" means each request's own scheme
	// and Host.
	PublicURL string
	// Publisher names who publishes the open catalogue in the DCAT-AP
	// export (CATALOGUE_PUBLISHER); "" means "公共数据主管部门".
	Publisher string
	// Drain, when set, closes the subscription websockets cleanly when
	// the server shuts down (see Drain); nil leaves them to the process's
	// end.
	Drain *Drain
	// Clock is the time each request is judged at (deadlines, overdue
	// lists, the time of a change); nil means time.Now. Tests fix it.
	Clock func() time.Time
	// Metrics, when set, counts and times GraphQL operations and HTTP
	// requests and tracks subscriptions (nil: nothing is measured).
	Metrics *telemetry.Metrics
	// MetricsToken, when set with Metrics, serves them at GET /metrics to
	// requests with "Authorization: Bearer <MetricsToken>"
	// (CATALOGUE_METRICS_TOKEN); unset, the main listener has no /metrics.
	MetricsToken string
	// TracerProvider, when set, traces each HTTP request, GraphQL
	// operation (and, through the store's pgx tracer, SQL statement);
	// nil: no tracing, at no cost.
	TracerProvider trace.TracerProvider
}

// GatewaySecretHeader carries Config.GatewaySecret from the federation
// gateway (Apollo Router: headers.all.request.insert).
const GatewaySecretHeader = "X-Catalogue-Gateway-Secret"

// New returns the service's HTTP handler: GraphiQL at /, GraphQL at
// /graphql, the dashboard at /dashboard, /healthz (process up) and /readyz
// (database reachable), the CSV exports, evidence downloads, the open
// catalogue as DCAT-AP under /dcat/ (dcat.go) and, with Config.Metrics and
// Config.MetricsToken, /metrics.
//
// A GraphQL request passes, in order: the body limit, the bearer token
// check (which puts the viewer in the context), the gateway check, the
// per-request loaders, the GraphQL-over-HTTP status rewriting, and gqlgen
// with the limits of Harden.
func New(cfg Config) http.Handler {
	if cfg.Verifier == nil {
		panic("server.New: Config.Verifier is required")
	}
	if len(cfg.SubjectKey) < 32 {
		panic("server.New: Config.SubjectKey of at least 32 bytes is required")
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	log = slog.New(LogHandler(log.Handler()))
	limits := cfg.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits()
	}
	policy := cfg.Policy
	if policy.Name == "" {
		policy, _ = domain.LookupProfile("default")
	}
	srv := GraphQL(&resolvers.Resolver{Catalogue: cfg.Catalogue, Policy: policy, SubjectKey: cfg.SubjectKey}, log)
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	Harden(srv, limits, cfg.Dev, mayIntrospect, fromGateway, func(ctx context.Context, action string, err error) {
		rec := domain.NewAuditRecord(domain.ViewerFrom(ctx), cfg.SubjectKey, domain.RequestIDFrom(ctx), action, clock(), nil)
		if aerr := cfg.Catalogue.AppendAudit(context.WithoutCancel(ctx), rec.Finished(err)); aerr != nil {
			log.ErrorContext(ctx, "audit event not written", "action", action, "err", aerr)
		}
	})
	srv.Use(&inputChecks{})
	if cfg.TracerProvider != nil {
		srv.Use(telemetry.GraphQLTracing(cfg.TracerProvider))
	}
	if cfg.Metrics != nil {
		srv.Use(cfg.Metrics.GraphQL())
	}
	srv.AddTransport(subscriptions(cfg, policy, clock, log))
	// Evidence files (the GraphQL multipart request spec); small parts are
	// held in memory, larger ones in temporary files.
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: limits.MaxUploadBytes, MaxMemory: 4 << 20})
	var gql http.Handler = upgradeOr(cfg.Drain, srv, GraphQLOverHTTP(srv))
	gql = withLoaders(cfg.Catalogue, policy, clock, gql)
	gql = withGateway(cfg.GatewaySecret, gql)
	gql = signedInUploads(gql)
	authn := auth.Middleware(cfg.Verifier, departmentID(cfg.Catalogue), log)
	gql = authn(gql)
	gql = LimitBody(limits.MaxBodyBytes, limits.MaxUploadBytes, gql)

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mux.Handle("GET "+resolvers.EvidencePath+"{id}", authn(evidenceHandler(cfg.Catalogue, log)))
	mux.Handle("GET /export/audit.csv", authn(auditExportHandler(cfg.Catalogue, cfg.SubjectKey, clock, log)))
	mux.Handle("GET /export/scorecards.csv", authn(scorecardsExportHandler(cfg.Catalogue, clock, log)))
	registerDCAT(mux, cfg, clock, log)
	mux.Handle("GET /{$}", playground.Handler("City public data catalogue", "/graphql"))
	// The evaluators' dashboard: a static page on the public API above.
	board := dashboard.Handler()
	mux.Handle(dashboard.Path, board)
	mux.Handle(dashboard.Path+"/", board)
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
	if cfg.Metrics != nil && cfg.MetricsToken != "" {
		mux.Handle("GET /metrics", metricsAuth(cfg.MetricsToken, cfg.Metrics.Handler()))
	}
	// Both see the route the mux matched: nothing between them and the
	// mux may copy the request.
	var h http.Handler = mux
	if cfg.Metrics != nil {
		h = cfg.Metrics.HTTP(h)
	}
	if cfg.TracerProvider != nil {
		h = telemetry.HTTPTracing(cfg.TracerProvider, h)
	}
	return withRequestID(h)
}

// departmentID resolves a token's credit code, its failure an
// EUnavailable *domain.Error (wrapping the cause, for the log) when the
// database is unavailable.
func departmentID(c domain.Catalogue) func(context.Context, string) (int64, bool, error) {
	return func(ctx context.Context, creditCode string) (int64, bool, error) {
		id, ok, err := c.DepartmentIDByCreditCode(ctx, creditCode)
		if err != nil && c.Unavailable(err) {
			err = fmt.Errorf("%w: %w", domain.Errorf(domain.EUnavailable, domain.UnavailableMessage), err)
		}
		return id, ok, err
	}
}

// GraphQL returns the gqlgen server for the schema, with explicit
// transports, a query cache, the error presenter and the recover function.
func GraphQL(root *resolvers.Resolver, log *slog.Logger) *handler.Server {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  root,
		Directives: graph.DirectiveRoot{Access: resolvers.AccessDirective},
	}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postJSON{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.SetErrorPresenter(presentError(log, root.Catalogue.Unavailable))
	srv.SetRecoverFunc(recoverFunc(log))
	// Plain fields (tools/gqlgen: ungated scalar reads) do not pass through
	// field middleware, so a middleware here sees root fields, gated and
	// resolved fields only; AuditFields acts on root fields alone.
	srv.AroundFields(resolvers.AuditFields(root.Catalogue, root.SubjectKey, log))
	return srv
}

// withLoaders gives each request its own dataloaders, made for the
// request's viewer, and its clock.
func withLoaders(c domain.Catalogue, policy domain.Profile, clock func() time.Time, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(resolvers.WithLoaders(r.Context(), c, policy, clock)))
	})
}

type gatewayKey struct{}

// withGateway marks the context of a request that carries the gateway's
// secret. With no secret configured, nothing is marked.
func withGateway(secret string, next http.Handler) http.Handler {
	if secret == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get(GatewaySecretHeader)
		// SECURITY: constant-time, so the secret cannot be guessed byte by
		// byte from response times.
		if got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(secret)) == 1 {
			r = r.WithContext(context.WithValue(r.Context(), gatewayKey{}, true))
		}
		next.ServeHTTP(w, r)
	})
}

// fromGateway tells a request that carries the gateway's secret.
func fromGateway(ctx context.Context) bool {
	gw, _ := ctx.Value(gatewayKey{}).(bool)
	return gw
}

// mayIntrospect: outside development, the data authority, auditors and the
// federation gateway may read the schema.
func mayIntrospect(ctx context.Context) bool {
	if fromGateway(ctx) {
		return true
	}
	return domain.MayIntrospect(domain.ViewerFrom(ctx))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
