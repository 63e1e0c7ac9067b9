// Package telemetry measures the service: Prometheus metrics (GraphQL
// operations, HTTP routes, the database pool, subscriptions, the audit
// chain, the Go runtime) and OpenTelemetry traces (HTTP requests, GraphQL
// operations, SQL statements). Everything here is off unless the command
// turns it on: a nil *Metrics or a nil trace.TracerProvider costs nothing.
package telemetry

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

const namespace = "catalogue"

// MaxOperationNames bounds the operation label: operation names are chosen
// by clients, so past this many distinct names every new one is counted as
// "other", and a client cannot grow the series without end.
const MaxOperationNames = 200

// maxNameLen cuts longer operation names (labels and span names).
const maxNameLen = 64

// Labels that stand for no client-chosen name.
const (
	// LabelAnonymous is an operation without a name ({ resources { ... } }).
	LabelAnonymous = "anonymous"
	// LabelNone is a request refused before an operation was chosen: a
	// parse error, an unknown operationName, no query.
	LabelNone = "none"
	// LabelOther is any operation name past MaxOperationNames.
	LabelOther = "other"
	// OutcomeOK is a response without errors.
	OutcomeOK = "ok"
)

// latencyBuckets are in seconds, from a cached lookup to a compliance report
// over a large city.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics holds the service's Prometheus registry and instruments.
type Metrics struct {
	reg           *prometheus.Registry
	gqlRequests   *prometheus.CounterVec
	gqlDuration   *prometheus.HistogramVec
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	subscriptions prometheus.Gauge

	mu    sync.RWMutex
	names map[string]struct{}
}

// NewMetrics returns a registry with the service's instruments and the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "graphql_requests_total",
			Help: `GraphQL operations by name (anonymous, none: refused before an operation was chosen, other: past the name cap), type and outcome ("ok" or the first error's extensions.code).`,
		}, []string{"operation", "type", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "graphql_request_duration_seconds",
			Help:    "Time from reading a GraphQL request to its (first) response, by operation name and type; subscriptions are not timed.",
			Buckets: latencyBuckets,
		}, []string{"operation", "type"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: `HTTP requests by route (the ServeMux pattern, "unmatched" for none) and status code.`,
		}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "HTTP request latency by route, until the handler returns (a websocket: until it closes).",
			Buckets: latencyBuckets,
		}, []string{"route"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "graphql_active_subscriptions",
			Help: "GraphQL subscriptions running now.",
		}),
		names: map[string]struct{}{},
	}
	m.reg.MustRegister(m.gqlRequests, m.gqlDuration, m.httpRequests, m.httpDuration, m.subscriptions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the instruments are registered (tests gather it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text (or OpenMetrics)
// format. It does not check who asks: mount it behind a check or on a
// listener of its own.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// DB is what the database collector reads: the pgx pool's statistics and
// the audit chain's head (store.DB has both).
type DB interface {
	PoolStat() *pgxpool.Stat
	// AuditChainHead returns the id of the last audit event and the id
	// through which events have been purged (NY 33): the chain holds
	// head - purged events.
	AuditChainHead(ctx context.Context) (head, purged int64, err error)
}

// WatchDB registers a collector that reads db's pool statistics and audit
// chain on each scrape. Call it once per Metrics.
func (m *Metrics) WatchDB(db DB, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	return m.reg.Register(&dbCollector{db: db, log: log})
}

// operationLabel bounds a client's operation name: cut to maxNameLen, and
// "other" once MaxOperationNames distinct names have been seen.
func (m *Metrics) operationLabel(op *ast.OperationDefinition) string {
	if op == nil {
		return LabelNone
	}
	name := op.Name
	if name == "" {
		return LabelAnonymous
	}
	if len(name) > maxNameLen {
		name = name[:maxNameLen] // GraphQL names are ASCII
	}
	m.mu.RLock()
	_, seen := m.names[name]
	full := len(m.names) >= MaxOperationNames
	m.mu.RUnlock()
	if seen {
		return name
	}
	if full {
		return LabelOther
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.names) >= MaxOperationNames {
		if _, seen := m.names[name]; !seen {
			return LabelOther
		}
	}
	m.names[name] = struct{}{}
	return name
}

func operationType(op *ast.OperationDefinition) string {
	if op == nil {
		return "unknown"
	}
	return string(op.Operation)
}

// Outcome is "ok" for a response without errors, else its first error's
// extensions.code, kept only when it looks like one of the service's codes
// (capitals and underscores), else "OTHER".
func Outcome(errs gqlerror.List) string {
	if len(errs) == 0 {
		return OutcomeOK
	}
	code, _ := errs[0].Extensions["code"].(string)
	if !isCode(code) {
		return "OTHER"
	}
	return code
}

func isCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// GraphQL returns the gqlgen extension that counts and times operations
// and tracks running subscriptions.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return gqlMetrics{m} }

type gqlMetrics struct{ m *Metrics }

var (
	_ graphql.OperationInterceptor = gqlMetrics{}
	_ graphql.ResponseInterceptor  = gqlMetrics{}
)

func (gqlMetrics) ExtensionName() string                          { return "Metrics" }
func (gqlMetrics) Validate(schema graphql.ExecutableSchema) error { return nil }

// opStateKey marks the contexts of an operation's responses, so that
// InterceptResponse leaves them to InterceptOperation.
type opStateKey struct{}

func inOperation(ctx context.Context) bool { return ctx.Value(opStateKey{}) != nil }

func startOf(oc *graphql.OperationContext) time.Time {
	if !oc.Stats.OperationStart.IsZero() {
		return oc.Stats.OperationStart
	}
	return time.Now()
}

// InterceptOperation counts an operation at its first response (which, for
// a query or a mutation, is its only one; errors the root of a
// subscription raises come here without passing InterceptResponse), and
// keeps the subscription gauge.
func (g gqlMetrics) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	start := startOf(oc)
	name, typ := g.m.operationLabel(oc.Operation), operationType(oc.Operation)
	ctx = context.WithValue(ctx, opStateKey{}, true)
	subscription := oc.Operation != nil && oc.Operation.Operation == ast.Subscription
	var done func()
	if subscription {
		g.m.subscriptions.Inc()
		var once sync.Once
		done = func() { once.Do(g.m.subscriptions.Dec) }
		// The transport cancels a subscription's context when the client
		// stops it or the connection closes.
		stop := context.AfterFunc(ctx, done)
		prev := done
		done = func() { stop(); prev() }
	}
	h := next(ctx)
	first := true
	return func(rctx context.Context) *graphql.Response {
		resp := h(context.WithValue(rctx, opStateKey{}, true))
		if first {
			first = false
			var errs gqlerror.List
			if resp != nil {
				errs = resp.Errors
			}
			g.m.gqlRequests.WithLabelValues(name, typ, Outcome(errs)).Inc()
			if !subscription {
				g.m.gqlDuration.WithLabelValues(name, typ).Observe(time.Since(start).Seconds())
			}
		}
		if resp == nil && done != nil {
			done()
		}
		return resp
	}
}

// InterceptResponse counts the responses of requests refused before an
// operation ran (parse and validation errors, the limits).
func (g gqlMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if inOperation(ctx) || resp == nil {
		return resp
	}
	var op *ast.OperationDefinition
	start := time.Now()
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		op, start = oc.Operation, startOf(oc)
	}
	name, typ := g.m.operationLabel(op), operationType(op)
	g.m.gqlRequests.WithLabelValues(name, typ, Outcome(resp.Errors)).Inc()
	g.m.gqlDuration.WithLabelValues(name, typ).Observe(time.Since(start).Seconds())
	return resp
}

// HTTP counts and times requests by route and status. Wrap the ServeMux
// itself with it (nothing between them may copy the request): the route is
// the pattern the mux sets on the request it was given.
func (m *Metrics) HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		code := sw.status
		if code == 0 {
			code = http.StatusOK
		}
		m.httpRequests.WithLabelValues(route, strconv.Itoa(code)).Inc()
		m.httpDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status; it keeps flushing and hijacking (CSV
// exports, websockets) working and lets http.ResponseController through.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over (a websocket upgrade: 101).
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
