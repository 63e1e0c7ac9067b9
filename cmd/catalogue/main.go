// Command catalogue serves the city public data catalogue as a GraphQL
// subgraph.
//
//	catalogue serve   [--addr HOST:PORT] [--data-dir DIR] [--demo] [--dev] [--policy PROFILE] [--shutdown-grace DURATION]
//	catalogue migrate [--data-dir DIR]
//	catalogue token   --role ROLE [--department CREDIT_CODE] [--subject ID] [--sub NAME] [--ttl DURATION] [--data-dir DIR]
//	catalogue audit   verify | purge --before YYYY-MM-DD [--data-dir DIR]
//
// With DATABASE_URL unset, it starts a private PostgreSQL cluster from the
// machine's PostgreSQL binaries in the data directory and stops it on exit.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/demo"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/telemetry"
)

const usage = `catalogue: the city public data catalogue (GraphQL)

Usage:
  catalogue serve   [--addr HOST:PORT] [--data-dir DIR] [--demo] [--dev] [--policy PROFILE] [--shutdown-grace DURATION]
  catalogue migrate [--data-dir DIR]
  catalogue token   --role ROLE [--department CREDIT_CODE] [--subject ID] [--sub NAME] [--ttl DURATION] [--data-dir DIR]
  catalogue audit   verify | purge --before YYYY-MM-DD [--data-dir DIR]
                    check the audit log's hash chain (exit 1 when broken), or drop
                    whole months older than the six months NY 33 keeps

Environment:
  DATABASE_URL              PostgreSQL to use; unset: a private cluster in the data directory
  CATALOGUE_ADDR            address to listen on (default 127.0.0.1:8080)
  CATALOGUE_DATA_DIR        data directory (default .data)
  CATALOGUE_PG_BIN          directory of the PostgreSQL server binaries for the private cluster
  CATALOGUE_JWT_SECRET      HS256 secret for bearer tokens (at least 32 bytes);
                            unset: a development secret kept in the data directory
  CATALOGUE_JWKS_URL        an identity provider's JWKS: tokens are then verified with its keys
  CATALOGUE_GATEWAY_SECRET  a federation gateway sending it in X-Catalogue-Gateway-Secret may introspect
  CATALOGUE_DEV             1: development mode, as --dev (introspection and field suggestions for all)
  CATALOGUE_SUBJECT_KEY     at least 32 bytes keying the hash data subjects are recorded as
                            (default: a key generated once in the data directory, subject-key)
  CATALOGUE_ALLOWED_ORIGINS comma-separated host patterns of other sites' pages that may open the
                            subscription websocket, e.g. dashboard.example.gov.cn
  CATALOGUE_POLICY          the deadlines' policy profile, as --policy: meizhou, qingyang, nanyang,
                            wenzhou, jiangmen or default (the default)
  CATALOGUE_PUBLIC_URL      the service's public absolute URL, e.g. https://data.example.gov.cn:
                            the DCAT-AP export's IRIs start with it (default: each request's Host)
  CATALOGUE_PUBLISHER       who publishes the open catalogue, named in the DCAT-AP export
                            (default 公共数据主管部门)
  CATALOGUE_SHUTDOWN_GRACE  how long requests in flight may finish after SIGTERM/SIGINT, as
                            --shutdown-grace (default 10s)
  CATALOGUE_LOG_FORMAT      text (the default) or json (one JSON object a line)
  CATALOGUE_LOG_LEVEL       debug, info (the default), warn or error
  CATALOGUE_METRICS_ADDR    serve Prometheus metrics at /metrics on this address of their own, without
                            authentication (e.g. 127.0.0.1:9090); unset: no metrics listener
  CATALOGUE_METRICS_TOKEN   serve /metrics on the main address too, to "Authorization: Bearer <token>"
                            (at least 16 bytes); unset: the main address has no /metrics
  GOGC                      Go's garbage collector target; serve uses 300 when it is unset (Go's
                            own default is 100), and GOMEMLIMIT caps the heap as usual
  OTEL_EXPORTER_OTLP_ENDPOINT  tracing on: export spans over OTLP/HTTP there (e.g. http://127.0.0.1:4318);
                            OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and the
                            other OTEL_EXPORTER_OTLP_* variables apply; unset: no tracing
`

func main() {
	log, err := newLogger(os.Stderr, os.Getenv("CATALOGUE_LOG_FORMAT"), os.Getenv("CATALOGUE_LOG_LEVEL"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "catalogue: %v\n", err)
		os.Exit(2)
	}
	// Code that logs through the default logger (the store's notification
	// listener) writes as configured too.
	slog.SetDefault(log)
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, log, os.Args[2:])
	case "migrate":
		err = migrate(ctx, log, os.Args[2:])
	case "token":
		os.Exit(runToken(os.Args[2:], os.Stdout, os.Stderr))
	case "audit":
		err = runAudit(ctx, log, os.Args[2:], os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "catalogue: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "catalogue: %v\n", err)
		os.Exit(1)
	}
}

// newLogger is the log on w: CATALOGUE_LOG_FORMAT text (the default) or
// json (one JSON object a line, slog's JSONHandler), at
// CATALOGUE_LOG_LEVEL debug, info (the default), warn or error. Each
// record logged with a request's context carries its request_id.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if level != "" {
		if err := lv.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("CATALOGUE_LOG_LEVEL=%q: use debug, info, warn or error", level)
		}
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	switch strings.ToLower(format) {
	case "", "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("CATALOGUE_LOG_FORMAT=%q: use text or json", format)
	}
	return slog.New(server.LogHandler(h)), nil
}

// splitList reads a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// publicURLFromEnv reads CATALOGUE_PUBLIC_URL: an absolute http(s) URL
// with no query or fragment, or unset.
func publicURLFromEnv() (string, error) {
	s := strings.TrimSpace(os.Getenv("CATALOGUE_PUBLIC_URL"))
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("CATALOGUE_PUBLIC_URL must be an absolute http or https URL such as https://data.example.gov.cn, not %q", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// serveGOGC is the garbage collector's target while serving, unless GOGC
// says otherwise. A list request allocates about 0.3 MB against a live heap
// of a few MB, so at Go's default of 100 a collection ran every few
// requests: at 400 the list's benchmark took 40% less time. At 300 the
// peak RSS stays within 60 MB at 20 clients (issue #20, README
// "Performance").
const serveGOGC = 300

// tuneGC sets serveGOGC when GOGC is unset, and returns the target in
// force, as GOGC spells it.
func tuneGC() string {
	if v, set := os.LookupEnv("GOGC"); set {
		return v
	}
	debug.SetGCPercent(serveGOGC)
	return strconv.Itoa(serveGOGC)
}

func serve(ctx context.Context, log *slog.Logger, args []string) error {
	log.DebugContext(ctx, "garbage collector", "gogc", tuneGC())
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", envOr("CATALOGUE_ADDR", "127.0.0.1:8080"), "address to listen on")
	dataDir := fs.String("data-dir", envOr("CATALOGUE_DATA_DIR", ".data"), "data directory for the private PostgreSQL cluster")
	loadDemo := fs.Bool("demo", false, "load the demo catalogue into an empty database")
	dev := fs.Bool("dev", os.Getenv("CATALOGUE_DEV") == "1", "development mode: introspection for everyone, field suggestions in errors")
	policyName := fs.String("policy", envOr("CATALOGUE_POLICY", "default"), "policy profile: "+strings.Join(domain.ProfileNames(), ", "))
	graceText := fs.String("shutdown-grace", envOr("CATALOGUE_SHUTDOWN_GRACE", "10s"), "how long requests in flight may finish after SIGTERM/SIGINT")
	_ = fs.Parse(args)
	grace, err := time.ParseDuration(*graceText)
	if err != nil || grace < 0 {
		return fmt.Errorf("--shutdown-grace / CATALOGUE_SHUTDOWN_GRACE=%q: give a duration such as 10s or 1m", *graceText)
	}

	policy, err := domain.LookupProfile(*policyName)
	if err != nil {
		return fmt.Errorf("--policy / CATALOGUE_POLICY: %s", domain.ErrorMessage(err))
	}

	publicURL, err := publicURLFromEnv()
	if err != nil {
		return err
	}
	verifier, err := verifierFromEnv(ctx, log, *dataDir)
	if err != nil {
		return err
	}
	log.Info("policy profile", "name", policy.Name, "regulation", policy.Regulation)
	subjectKey, err := subjectKeyFromEnv(log, *dataDir)
	if err != nil {
		return err
	}

	metricsCfg, err := metricsFromEnv()
	if err != nil {
		return err
	}
	tp, stopTracing, err := telemetry.TracingFromEnv(ctx, log)
	if err != nil {
		return err
	}
	defer func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(c); err != nil {
			log.Warn("flush the last spans", "err", err)
		}
	}()
	var sqlTracer pgx.QueryTracer
	if tp != nil {
		sqlTracer = telemetry.PGXTracer(tp)
	}

	db, closeDB, err := openDatabaseTraced(ctx, log, *dataDir, sqlTracer)
	if err != nil {
		return err
	}
	defer closeDB()
	var metrics *telemetry.Metrics
	if metricsCfg.on() {
		metrics = telemetry.NewMetrics()
		if err := metrics.WatchDB(db, log); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	if metricsCfg.addr != "" {
		stopMetrics, err := serveMetrics(log, metricsCfg.addr, metrics)
		if err != nil {
			return err
		}
		defer func() {
			c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = stopMetrics(c)
		}()
	}
	if *loadDemo {
		if err := demoIfEmpty(ctx, log, db); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another with --addr or CATALOGUE_ADDR)", *addr, err)
	}
	// Requests run in contexts of their own, not the signal's: SIGTERM
	// lets them finish; only when the grace ends are they canceled.
	requests, cutRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cutRequests()
	drain := server.NewDrain()
	srv := &http.Server{
		Handler: server.New(server.Config{
			Catalogue: db, Verifier: verifier, Log: log, Dev: *dev,
			GatewaySecret: os.Getenv("CATALOGUE_GATEWAY_SECRET"), Policy: policy, SubjectKey: subjectKey,
			AllowedOrigins: splitList(os.Getenv("CATALOGUE_ALLOWED_ORIGINS")), Drain: drain,
			PublicURL: publicURL, Publisher: strings.TrimSpace(os.Getenv("CATALOGUE_PUBLISHER")),
			Metrics: metrics, MetricsToken: metricsCfg.token, TracerProvider: tp,
		}),
		BaseContext:       func(net.Listener) context.Context { return requests },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if *dev {
		log.Warn("development mode: introspection is open to every viewer and errors suggest field names; do not use it in production")
	}
	log.Info("serving", "graphiql", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/graphql")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return shutdown(log, srv, drain, grace, cutRequests)
}

// shutdown stops taking connections, closes the subscription websockets
// (a close frame each), and lets the requests in flight finish for at
// most grace; then it cuts what is left (canceling its statements, so the
// pool can close). The deferred closeDB of serve then closes the pool
// and stops the private cluster. A cut is logged, not an error: the
// shutdown asked for is done.
func shutdown(log *slog.Logger, srv *http.Server, drain *server.Drain, grace time.Duration, cutRequests context.CancelFunc) error {
	log.Info("shutting down: finishing requests in flight", "grace", grace)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	srv.RegisterOnShutdown(drain.Begin)
	err := srv.Shutdown(ctx)
	if err == nil {
		err = drain.Wait(ctx)
	}
	if err != nil {
		log.Warn("shutdown grace over: cutting the requests and websockets still open", "grace", grace)
		cutRequests()
		_ = srv.Close()
		return nil
	}
	log.Info("requests finished", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func migrate(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ExitOnError)
	dataDir := fs.String("data-dir", envOr("CATALOGUE_DATA_DIR", ".data"), "data directory for the private PostgreSQL cluster")
	_ = fs.Parse(args)
	_, closeDB, err := openDatabase(ctx, log, *dataDir)
	if err != nil {
		return err
	}
	closeDB()
	log.Info("database is up to date")
	return nil
}

func demoIfEmpty(ctx context.Context, log *slog.Logger, db *store.DB) error {
	empty, err := db.Empty(ctx)
	if err != nil {
		return fmt.Errorf("check for an empty catalogue: %w", err)
	}
	if !empty {
		log.Info("database already holds a catalogue; demo not loaded")
		return nil
	}
	start := time.Now()
	if err := demo.Load(ctx, db); err != nil {
		return fmt.Errorf("load demo catalogue: %w", err)
	}
	// Two years of requests, grants, disputes, duties and audit events, so
	// that dashboards and compliance reports have something to show.
	if err := db.GenerateHistory(ctx, store.DemoHistory(store.LastMonthEnd(time.Now())), nil); err != nil {
		return fmt.Errorf("load demo history: %w", err)
	}
	log.Info("loaded demo catalogue", "departments", len(demo.Catalogue.Departments),
		"resources", len(demo.Catalogue.Resources), "theme_databases", len(demo.Catalogue.Themes), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
