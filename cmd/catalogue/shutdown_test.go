package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/jackc/pgx/v5"
)

var clusterLine = regexp.MustCompile(`private PostgreSQL cluster is up" port=(\d+) dir=(\S+)`)

// privateServe starts `catalogue serve` on a private cluster of its own,
// and returns its URL, the cluster's port and postmaster pid.
func privateServe(t *testing.T, bin string, env ...string) (url string, cmd *commandLog, port int, pidFile string, pid int) {
	t.Helper()
	dir, err := os.MkdirTemp("", "catalogue-shutdown-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	_ = os.Chmod(dir, 0o755) // the cluster's user (when we are root) must enter it
	u, c, log := startServe(t, bin, append([]string{"DATABASE_URL=", "CATALOGUE_DATA_DIR=" + dir}, env...))
	m := clusterLine.FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("the log does not say where the cluster is:\n%s", log)
	}
	port, _ = strconv.Atoi(m[1])
	pidFile = filepath.Join(m[2], "data", "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the running cluster has no postmaster.pid: %v", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if pid, err = strconv.Atoi(strings.TrimSpace(first)); err != nil || pid <= 0 {
		t.Fatalf("postmaster.pid: %q", b)
	}
	return u, &commandLog{cmd: c, log: log}, port, pidFile, pid
}

type commandLog struct {
	cmd *exec.Cmd
	log *serveLog
}

// noPostmaster fails unless the cluster is gone: its postmaster.pid
// removed and its process no longer alive.
func noPostmaster(t *testing.T, pidFile string, pid int) {
	t.Helper()
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid remains after shutdown: %v", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the postmaster (pid %d) is still alive after shutdown: kill -0 says %v", pid, err)
	}
}

// lockDepartments holds an exclusive lock on the departments table, so a
// query that reads it waits, in flight, until the lock is released; it
// returns once such a query waits.
func lockDepartments(t *testing.T, port int) (pgx.Tx, func(waiting int) bool) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:"+strconv.Itoa(port)+"/catalogue?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE departments IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	waits := func(want int) bool {
		// pg_stat_activity is read once per transaction: without clearing
		// that snapshot, a request that starts waiting after the first
		// look would never be seen.
		if _, err := tx.Exec(ctx, `SELECT pg_stat_clear_snapshot()`); err != nil {
			return false
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'catalogue'`).Scan(&n)
		return err == nil && n >= want
	}
	return tx, waits
}

type answer struct {
	status int
	body   string
	err    error
}

func postAsync(url, query string) chan answer {
	out := make(chan answer, 1)
	go func() {
		body, _ := json.Marshal(map[string]any{"query": query})
		resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			out <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		out <- answer{status: resp.StatusCode, body: string(raw)}
	}()
	return out
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 6000 { // bounded, so a broken server fails rather than hangs
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %s", what)
}

// SIGTERM: the subscription websocket gets a close frame, a request in
// flight since before the signal completes with its answer, the private
// PostgreSQL stops (no postmaster left) and the process exits 0.
func TestShutdownDrainsRequestsAndStopsTheCluster(t *testing.T) {
	bin := buildBinary(t)
	url, c, port, pidFile, pid := privateServe(t, bin)

	ctx := context.Background()
	ws, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := ws.Write(ctx, coderws.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	if _, msg, err := ws.Read(ctx); err != nil || !strings.Contains(string(msg), "connection_ack") {
		t.Fatalf("no connection_ack: %s %v", msg, err)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { requestUpdated { id } }"}})

	tx, waits := lockDepartments(t, port)
	inFlight := postAsync(url, `{ departments(first: 1) { totalCount } }`)
	waitUntil(t, "the request to wait on the lock", func() bool { return waits(1) })

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the server to begin shutting down", func() bool { return strings.Contains(c.log.String(), "shutting down") })

	// The websocket is closed with a close frame (a reset has no status).
	for {
		_, _, err := ws.Read(ctx)
		if err == nil {
			continue // a message sent before the close
		}
		if s := coderws.CloseStatus(err); s != coderws.StatusNormalClosure {
			t.Errorf("the websocket ended with %v (status %d), want a normal close frame", err, s)
		}
		break
	}
	// The request is still waiting: release the lock, and it answers.
	select {
	case a := <-inFlight:
		t.Fatalf("the request in flight ended before its query could: %+v", a)
	default:
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	a := <-inFlight
	if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"totalCount":0`) || strings.Contains(a.body, "errors") {
		t.Errorf("the request in flight at SIGTERM: %+v", a)
	}

	stopped(t, c)
	noPostmaster(t, pidFile, pid)
	for _, want := range []string{"requests finished", "stopped the private PostgreSQL cluster"} {
		if !strings.Contains(c.log.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, c.log)
		}
	}
}

// A request that outlasts the grace is cut; the cluster stops all the
// same and the process exits 0.
func TestShutdownGraceCutsWhatOutlastsIt(t *testing.T) {
	bin := buildBinary(t)
	url, c, port, pidFile, pid := privateServe(t, bin, "CATALOGUE_SHUTDOWN_GRACE=1s")
	_, waits := lockDepartments(t, port) // held until the cluster stops
	inFlight := postAsync(url, `{ departments(first: 1) { totalCount } }`)
	waitUntil(t, "the request to wait on the lock", func() bool { return waits(1) })
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped(t, c)
	if a := <-inFlight; a.err == nil && a.status == http.StatusOK && !strings.Contains(a.body, "errors") {
		t.Errorf("a request held past the grace answered as if nothing happened: %+v", a)
	}
	noPostmaster(t, pidFile, pid)
	if l := c.log.String(); !strings.Contains(l, "shutdown grace over") || !strings.Contains(l, "stopped the private PostgreSQL cluster") {
		t.Errorf("log:\n%s", l)
	}
}

// stopped waits for the process, signalled already, to exit 0 after
// closing its log.
func stopped(t *testing.T, c *commandLog) {
	t.Helper()
	select {
	case <-c.log.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("serve did not close its log after SIGTERM:\n%s", c.log)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, c.log)
	}
}
