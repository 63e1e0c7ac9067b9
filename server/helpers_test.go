package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store"
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

// api drives the real HTTP handler, with a bearer token or as the public.
type api struct {
	t       testing.TB
	handler http.Handler
	db      *store.DB
	// url is the database's, for tests that write history directly.
	url   string
	token string
}

// testSecret signs the tests' tokens; the handler verifies with it.
var testSecret = []byte("catalogue-test-secret-0123456789abcdef")

// testSubjectKey keys the tests' protected subjects.
var testSubjectKey = []byte("catalogue-test-subject-key-0123456789")

// Claims of the viewers the tests use most.
var (
	authority = auth.Claims{Sub: "authority-1", Role: domain.RoleAuthority}
	auditor   = auth.Claims{Sub: "auditor-1", Role: domain.RoleAuditor}
)

// newAPI serves the demo catalogue from a fresh database through the
// service's real handler.
func newAPI(t testing.TB, opts storetest.Options) *api {
	t.Helper()
	opts.Demo = true
	return newAPIWith(t, opts, server.Config{})
}

// newEmptyAPI serves a fresh empty catalogue.
func newEmptyAPI(t testing.TB) *api {
	t.Helper()
	return newAPIWith(t, storetest.Options{}, server.Config{})
}

// newAPIWith serves a fresh database through server.New with cfg, whose
// Catalogue, Verifier and Log it fills in.
func newAPIWith(t testing.TB, opts storetest.Options, cfg server.Config) *api {
	t.Helper()
	db, url := storetest.NewDBWithURL(t, opts)
	v, err := auth.NewVerifier(context.Background(), auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Catalogue, cfg.Verifier = db, v
	if cfg.SubjectKey == nil {
		cfg.SubjectKey = testSubjectKey
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &api{t: t, handler: server.New(cfg), db: db, url: url}
}

// as returns a copy of a that sends a bearer token for c.
func (a *api) as(c auth.Claims) *api {
	a.t.Helper()
	tok, err := auth.Sign(testSecret, c, time.Hour)
	if err != nil {
		a.t.Fatalf("sign a token for %+v: %v", c, err)
	}
	cp := *a
	cp.token = tok
	return &cp
}

// public returns a copy of a that sends no token.
func (a *api) public() *api {
	cp := *a
	cp.token = ""
	return &cp
}

func (a *api) do(query string, vars map[string]any) response {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return a.send(req)
}

// send sends req with a's token and decodes the GraphQL response.
func (a *api) send(req *http.Request) response {
	a.t.Helper()
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
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

// decode unmarshals the response's data into out, whatever its errors.
func (r response) decode(t testing.TB, out any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data: %v\n%s\nerrors: %+v", err, r.Data, r.Errors)
	}
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
