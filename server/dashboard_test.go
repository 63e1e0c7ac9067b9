package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/citydata/catalogue/dashboard"
)

// TestDashboardIsServed: server.New mounts the dashboard and its assets,
// with its policy, beside /graphql.
func TestDashboardIsServed(t *testing.T) {
	a := newEmptyAPI(t)
	for target, ctype := range map[string]string{
		"/dashboard":         "text/html; charset=utf-8",
		"/dashboard/app.js":  "text/javascript; charset=utf-8",
		"/dashboard/app.css": "text/css; charset=utf-8",
	} {
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ctype {
			t.Errorf("GET %s: status %d, Content-Type %q; want 200, %q", target, rec.Code, rec.Header().Get("Content-Type"), ctype)
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != dashboard.ContentSecurityPolicy {
			t.Errorf("GET %s: Content-Security-Policy %q", target, got)
		}
		if rec.Body.Len() == 0 {
			t.Errorf("GET %s: empty body", target)
		}
	}
	// GraphiQL at / keeps its own page (and inline scripts): the dashboard's
	// policy is not sent there.
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Security-Policy") != "" {
		t.Errorf("GET /: status %d, CSP %q", rec.Code, rec.Header().Get("Content-Security-Policy"))
	}
}
