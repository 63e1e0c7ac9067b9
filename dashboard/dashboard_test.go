package dashboard_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/citydata/catalogue/dashboard"
)

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestServesTheEmbeddedPage: the page and each asset it names come from the
// embedded build with their content types and the strict policy.
func TestServesTheEmbeddedPage(t *testing.T) {
	h := dashboard.Handler()
	cases := []struct {
		target, ctype, contains string
	}{
		{"/dashboard", "text/html; charset=utf-8", `<html lang="zh-CN">`},
		{"/dashboard/", "text/html; charset=utf-8", `<script type="module" src="/dashboard/app.js">`},
		{"/dashboard/index.html", "text/html; charset=utf-8", "评估看板"},
		{"/dashboard/app.js", "text/javascript; charset=utf-8", "graphql-transport-ws"},
		{"/dashboard/app.css", "text/css; charset=utf-8", "Noto Sans CJK SC"},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, h, http.MethodGet, c.target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != c.ctype {
				t.Errorf("Content-Type %q, want %q", got, c.ctype)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			if !strings.Contains(rec.Body.String(), c.contains) {
				t.Errorf("body lacks %q", c.contains)
			}
			checkPolicy(t, rec.Header().Get("Content-Security-Policy"))
		})
	}
}

// checkPolicy: scripts only from the server's files, never inline or
// eval'd; connections only to the page's own origin; nothing else by
// default.
func checkPolicy(t *testing.T, csp string) {
	t.Helper()
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		directives[fields[0]] = strings.Join(fields[1:], " ")
	}
	want := map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self'",
		"connect-src":     "'self'",
		"base-uri":        "'none'",
		"frame-ancestors": "'none'",
	}
	for k, v := range want {
		if directives[k] != v {
			t.Errorf("CSP %s is %q, want %q (policy: %s)", k, directives[k], v, csp)
		}
	}
	if strings.Contains(directives["script-src"], "unsafe") {
		t.Errorf("CSP script-src allows %q", directives["script-src"])
	}
}

// TestThePageHasNoInlineScript: the policy refuses inline scripts, so the
// page must have none (an inline script or handler would silently not run).
func TestThePageHasNoInlineScript(t *testing.T) {
	body := get(t, dashboard.Handler(), http.MethodGet, "/dashboard", nil).Body.String()
	for _, m := range regexp.MustCompile(`(?is)<script\b[^>]*>(.*?)</script>`).FindAllStringSubmatch(body, -1) {
		if strings.TrimSpace(m[1]) != "" {
			t.Errorf("inline script in the page: %.80q", m[1])
		}
		if !strings.Contains(m[0], `src="/dashboard/`) {
			t.Errorf("script not from the dashboard's own files: %s", m[0])
		}
	}
	if regexp.MustCompile(`(?i)\son[a-z]+\s*=`).MatchString(body) {
		t.Error("inline event handler attribute in the page")
	}
	if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).MatchString(body) {
		t.Error("the page loads something from another site; it must work offline")
	}
}

func TestUnknownPathsMethodsAndRevalidation(t *testing.T) {
	h := dashboard.Handler()
	for _, target := range []string{"/dashboard/nope.js", "/dashboard/../go.mod", "/dashboard/dashboard.go", "/dashboard/src/main.js"} {
		if rec := get(t, h, http.MethodGet, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
	}
	rec := get(t, h, http.MethodPost, "/dashboard", nil)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d Allow %q, want 405 with GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
	first := get(t, h, http.MethodGet, "/dashboard/app.js", nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := get(t, h, http.MethodGet, "/dashboard/app.js", map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: status %d with %d bytes, want 304 and none", again.Code, again.Body.Len())
	}
	head := get(t, h, http.MethodHead, "/dashboard/app.css", nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, %d bytes, Content-Length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
}
