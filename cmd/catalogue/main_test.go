package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// buildBinary builds the real command once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "catalogue")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var addrLine = regexp.MustCompile(`graphql=http://([0-9.:]+)/graphql`)

// serveLog collects the server's stderr. A goroutine writes it while the
// test reads it, so every access holds the lock; done closes at EOF.
type serveLog struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func (l *serveLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.WriteString(line + "\n")
}

func (l *serveLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startServe runs `catalogue serve` and returns its GraphQL URL once it
// listens, the command, and its collected log.
func startServe(t *testing.T, bin string, env []string, args ...string) (string, *exec.Cmd, *serveLog) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir() // the default data directory is relative: keep it out of the source tree
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	log := &serveLog{done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		defer close(log.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			log.add(line)
			if m := addrLine.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case addr, ok := <-found:
		if !ok {
			t.Fatalf("serve exited before listening:\n%s", log)
		}
		return "http://" + addr, cmd, log
	case <-time.After(90 * time.Second):
		t.Fatalf("serve did not start in time:\n%s", log)
	}
	return "", nil, nil
}

func post(t *testing.T, url, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil || out["errors"] != nil {
		t.Fatalf("query failed (%d): %s", resp.StatusCode, raw)
	}
	return out
}

// stop sends SIGTERM and wants a clean exit.
// It reads the log to its end before Wait, which closes the pipe.
func stop(t *testing.T, cmd *exec.Cmd, log *serveLog) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-log.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not close its log after SIGTERM:\n%s", log)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, log)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not stop after SIGTERM:\n%s", log)
	}
}

const twentyResources = `{ resources(first: 20) { totalCount nodes { code sourceDepartment { name } dataItems { name } themeDatabases { name } } } }`

func TestServeWithDatabaseURL(t *testing.T) {
	bin := buildBinary(t)
	dbURL := storetest.NewDatabase(t, false)
	url, cmd, log := startServe(t, bin, []string{"DATABASE_URL=" + dbURL}, "--demo")
	out := post(t, url, twentyResources)
	nodes := out["data"].(map[string]any)["resources"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 20 {
		t.Errorf("got %d resources, want 20", len(nodes))
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(url + path)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %v %v", path, err, resp)
		}
	}
	stop(t, cmd, log)
	if !strings.Contains(log.String(), "loaded demo catalogue") {
		t.Errorf("log does not say the demo was loaded:\n%s", log)
	}

	// A second start finds the catalogue and leaves it alone.
	url, cmd, log = startServe(t, bin, []string{"DATABASE_URL=" + dbURL}, "--demo")
	post(t, url, `{ departments(first: 1) { totalCount } }`)
	stop(t, cmd, log)
	if !strings.Contains(log.String(), "demo not loaded") {
		t.Errorf("second start reloaded the demo:\n%s", log)
	}
}

// TestServePrivateCluster is `make run` on a machine without DATABASE_URL:
// the binary starts its own PostgreSQL in the data directory, and stops it.
func TestServePrivateCluster(t *testing.T) {
	bin := buildBinary(t)
	dir, err := os.MkdirTemp("", "catalogue-run-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	_ = os.Chmod(dir, 0o755)
	env := []string{"DATABASE_URL=", "CATALOGUE_DATA_DIR=" + dir}
	url, cmd, log := startServe(t, bin, env, "--demo")
	out := post(t, url, twentyResources)
	if n := len(out["data"].(map[string]any)["resources"].(map[string]any)["nodes"].([]any)); n != 20 {
		t.Errorf("got %d resources, want 20", n)
	}
	stop(t, cmd, log)
	if !strings.Contains(log.String(), "stopped the private PostgreSQL cluster") {
		t.Errorf("log does not say the cluster stopped:\n%s", log)
	}
	// (The cluster's files are in <dir>/postgres/data, not where this
	// test used to look; TestShutdownDrainsRequestsAndStopsTheCluster
	// also checks that the postmaster's process is gone.)
	if m := clusterLine.FindStringSubmatch(log.String()); m == nil {
		t.Errorf("the log does not say where the cluster is:\n%s", log)
	} else if _, err := os.Stat(filepath.Join(m[2], "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid remains after shutdown: %v", err)
	}
}

func TestServeUnreachableDatabase(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("serve started without a database:\n%s", out)
	}
	if !strings.Contains(string(out), "cannot reach the database in DATABASE_URL") {
		t.Errorf("no actionable message:\n%s", out)
	}
}

// `catalogue audit verify` checks the chain and exits 1 when it is broken;
// `catalogue audit purge` refuses to drop anything younger than six
// months (NY 33).
func TestAuditCommands(t *testing.T) {
	bin := buildBinary(t)
	dbURL := storetest.NewDatabase(t, false)
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := run("audit", "verify"); code != 0 || !strings.Contains(out, "ok: 0 events verified") {
		t.Errorf("verify an empty log: %d %s", code, out)
	}
	recent := time.Now().AddDate(0, -2, 0).Format("2006-01-02")
	if out, code := run("audit", "purge", "--before", recent); code != 1 || !strings.Contains(out, "NY 33") {
		t.Errorf("purge two months back: %d %s", code, out)
	}
	if out, code := run("audit", "purge", "--before", "2019-01-01"); code != 0 || !strings.Contains(out, "dropped 0 monthly partitions") {
		t.Errorf("purge before 2019: %d %s", code, out)
	}
	// A tampered log: verify says where and fails.
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `SET session_replication_role = replica;
		CREATE TABLE audit_events_y2020m01 PARTITION OF audit_events FOR VALUES FROM ('2020-01-01T00:00:00+08:00') TO ('2020-02-01T00:00:00+08:00');
		INSERT INTO audit_events (id, at, request_id, actor_subject, actor_role, action, target_kind, outcome, code, message, prev_hash, hash)
		VALUES (1, '2020-01-05T10:00:00+08:00', 'r', 'x', 'AUDITOR', 'forged', '', 'OK', '', '', '', sha256('forged'));
		UPDATE audit_chain SET last_id = 1, last_hash = sha256('forged')`); err != nil {
		t.Fatal(err)
	}
	if out, code := run("audit", "verify"); code != 1 || !strings.Contains(out, "BROKEN at event 1") || !strings.Contains(out, "altered") {
		t.Errorf("verify a forged event: %d %s", code, out)
	}
}
