package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
	"github.com/citydata/catalogue/telemetry"
)

const testMetricsToken = "metrics-test-token-0123456789abcdef"

// newMetricsAPI serves the demo catalogue with metrics on, readable at
// /metrics with testMetricsToken.
func newMetricsAPI(t *testing.T) (*api, *telemetry.Metrics) {
	t.Helper()
	m := telemetry.NewMetrics()
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Metrics: m, MetricsToken: testMetricsToken})
	if err := m.WatchDB(a.db, nil); err != nil {
		t.Fatal(err)
	}
	return a, m
}

// scrape reads /metrics through the handler, as Prometheus would.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("parse the scrape: %v\n%s", err, rec.Body)
	}
	return mfs
}

// value is the sample of family name whose labels include want (counter,
// gauge, or a histogram's count); ok false when there is none.
func value(mfs map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
next:
	for _, m := range mf.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func mustValue(t *testing.T, mfs map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	v, ok := value(mfs, name, want)
	if !ok {
		var have []string
		if mf := mfs[name]; mf != nil {
			for _, m := range mf.Metric {
				have = append(have, m.String())
			}
		}
		t.Fatalf("no %s%v in the scrape; it has:\n%s", name, want, strings.Join(have, "\n"))
	}
	return v
}

// After a few queries the scrape counts them by operation name, type and
// outcome, times them, counts HTTP requests by route and status, and
// carries the pool, the audit chain and the Go runtime.
func TestMetricsCountOperations(t *testing.T) {
	a, _ := newMetricsAPI(t)
	auth := a.as(authority)
	var out struct{}
	for range 3 {
		auth.query(`query ResourceList { resources(first: 2) { totalCount } }`, nil, &out)
	}
	auth.query(`{ departments(first: 1) { totalCount } }`, nil, &out)
	auth.queryErr(`query Missing { resource(code: "no-such-code") { name } }`, nil, "NOT_FOUND")
	if r := auth.do(`{ resources(first: `, nil); len(r.Errors) == 0 {
		t.Fatal("a parse error went through")
	}
	auth.queryErr(`query TooBig { resources(first: 1000) { totalCount } }`, nil, "BAD_USER_INPUT")
	// An audited change moves the chain's head.
	auth.query(`mutation SetPolicy { setRegionPolicy(regionCode: "441403", profile: "nanyang") { name } }`, nil, &out)
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/no-such-page", nil))

	mfs := scrape(t, a.handler)
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"operation": "ResourceList", "type": "query", "outcome": "ok"}, 3},
		{map[string]string{"operation": "anonymous", "type": "query", "outcome": "ok"}, 1},
		{map[string]string{"operation": "Missing", "type": "query", "outcome": "NOT_FOUND"}, 1},
		{map[string]string{"operation": "none", "type": "unknown", "outcome": "GRAPHQL_PARSE_FAILED"}, 1},
		{map[string]string{"operation": "TooBig", "type": "query", "outcome": "BAD_USER_INPUT"}, 1},
		{map[string]string{"operation": "SetPolicy", "type": "mutation", "outcome": "ok"}, 1},
	} {
		if got := mustValue(t, mfs, "catalogue_graphql_requests_total", c.labels); got != c.want {
			t.Errorf("catalogue_graphql_requests_total%v = %v, want %v", c.labels, got, c.want)
		}
	}
	if got := mustValue(t, mfs, "catalogue_graphql_request_duration_seconds", map[string]string{"operation": "ResourceList", "type": "query"}); got != 3 {
		t.Errorf("ResourceList latency observations = %v, want 3", got)
	}
	// 8 GraphQL requests; a parse error is 200 under application/json.
	if got := mustValue(t, mfs, "catalogue_http_requests_total", map[string]string{"route": "/graphql", "code": "200"}); got != 8 {
		t.Errorf("POST /graphql 200 = %v, want 8", got)
	}
	if got := mustValue(t, mfs, "catalogue_http_requests_total", map[string]string{"route": "unmatched", "code": "404"}); got != 1 {
		t.Errorf("unmatched 404 = %v, want 1", got)
	}
	if got := mustValue(t, mfs, "catalogue_db_pool_acquires_total", nil); got < 1 {
		t.Errorf("pool acquires = %v, want some", got)
	}
	if got := mustValue(t, mfs, "catalogue_db_pool_max_conns", nil); got < 1 {
		t.Errorf("pool max conns = %v", got)
	}
	for _, name := range []string{"catalogue_db_pool_idle_conns", "catalogue_db_pool_total_conns", "catalogue_db_pool_acquired_conns",
		"catalogue_db_pool_empty_acquires_total", "catalogue_db_pool_empty_acquire_wait_seconds_total", "catalogue_db_pool_acquire_duration_seconds_total",
		"go_goroutines", "process_resident_memory_bytes", "catalogue_graphql_active_subscriptions"} {
		mustValue(t, mfs, name, nil)
	}

	// The audit gauges agree with the log itself.
	conn, err := pgx.Connect(context.Background(), a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var head, events float64
	if err := conn.QueryRow(context.Background(), `SELECT (SELECT last_id FROM audit_chain), (SELECT count(*) FROM audit_events)`).Scan(&head, &events); err != nil {
		t.Fatal(err)
	}
	if events < 1 {
		t.Fatal("the mutation wrote no audit event")
	}
	if got := mustValue(t, mfs, "catalogue_audit_chain_head", nil); got != head {
		t.Errorf("audit chain head = %v, want %v", got, head)
	}
	if got := mustValue(t, mfs, "catalogue_audit_chain_events", nil); got != events {
		t.Errorf("audit chain events = %v, want %v (rows of audit_events)", got, events)
	}
}

// Operation names are the client's: past the cap they count as "other".
func TestMetricsBoundOperationNames(t *testing.T) {
	a, _ := newMetricsAPI(t)
	auth := a.as(authority)
	var out struct{}
	for i := range telemetry.MaxOperationNames + 5 {
		auth.query(fmt.Sprintf("query Op%d { __typename }", i), nil, &out)
	}
	long := strings.Repeat("L", 300)
	auth.query(`query `+long+` { __typename }`, nil, &out)
	mf := scrape(t, a.handler)["catalogue_graphql_requests_total"]
	names := map[string]bool{}
	for _, m := range mf.Metric {
		for _, l := range m.Label {
			if l.GetName() == "operation" {
				names[l.GetValue()] = true
			}
		}
	}
	if len(names) > telemetry.MaxOperationNames+1 {
		t.Errorf("%d operation labels, want at most %d and other", len(names), telemetry.MaxOperationNames)
	}
	if got := mustValue(t, scrape(t, a.handler), "catalogue_graphql_requests_total", map[string]string{"operation": "other"}); got != 6 {
		t.Errorf("other = %v, want 6 (5 past the cap and the long one)", got)
	}
	for n := range names {
		if len(n) > 64 {
			t.Errorf("operation label of %d characters", len(n))
		}
	}
}

// /metrics is not public on the main listener: without the token it is
// 401, with a wrong one too, and without a configured token it does not
// exist there at all.
func TestMetricsNotPublic(t *testing.T) {
	a, _ := newMetricsAPI(t)
	for name, header := range map[string]string{
		"no token":    "",
		"wrong token": "Bearer not-the-token-at-all-0123456789abcdef",
		"a user's":    "Bearer " + a.as(authority).token,
		"not bearer":  "Basic " + testMetricsToken,
	} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "catalogue_") {
			t.Errorf("%s: GET /metrics = %d %s, want 401 and no metrics", name, rec.Code, rec.Body)
		}
	}

	// Metrics on, but no token: the main listener has no /metrics.
	b := newAPIWith(t, storetest.Options{}, server.Config{Metrics: telemetry.NewMetrics()})
	for _, header := range []string{"", "Bearer " + testMetricsToken} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		rec := httptest.NewRecorder()
		b.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("no metrics token configured: GET /metrics (%q) = %d, want 404", header, rec.Code)
		}
	}
}

// A running subscription is counted while it runs, and no longer once the
// client stops it or goes away.
func TestMetricsActiveSubscriptions(t *testing.T) {
	a, _ := newMetricsAPI(t)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	active := func() float64 {
		return mustValue(t, scrape(t, a.handler), "catalogue_graphql_active_subscriptions", nil)
	}
	const sub = `subscription Watch { requestUpdated { id status } }`
	one := connect(t, srv, gaj)
	one.subscribe("1", sub)
	two := connect(t, srv, gaj)
	two.subscribe("1", sub)
	waitFor(t, func() bool { return active() == 2 })
	one.send(wsMessage{ID: "1", Type: "complete"})
	waitFor(t, func() bool { return active() == 1 })
	two.conn.CloseNow()
	waitFor(t, func() bool { return active() == 0 })
	// Each is counted once it ends, and its upgrade once its handler returns.
	count := func(name string, labels map[string]string) func() bool {
		return func() bool { v, _ := value(scrape(t, a.handler), name, labels); return v == 2 }
	}
	waitFor(t, count("catalogue_graphql_requests_total", map[string]string{"operation": "Watch", "type": "subscription", "outcome": "ok"}))
	one.conn.CloseNow() // its connection outlived its subscription
	waitFor(t, count("catalogue_http_requests_total", map[string]string{"route": "/graphql", "code": "101"}))
}
