package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

// api drives the real HTTP handler, as a given viewer.
type api struct {
	t       testing.TB
	handler http.Handler
	viewer  *domain.Viewer
}

// newAPI serves the demo catalogue from a fresh database.
func newAPI(t testing.TB, opts storetest.Options) *api {
	t.Helper()
	opts.Demo = true
	db := storetest.NewDB(t, opts)
	return &api{t: t, handler: server.New(server.Config{Catalogue: db})}
}

// as returns a copy of a that sends requests as v. Until bearer tokens
// arrive, tests put the viewer into the request context directly.
func (a *api) as(v domain.Viewer) *api {
	c := *a
	c.viewer = &v
	return &c
}

func (a *api) do(query string, vars map[string]any) response {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if a.viewer != nil {
		req = req.WithContext(domain.WithViewer(req.Context(), *a.viewer))
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		a.t.Fatalf("response is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	resp.status = rec.Code
	return resp
}

// query runs a query that must succeed and decodes its data into out.
func (a *api) query(query string, vars map[string]any, out any) {
	a.t.Helper()
	resp := a.do(query, vars)
	if len(resp.Errors) > 0 {
		a.t.Fatalf("query failed: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		a.t.Fatalf("decode data: %v\n%s", err, resp.Data)
	}
}

// queryErr runs a query that must fail with code, and returns the error.
func (a *api) queryErr(query string, vars map[string]any, code string) gqlError {
	a.t.Helper()
	resp := a.do(query, vars)
	if len(resp.Errors) == 0 {
		a.t.Fatalf("query succeeded, want error %s; data: %s", code, resp.Data)
	}
	e := resp.Errors[0]
	if e.code() != code {
		a.t.Fatalf("error code = %q (%s), want %q", e.code(), e.Message, code)
	}
	if resp.status >= 500 {
		a.t.Fatalf("HTTP status %d for a client error", resp.status)
	}
	return e
}

// statementCounter counts the statements sent to PostgreSQL.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
