package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
	"github.com/citydata/catalogue/telemetry"
)

// newTracedAPI serves the demo catalogue with every span recorded.
func newTracedAPI(t *testing.T) (*api, *tracetest.SpanRecorder) {
	t.Helper()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	a := newAPIWith(t, storetest.Options{Demo: true, Tracer: telemetry.PGXTracer(tp)}, server.Config{TracerProvider: tp})
	return a, sr
}

func attr(s sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

// tracedPost sends query with vars and the given traceparent (may be "").
func tracedPost(t *testing.T, a *api, traceparent, query string, vars map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	if traceparent != "" {
		req.Header.Set("traceparent", traceparent)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// One GraphQL request is one trace: the HTTP request's span, continuing
// the caller's W3C traceparent, holds the operation's span, which holds a
// span per SQL statement; no span carries the variables.
func TestTracingSpanTree(t *testing.T) {
	a, sr := newTracedAPI(t)
	a = a.as(authority)
	const (
		callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		callerSpan  = "00f067aa0ba902b7"
		secret      = "户籍"
	)
	tracedPost(t, a, "00-"+callerTrace+"-"+callerSpan+"-01",
		`query ListThem($s: String) { resources(first: 3, filter: {search: $s}) { totalCount nodes { name sourceDepartment { name } dataItems { name } } } }`,
		map[string]any{"s": secret})

	spans := sr.Ended()
	var httpSpan, opSpan sdktrace.ReadOnlySpan
	var sqlSpans []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.SpanContext().TraceID().String() != callerTrace {
			t.Errorf("span %q is in trace %s, not the caller's %s", s.Name(), s.SpanContext().TraceID(), callerTrace)
		}
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.Emit(), secret) {
				t.Errorf("span %q carries a variable's value in %s=%s", s.Name(), kv.Key, kv.Value.Emit())
			}
		}
		switch {
		case s.SpanKind() == trace.SpanKindServer:
			httpSpan = s
		case s.Name() == "query ListThem":
			opSpan = s
		case s.SpanKind() == trace.SpanKindClient:
			sqlSpans = append(sqlSpans, s)
		}
	}
	if httpSpan == nil || opSpan == nil || len(sqlSpans) == 0 {
		names := make([]string, len(spans))
		for i, s := range spans {
			names[i] = s.Name() + "/" + s.SpanKind().String()
		}
		t.Fatalf("want an HTTP span, the operation's span and SQL spans; got %v", names)
	}
	if httpSpan.Name() != "POST /graphql" {
		t.Errorf("HTTP span is named %q, want POST /graphql", httpSpan.Name())
	}
	if p := httpSpan.Parent(); p.SpanID().String() != callerSpan || !p.IsRemote() {
		t.Errorf("HTTP span's parent = %s (remote %v), want the caller's %s", p.SpanID(), p.IsRemote(), callerSpan)
	}
	if opSpan.Parent().SpanID() != httpSpan.SpanContext().SpanID() {
		t.Errorf("the operation's parent is %s, want the HTTP span %s", opSpan.Parent().SpanID(), httpSpan.SpanContext().SpanID())
	}
	if v, _ := attr(opSpan, "graphql.operation.name"); v.AsString() != "ListThem" {
		t.Errorf("graphql.operation.name = %q", v.AsString())
	}
	if v, _ := attr(opSpan, "graphql.operation.type"); v.AsString() != "query" {
		t.Errorf("graphql.operation.type = %q", v.AsString())
	}
	if _, ok := attr(opSpan, "graphql.error.codes"); ok {
		t.Errorf("a query without errors has error codes")
	}
	underOp := 0
	for _, s := range sqlSpans {
		switch s.Parent().SpanID() {
		case opSpan.SpanContext().SpanID():
			underOp++
		case httpSpan.SpanContext().SpanID():
			// before the operation: the token's department lookup
		default:
			t.Errorf("SQL span %q has parent %s, neither the operation nor the request", s.Name(), s.Parent().SpanID())
		}
		text, ok := attr(s, "db.query.text")
		if !ok || text.AsString() == "" {
			t.Errorf("SQL span %q has no db.query.text", s.Name())
		}
		if v, _ := attr(s, "db.system.name"); v.AsString() != "postgresql" {
			t.Errorf("SQL span %q: db.system.name = %q", s.Name(), v.AsString())
		}
		if s.EndTime().Before(s.StartTime()) || s.EndTime().After(opSpan.EndTime()) && s.Parent().SpanID() == opSpan.SpanContext().SpanID() {
			t.Errorf("SQL span %q ends outside its operation", s.Name())
		}
	}
	// The page, its count, the departments and the data items.
	if underOp < 3 {
		t.Errorf("%d SQL spans under the operation, want the list's statements (at least 3)", underOp)
	}
	if !slices.ContainsFunc(sqlSpans, func(s sdktrace.ReadOnlySpan) bool {
		v, _ := attr(s, "db.query.text")
		return s.Name() == "SELECT" && strings.Contains(v.AsString(), "resources")
	}) {
		t.Error("no SELECT ... resources span")
	}
}

// A refused operation says its error codes; a request refused before any
// operation marks the HTTP span; without a traceparent a trace starts.
func TestTracingErrors(t *testing.T) {
	a, sr := newTracedAPI(t)
	a = a.as(authority)
	tracedPost(t, a, "", `query Missing { resource(code: "no-such-code") { name } }`, nil)
	tracedPost(t, a, "", `{ resources(first: `, nil)

	var op, parseErr sdktrace.ReadOnlySpan
	for _, s := range sr.Ended() {
		if s.Name() == "query Missing" {
			op = s
		}
		if s.SpanKind() == trace.SpanKindServer && op != nil && s.SpanContext().TraceID() != op.SpanContext().TraceID() {
			parseErr = s
		}
	}
	if op == nil || parseErr == nil {
		t.Fatalf("spans: %d, want the operation and the second request", len(sr.Ended()))
	}
	if op.Parent().IsRemote() || !op.Parent().IsValid() {
		t.Errorf("the operation's parent should be the local HTTP span")
	}
	if v, _ := attr(op, "graphql.error.codes"); !slices.Equal(v.AsStringSlice(), []string{"NOT_FOUND"}) {
		t.Errorf("graphql.error.codes = %v, want [NOT_FOUND]", v.AsStringSlice())
	}
	if v, _ := attr(parseErr, "graphql.error.codes"); !slices.Equal(v.AsStringSlice(), []string{"GRAPHQL_PARSE_FAILED"}) {
		t.Errorf("parse error's HTTP span: graphql.error.codes = %v", v.AsStringSlice())
	}
}
