package telemetry

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestOutcome(t *testing.T) {
	withCode := func(code any) *gqlerror.Error { return &gqlerror.Error{Extensions: map[string]any{"code": code}} }
	for _, c := range []struct {
		errs gqlerror.List
		want string
	}{
		{nil, "ok"},
		{gqlerror.List{withCode("NOT_FOUND"), withCode("FORBIDDEN")}, "NOT_FOUND"},
		{gqlerror.List{withCode("GRAPHQL_PARSE_FAILED")}, "GRAPHQL_PARSE_FAILED"},
		{gqlerror.List{withCode("lower")}, "OTHER"},
		{gqlerror.List{withCode(42)}, "OTHER"},
		{gqlerror.List{withCode(strings.Repeat("A", 41))}, "OTHER"},
		{gqlerror.List{{Message: "no extensions"}}, "OTHER"},
	} {
		if got := Outcome(c.errs); got != c.want {
			t.Errorf("Outcome(%v) = %q, want %q", c.errs, got, c.want)
		}
	}
}

func TestOperationLabel(t *testing.T) {
	m := NewMetrics()
	op := func(name string) *ast.OperationDefinition {
		return &ast.OperationDefinition{Name: name, Operation: ast.Query}
	}
	if got := m.operationLabel(nil); got != LabelNone {
		t.Errorf("no operation: %q", got)
	}
	if got := m.operationLabel(op("")); got != LabelAnonymous {
		t.Errorf("anonymous: %q", got)
	}
	if got := m.operationLabel(op(strings.Repeat("n", 100))); got != strings.Repeat("n", maxNameLen) {
		t.Errorf("long name: %q", got)
	}
	for i := 1; i < MaxOperationNames; i++ { // the long one took a place
		if got := m.operationLabel(op(fmt.Sprint("Op", i))); got != fmt.Sprint("Op", i) {
			t.Fatalf("name %d: %q", i, got)
		}
	}
	if got := m.operationLabel(op("OneMore")); got != LabelOther {
		t.Errorf("past the cap: %q, want other", got)
	}
	if got := m.operationLabel(op("Op1")); got != "Op1" {
		t.Errorf("a name seen before the cap: %q", got)
	}
}

func TestStatementName(t *testing.T) {
	for sql, want := range map[string]string{
		"SELECT 1":                             "SELECT",
		"  select r.id FROM resources r":       "SELECT",
		"WITH RECURSIVE walk AS (SELECT 1)":    "WITH",
		"INSERT INTO audit_events (id) VALUES": "INSERT",
		"-- a comment\nUPDATE audit_chain SET": "UPDATE",
		"(SELECT 1) UNION (SELECT 2)":          "SQL",
		"":                                     "SQL",
		"-- only a comment":                    "SQL",
		"SELECT\n1":                            "SELECT",
		"begin;":                               "BEGIN",
	} {
		if got := statementName(sql); got != want {
			t.Errorf("statementName(%q) = %q, want %q", sql, got, want)
		}
	}
}

func TestQueryText(t *testing.T) {
	short := "SELECT $1"
	if queryText(short) != short {
		t.Error("a short statement was changed")
	}
	long := strings.Repeat("户", maxQueryText) // 3 bytes each: the cut falls inside one
	got := queryText(long)
	if len(got) > maxQueryText+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("queryText cut %d bytes to %d (valid UTF-8: %v)", len(long), len(got), utf8.ValidString(got))
	}
}

func TestTracingEnabled(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x", "OTEL_SDK_DISABLED": "TRUE"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x", "OTEL_TRACES_EXPORTER": "none"}, false},
		{map[string]string{"OTEL_SERVICE_NAME": "catalogue"}, false},
	} {
		if got := TracingEnabled(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("TracingEnabled(%v) = %v, want %v", c.env, got, c.want)
		}
	}
}
