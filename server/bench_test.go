package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
	"github.com/citydata/catalogue/telemetry"
)

// BenchmarkResourceList measures the README's list query: a 50-row page of
// resources with source departments, data items and theme databases,
// through the whole HTTP handler against PostgreSQL, with metrics on and
// tracing off (how the service runs with CATALOGUE_METRICS_ADDR set).
func BenchmarkResourceList(b *testing.B) {
	benchmarkResourceList(b, server.Config{Metrics: telemetry.NewMetrics()})
}

// BenchmarkResourceListBare is the same without metrics: the difference is
// what measuring costs.
func BenchmarkResourceListBare(b *testing.B) {
	benchmarkResourceList(b, server.Config{})
}

func benchmarkResourceList(b *testing.B, cfg server.Config) {
	a := newAPIWith(b, storetest.Options{Demo: true}, cfg).as(authority)
	run := benchRequest(b, a, `{ resources(first: 50) { totalCount edges { cursor node {
	  id code name shareType openType sourceDepartment { id name } dataItems { name dataType } themeDatabases { code } } } } }`)
	run()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			run()
		}
	})
}

// BenchmarkDashboardList is tools/bench's list query: a 50-row page of
// published resources with the source department's name, as the data
// authority and as the public.
func BenchmarkDashboardList(b *testing.B) {
	a := newAPI(b, storetest.Options{})
	for _, v := range []struct {
		name string
		api  *api
	}{{"AUTHORITY", a.as(authority)}, {"PUBLIC", a.public()}} {
		b.Run(v.name, func(b *testing.B) {
			run := benchRequest(b, v.api,
				`{ resources(first: 50, filter: {status: PUBLISHED}) { nodes { id code name shareType openType sourceDepartment { name } } } }`)
			run()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				run()
			}
		})
	}
}

// benchRequest returns a function posting query as a's viewer through the
// whole handler, failing the benchmark on any error.
func benchRequest(b *testing.B, a *api, query string) func() {
	body, _ := json.Marshal(map[string]any{"query": query})
	return func() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if a.token != "" {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}
