package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/citydata/catalogue/telemetry"
)

// minMetricsToken is the shortest CATALOGUE_METRICS_TOKEN accepted.
const minMetricsToken = 16

// metricsConfig is CATALOGUE_METRICS_ADDR and CATALOGUE_METRICS_TOKEN.
type metricsConfig struct {
	addr, token string
}

func metricsFromEnv() (metricsConfig, error) {
	c := metricsConfig{addr: os.Getenv("CATALOGUE_METRICS_ADDR"), token: os.Getenv("CATALOGUE_METRICS_TOKEN")}
	if c.token != "" && len(c.token) < minMetricsToken {
		return c, fmt.Errorf("CATALOGUE_METRICS_TOKEN has %d bytes; use at least %d random ones (e.g. openssl rand -hex 32)", len(c.token), minMetricsToken)
	}
	return c, nil
}

// on reports whether metrics are served anywhere; off, none are kept.
func (c metricsConfig) on() bool { return c.addr != "" || c.token != "" }

// serveMetrics serves m at /metrics on a listener of its own (meant for a
// loopback or cluster-internal address, without authentication), with Go's
// profiles at /debug/pprof/ (CPU, heap, goroutines: what an operator
// needs to see where a slow server spends its time), and returns the
// function that stops it.
func serveMetrics(log *slog.Logger, addr string, m *telemetry.Metrics) (func(context.Context) error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w (choose another with CATALOGUE_METRICS_ADDR)", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	// A CPU profile or trace takes ?seconds=N (30 at most) to write.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 40 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return srv.Shutdown, nil
}
