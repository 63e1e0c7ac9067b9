// Package storetest gives tests a real PostgreSQL database of their own.
//
// The server is TEST_DATABASE_URL when set, else a private cluster started
// from the machine's PostgreSQL binaries for the test binary's lifetime.
// Each package migrates a template database once (and a second template
// with the demo catalogue loaded); each test gets a fresh copy made with
// CREATE DATABASE ... TEMPLATE, which is fast and isolated.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/demo"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/pgcluster"
)

var (
	serverURL string // admin URL of the server (database "postgres")
	prefix    string // names this process's databases
	cluster   *pgcluster.Cluster

	templateOnce sync.Once
	templateErr  error
	// createMu serialises CREATE DATABASE ... TEMPLATE: PostgreSQL refuses
	// to copy a template while another session copies it.
	createMu sync.Mutex
)

const (
	plainTemplate = "tmpl"
	demoTemplate  = "demo"
)

// Main runs the package's tests with a database server and cleans up after.
// Call it from TestMain: func TestMain(m *testing.M) { storetest.Main(m) }.
func Main(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintf(os.Stderr, "storetest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix = "cattest_" + hex.EncodeToString(b[:]) + "_"

	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		serverURL = u
	} else {
		dir, err := os.MkdirTemp("", "catalogue-test-pg-")
		if err != nil {
			return 1, err
		}
		defer os.RemoveAll(dir)
		// The cluster runs as an unprivileged user when we are root; it
		// must be able to enter the directory.
		_ = os.Chmod(dir, 0o755)
		cluster, err = pgcluster.Start(ctx, pgcluster.Options{DataDir: dir + "/pg", Fast: true})
		if err != nil {
			return 1, fmt.Errorf("%w\n(tests need PostgreSQL: set TEST_DATABASE_URL to a server where this user may create databases, or install the PostgreSQL server binaries)", err)
		}
		defer cluster.Stop()
		serverURL = cluster.URL("postgres")
	}
	if conn, err := pgx.Connect(ctx, serverURL); err != nil {
		return 1, fmt.Errorf("cannot reach the test database server: %w (set TEST_DATABASE_URL to a reachable PostgreSQL, or unset it to use a private cluster)", err)
	} else {
		conn.Close(ctx)
	}
	code := m.Run()
	dropAll(context.Background())
	return code, nil
}

// urlFor returns the URL of database name on the test server.
func urlFor(name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func makeTemplates() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, name := range []string{plainTemplate, demoTemplate} {
		full := prefix + name
		if err := adminExec(ctx, "CREATE DATABASE "+pgx.Identifier{full}.Sanitize()); err != nil {
			return fmt.Errorf("create template database: %w", err)
		}
		db, err := store.Open(ctx, store.Config{URL: urlFor(full)})
		if err != nil {
			return err
		}
		err = db.Migrate(ctx, nil)
		if err == nil && name == demoTemplate {
			err = demo.Load(ctx, db)
		}
		db.Close()
		if err != nil {
			return fmt.Errorf("prepare template %s: %w", name, err)
		}
	}
	return nil
}

// Options change how NewDB opens the database.
type Options struct {
	// Demo: start from the demo catalogue instead of an empty one.
	Demo bool
	// Tracer sees every statement of the returned DB.
	Tracer pgx.QueryTracer
}

// NewDB returns a fresh migrated database for t, dropped when t ends.
func NewDB(t testing.TB, opts Options) *store.DB {
	t.Helper()
	db, _ := NewDBWithURL(t, opts)
	return db
}

// NewDBWithURL is NewDB that also returns the database's URL, for tests
// that write rows the API cannot (a past year's history).
func NewDBWithURL(t testing.TB, opts Options) (*store.DB, string) {
	t.Helper()
	url := NewDatabase(t, opts.Demo)
	db, err := store.Open(context.Background(), store.Config{URL: url, Tracer: opts.Tracer})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db, url
}

// NewDatabase creates a fresh migrated database for t and returns its URL;
// it is dropped when t ends.
func NewDatabase(t testing.TB, withDemo bool) string {
	t.Helper()
	if serverURL == "" {
		t.Fatal("storetest: no database server; call storetest.Main from TestMain")
	}
	templateOnce.Do(func() { templateErr = makeTemplates() })
	if templateErr != nil {
		t.Fatalf("storetest: %v", templateErr)
	}
	tmpl := prefix + plainTemplate
	if withDemo {
		tmpl = prefix + demoTemplate
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	ctx := context.Background()
	createMu.Lock()
	err := adminExec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize())
	createMu.Unlock()
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return urlFor(name)
}

// dropAll drops this process's databases, templates included.
func dropAll(ctx context.Context) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
	}
}
