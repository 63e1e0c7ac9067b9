package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
// loopback or cluster-internal address, without authentication), and
// returns the function that stops it.
func serveMetrics(log *slog.Logger, addr string, m *telemetry.Metrics) (func(context.Context) error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w (choose another with CATALOGUE_METRICS_ADDR)", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return srv.Shutdown, nil
}
