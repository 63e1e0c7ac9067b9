package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// instrumentation names the tracer of each layer.
const instrumentation = "github.com/citydata/catalogue/telemetry"

// DefaultServiceName is service.name when OTEL_SERVICE_NAME (or
// OTEL_RESOURCE_ATTRIBUTES) names none.
const DefaultServiceName = "catalogue"

// maxQueryText cuts the SQL text a span carries (the compliance queries run
// to several kilobytes).
const maxQueryText = 4096

// Propagator reads and writes W3C trace context and baggage headers.
var Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// TracingEnabled reports whether the environment asks for traces: an OTLP
// endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and neither OTEL_SDK_DISABLED=true
// nor OTEL_TRACES_EXPORTER=none turns them off.
func TracingEnabled(getenv func(string) string) bool {
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") || strings.EqualFold(getenv("OTEL_TRACES_EXPORTER"), "none") {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// TracingFromEnv starts an OTLP/HTTP trace exporter configured by the
// standard OTEL_* variables (endpoint, headers, protocol http/protobuf or
// http/json, timeout, TLS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_TRACES_SAMPLER), and returns its provider and the function that
// flushes and stops it. With tracing off (TracingEnabled) it returns a nil
// provider and a no-op shutdown.
func TracingFromEnv(ctx context.Context, log *slog.Logger) (trace.TracerProvider, func(context.Context) error, error) {
	noop := func(context.Context) error { return nil }
	if !TracingEnabled(os.Getenv) {
		return nil, noop, nil
	}
	proto := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if proto == "" {
		proto = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if proto != "" && proto != "http/protobuf" && proto != "http/json" {
		return nil, noop, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=%s: this catalogue exports traces over OTLP/HTTP only; use http/protobuf (the collector's port 4318)", proto)
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, noop, fmt.Errorf("OpenTelemetry OTLP exporter (OTEL_EXPORTER_OTLP_*): %w", err)
	}
	res, err := resource.Merge(
		resource.NewSchemaless(attribute.String("service.name", DefaultServiceName)),
		resource.Default(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil {
		return nil, noop, fmt.Errorf("OpenTelemetry resource (OTEL_RESOURCE_ATTRIBUTES): %w", err)
	}
	// The sampler comes from OTEL_TRACES_SAMPLER (default: parent-based,
	// always on).
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(Propagator)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("OpenTelemetry", "err", err)
	}))
	endpoint := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	if endpoint == "" {
		endpoint = os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	log.Info("tracing on: exporting spans over OTLP/HTTP", "endpoint", endpoint)
	return tp, tp.Shutdown, nil
}

// HTTPTracing wraps next in a span per request (otelhttp), continuing the
// trace of an incoming W3C traceparent header. The span is named after the
// ServeMux route once it is known ("POST /graphql").
func HTTPTracing(tp trace.TracerProvider, next http.Handler) http.Handler {
	return otelhttp.NewHandler(next, "HTTP",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(Propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if r.Pattern != "" {
				if strings.HasPrefix(r.Pattern, r.Method+" ") {
					return r.Pattern
				}
				return r.Method + " " + r.Pattern
			}
			return r.Method
		}))
}

// GraphQLTracing returns the gqlgen extension that puts each operation in a
// span ("query ResourceList") with its name, type and the codes of its
// errors; neither the document nor its variables, which may carry personal
// data, are recorded. Requests refused before an operation ran mark the
// request's span with their error codes.
func GraphQLTracing(tp trace.TracerProvider) graphql.HandlerExtension {
	return gqlTracing{tracer: tp.Tracer(instrumentation)}
}

type gqlTracing struct{ tracer trace.Tracer }

var (
	_ graphql.OperationInterceptor = gqlTracing{}
	_ graphql.ResponseInterceptor  = gqlTracing{}
)

func (gqlTracing) ExtensionName() string                          { return "Tracing" }
func (gqlTracing) Validate(schema graphql.ExecutableSchema) error { return nil }

type tracedOpKey struct{}

func (g gqlTracing) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	typ, name := operationType(oc.Operation), ""
	if oc.Operation != nil {
		name = oc.Operation.Name
	}
	if len(name) > maxNameLen {
		name = name[:maxNameLen]
	}
	spanName := typ
	if name != "" {
		spanName += " " + name
	}
	attrs := []attribute.KeyValue{attribute.String("graphql.operation.type", typ)}
	if name != "" {
		attrs = append(attrs, attribute.String("graphql.operation.name", name))
	}
	opts := []trace.SpanStartOption{trace.WithAttributes(attrs...), trace.WithSpanKind(trace.SpanKindInternal)}
	if !oc.Stats.OperationStart.IsZero() {
		opts = append(opts, trace.WithTimestamp(oc.Stats.OperationStart))
	}
	ctx, span := g.tracer.Start(ctx, spanName, opts...)
	ctx = context.WithValue(ctx, tracedOpKey{}, true)
	subscription := oc.Operation != nil && oc.Operation.Operation == ast.Subscription
	if subscription {
		// A subscription's span lasts as long as it does.
		context.AfterFunc(ctx, func() { span.End() })
	}
	h := next(ctx)
	var codes []string
	return func(rctx context.Context) *graphql.Response {
		resp := h(context.WithValue(trace.ContextWithSpan(rctx, span), tracedOpKey{}, true))
		if resp != nil {
			codes = markErrors(span, codes, resp.Errors)
		}
		if !subscription || resp == nil {
			span.End()
		}
		return resp
	}
}

func (g gqlTracing) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil && ctx.Value(tracedOpKey{}) == nil {
		markErrors(trace.SpanFromContext(ctx), nil, resp.Errors)
	}
	return resp
}

// markErrors adds errs' codes (once each) to the span's graphql.error.codes;
// a server fault (INTERNAL, UNAVAILABLE) makes the span's status an error.
func markErrors(span trace.Span, seen []string, errs gqlerror.List) []string {
	if len(errs) == 0 || !span.IsRecording() {
		return seen
	}
	before := len(seen)
	fault := ""
	for _, e := range errs {
		c := Outcome(gqlerror.List{e})
		if !slices.Contains(seen, c) {
			seen = append(seen, c)
		}
		if c == "INTERNAL" || c == "UNAVAILABLE" {
			fault = c
		}
	}
	if len(seen) != before {
		span.SetAttributes(attribute.StringSlice("graphql.error.codes", seen))
	}
	if fault != "" {
		span.SetStatus(codes.Error, fault)
	}
	return seen
}

// PGXTracer returns a pgx tracer that puts each statement (queries,
// batches, COPY) in a client span under the span of its context: the SQL
// text with its placeholders, never the arguments. Statements outside a
// traced request (start-up, background listeners) are not traced.
func PGXTracer(tp trace.TracerProvider) pgx.QueryTracer {
	return &pgxTracer{tracer: tp.Tracer(instrumentation)}
}

type pgxTracer struct{ tracer trace.Tracer }

var (
	_ pgx.QueryTracer    = (*pgxTracer)(nil)
	_ pgx.BatchTracer    = (*pgxTracer)(nil)
	_ pgx.CopyFromTracer = (*pgxTracer)(nil)
)

// sqlSpanKey holds the span a statement started, so that its end never
// ends the request's or the operation's span when none was started.
type sqlSpanKey struct{}

func (t *pgxTracer) start(ctx context.Context, conn *pgx.Conn, name string, attrs ...attribute.KeyValue) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	attrs = append(attrs, attribute.String("db.system.name", "postgresql"))
	if conn != nil {
		cfg := conn.Config()
		attrs = append(attrs, attribute.String("db.namespace", cfg.Database), attribute.String("server.address", cfg.Host), attribute.Int("server.port", int(cfg.Port)))
	}
	ctx, span := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return context.WithValue(ctx, sqlSpanKey{}, span)
}

func sqlSpan(ctx context.Context) trace.Span {
	span, _ := ctx.Value(sqlSpanKey{}).(trace.Span)
	return span
}

func end(ctx context.Context, err error, attrs ...attribute.KeyValue) {
	span := sqlSpan(ctx)
	if span == nil {
		return
	}
	span.SetAttributes(attrs...)
	if err != nil {
		// The message of a PostgreSQL error may quote a value; its code
		// says enough.
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr):
			span.SetAttributes(attribute.String("db.response.status_code", pgErr.Code))
			span.SetStatus(codes.Error, "SQLSTATE "+pgErr.Code)
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			span.SetStatus(codes.Error, err.Error())
		default:
			span.SetStatus(codes.Error, "statement failed")
		}
	}
	span.End()
}

// statementName is the span's name: the statement's first keyword
// (SELECT, INSERT, WITH...).
func statementName(sql string) string {
	sql = strings.TrimSpace(sql)
	for strings.HasPrefix(sql, "--") { // a leading comment line
		_, rest, ok := strings.Cut(sql, "\n")
		if !ok {
			return "SQL"
		}
		sql = strings.TrimSpace(rest)
	}
	word, _, _ := strings.Cut(sql, " ")
	word, _, _ = strings.Cut(word, "\n")
	word, _, _ = strings.Cut(word, "\t")
	word = strings.ToUpper(strings.TrimRight(word, "(;"))
	if word == "" || len(word) > 16 {
		return "SQL"
	}
	for i := 0; i < len(word); i++ {
		if c := word[i]; c < 'A' || c > 'Z' {
			return "SQL"
		}
	}
	return word
}

func queryText(sql string) string {
	if len(sql) > maxQueryText {
		// Cut at a character boundary.
		cut := maxQueryText
		for cut > 0 && sql[cut]&0xC0 == 0x80 {
			cut--
		}
		return sql[:cut] + "…"
	}
	return sql
}

func (t *pgxTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	op := statementName(data.SQL)
	return t.start(ctx, conn, op, attribute.String("db.operation.name", op), attribute.String("db.query.text", queryText(data.SQL)))
}

func (t *pgxTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	end(ctx, data.Err, attribute.Int64("db.response.returned_rows", data.CommandTag.RowsAffected()))
}

func (t *pgxTracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	n := 0
	if data.Batch != nil {
		n = data.Batch.Len()
	}
	return t.start(ctx, conn, "BATCH", attribute.String("db.operation.name", "BATCH"), attribute.Int("db.operation.batch.size", n))
}

func (t *pgxTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	span := sqlSpan(ctx)
	if span == nil {
		return
	}
	span.AddEvent("statement", trace.WithAttributes(attribute.String("db.query.text", queryText(data.SQL))))
	if data.Err != nil {
		span.SetStatus(codes.Error, "batch statement failed")
	}
}

func (t *pgxTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	end(ctx, data.Err)
}

func (t *pgxTracer) TraceCopyFromStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromStartData) context.Context {
	return t.start(ctx, conn, "COPY", attribute.String("db.operation.name", "COPY"), attribute.String("db.collection.name", data.TableName.Sanitize()))
}

func (t *pgxTracer) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceCopyFromEndData) {
	end(ctx, data.Err, attribute.Int64("db.response.returned_rows", data.CommandTag.RowsAffected()))
}
