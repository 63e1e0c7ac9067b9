package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/citydata/catalogue/store/storetest"
)

var metricsLine = regexp.MustCompile(`msg="serving metrics" url=(http://[0-9.:]+/metrics)`)

// collector is an OTLP/HTTP trace receiver on loopback that keeps the
// names of the spans it is sent.
type collector struct {
	mu    sync.Mutex
	names []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
		http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				c.names = append(c.names, s.Name)
			}
		}
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	b, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	_, _ = w.Write(b)
}

// The binary serves metrics (and Go's profiles) on CATALOGUE_METRICS_ADDR
// without a token and metrics on the main address only with
// CATALOGUE_METRICS_TOKEN, and sends its
// spans to OTEL_EXPORTER_OTLP_ENDPOINT, flushing them when it stops.
func TestServeMetricsAndTracing(t *testing.T) {
	bin := buildBinary(t)
	dbURL := storetest.NewDatabase(t, false)
	col := &collector{}
	otlp := httptest.NewServer(col)
	t.Cleanup(otlp.Close)
	const token = "cmd-test-metrics-token-0123456789"
	url, cmd, log := startServe(t, bin, []string{"DATABASE_URL=" + dbURL,
		"CATALOGUE_METRICS_ADDR=127.0.0.1:0", "CATALOGUE_METRICS_TOKEN=" + token,
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + otlp.URL, "OTEL_SERVICE_NAME=catalogue-test"}, "--demo")
	m := metricsLine.FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no metrics listener in the log:\n%s", log)
	}
	post(t, url, `query Count { resources { totalCount } }`)

	get := func(u, auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	want := `catalogue_graphql_requests_total{operation="Count",outcome="ok",type="query"} 1`
	if code, body := get(m[1], ""); code != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, "catalogue_db_pool_total_conns") {
		t.Errorf("metrics listener: %d, want 200 with %s:\n%.2000s", code, want, body)
	}
	// Go's profiles are on the internal listener only.
	internal := strings.TrimSuffix(m[1], "/metrics")
	if code, body := get(internal+"/debug/pprof/heap?debug=1", ""); code != http.StatusOK || !strings.Contains(body, "heap profile") {
		t.Errorf("metrics listener /debug/pprof/heap: %d, want 200 with a heap profile:\n%.300s", code, body)
	}
	if code, body := get(internal+"/debug/pprof/profile?seconds=1", ""); code != http.StatusOK || len(body) == 0 {
		t.Errorf("metrics listener /debug/pprof/profile: %d, want 200 with a CPU profile", code)
	}
	if code, _ := get(url+"/debug/pprof/heap?debug=1", "Bearer "+token); code == http.StatusOK {
		t.Errorf("main address /debug/pprof/heap: 200, want it not served")
	}
	if code, _ := get(url+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("main address /metrics without the token: %d, want 401", code)
	}
	if code, body := get(url+"/metrics", "Bearer "+token); code != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("main address /metrics with the token: %d", code)
	}
	stop(t, cmd, log)

	col.mu.Lock()
	defer col.mu.Unlock()
	for _, name := range []string{"POST /graphql", "query Count", "SELECT"} {
		if !slices.Contains(col.names, name) {
			t.Errorf("the collector got no %q span; it got %v\n%s", name, col.names, log)
		}
	}
}
