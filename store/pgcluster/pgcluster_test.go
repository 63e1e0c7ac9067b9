package pgcluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// tempDir is a directory the cluster's user can enter. As root the
// cluster runs as another user, and t.TempDir's parent is the test
// binary's own, mode 0700: Start would keep the cluster in /var/tmp
// instead, where nothing removes it.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func query(t *testing.T, url, sql string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(ctx)
	var s string
	if strings.HasPrefix(sql, "CREATE") {
		_, err = conn.Exec(ctx, sql)
	} else {
		err = conn.QueryRow(ctx, sql).Scan(&s)
	}
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// The cluster starts, keeps what was written across a restart, refuses a
// second server on the same directory, and stops cleanly more than once.
func TestStartStopRestart(t *testing.T) {
	dir := filepath.Join(tempDir(t), "pg")
	ctx := context.Background()
	var log strings.Builder
	c, err := Start(ctx, Options{DataDir: dir, Log: &log, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "initialising") {
		t.Errorf("log does not say the cluster was initialised:\n%s", log.String())
	}
	if c.Dir() != dir {
		t.Errorf("the cluster is in %s, not in %s", c.Dir(), dir)
	}
	if got := query(t, c.URL("postgres"), "SELECT current_user"); got != "postgres" {
		t.Errorf("current_user = %q, want postgres", got)
	}
	if got := query(t, c.URL("postgres"), "SHOW server_encoding"); got != "UTF8" {
		t.Errorf("server_encoding = %q, want UTF8", got)
	}
	if got := query(t, c.URL("postgres"), "SHOW listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", got)
	}
	query(t, c.URL("postgres"), "CREATE DATABASE kept")

	// A second server on the same directory is refused with the pid.
	if _, err := Start(ctx, Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "in use by another PostgreSQL server") {
		t.Errorf("second Start on the same directory: err = %v, want 'in use by another PostgreSQL server'", err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir(), "data", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid still there after Stop (err %v): the server did not shut down", err)
	}

	log.Reset()
	c2, err := Start(ctx, Options{DataDir: dir, Log: &log, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Stop()
	if strings.Contains(log.String(), "initialising") {
		t.Errorf("restart initialised the cluster again:\n%s", log.String())
	}
	if got := query(t, c2.URL("postgres"), "SELECT datname::text FROM pg_database WHERE datname = 'kept'"); got != "kept" {
		t.Errorf("database created before the restart is gone")
	}
}

func TestMissingBinaries(t *testing.T) {
	t.Setenv("CATALOGUE_PG_BIN", t.TempDir())
	_, err := Start(context.Background(), Options{DataDir: filepath.Join(t.TempDir(), "pg")})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{"CATALOGUE_PG_BIN", "apt-get install postgresql", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestVersionOf(t *testing.T) {
	for path, want := range map[string]int{
		"/usr/lib/postgresql/15/bin":          15,
		"/usr/pgsql-16/bin":                   16,
		"/opt/homebrew/opt/postgresql@17/bin": 17,
		"/usr/local/pgsql/bin":                0,
	} {
		if got := versionOf(path); got != want {
			t.Errorf("versionOf(%q) = %d, want %d", path, got, want)
		}
	}
}
