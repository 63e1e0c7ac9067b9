package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/demo"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/pgcluster"
)

// syncBuffer is a log the handler writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// restartable is a private, durable PostgreSQL cluster of this test's own
// (the package's shared one cannot be restarted under other tests),
// stopped and started again on the same port.
type restartable struct {
	t       *testing.T
	dir     string
	port    int
	mu      sync.Mutex
	cluster *pgcluster.Cluster
}

func startRestartable(t *testing.T) *restartable {
	t.Helper()
	dir, err := os.MkdirTemp("", "catalogue-restart-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755) // the cluster's user (when we are root) must enter it
	r := &restartable{t: t, dir: dir}
	t.Cleanup(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.cluster != nil {
			_ = r.cluster.Stop()
		}
		os.RemoveAll(dir)
	})
	r.start()
	r.port = r.cluster.Port()
	return r
}

func (r *restartable) start() {
	r.t.Helper()
	// Durable (not Options.Fast): an immediate stop must not lose a
	// commit the server acknowledged.
	c, err := pgcluster.Start(context.Background(), pgcluster.Options{DataDir: r.dir + "/pg", Port: r.port})
	if err != nil {
		r.t.Fatalf("start the cluster: %v", err)
	}
	r.mu.Lock()
	r.cluster = c
	r.mu.Unlock()
}

func (r *restartable) stop(immediate bool) {
	r.t.Helper()
	r.mu.Lock()
	c := r.cluster
	r.cluster = nil
	r.mu.Unlock()
	stop := c.Stop
	if immediate {
		stop = c.StopImmediate
	}
	if err := stop(); err != nil {
		r.t.Fatalf("stop the cluster: %v", err)
	}
}

func (r *restartable) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", r.port, db)
}

// gqlPost sends one GraphQL request over HTTP and decodes the answer.
func gqlPost(url, token, query string, vars map[string]any) (status int, resp response, err error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, response{}, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &resp); err != nil {
		return res.StatusCode, resp, fmt.Errorf("answer is not JSON (%d): %s", res.StatusCode, raw)
	}
	return res.StatusCode, resp, nil
}

// PostgreSQL restarted under concurrent writes, once with a fast shutdown
// and once as a crash: while it is down, /readyz answers 503, GraphQL
// answers UNAVAILABLE (never INTERNAL, never a 5xx for the GraphQL
// answer itself) and the CSV and DCAT downloads 503 UNAVAILABLE; each client retries its write with the same idempotency
// key until it is acknowledged; afterwards SQL finds every acknowledged
// write exactly once.
func TestDatabaseRestartUnderWrites(t *testing.T) {
	ctx := context.Background()
	pg := startRestartable(t)
	if err := store.CreateDatabase(ctx, pg.url("postgres"), "catalogue"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Config{URL: pg.url("catalogue")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(ctx, auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := httptest.NewServer(server.New(server.Config{Catalogue: db, Verifier: v, SubjectKey: testSubjectKey,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
	defer srv.Close()

	sign := func(c auth.Claims) string {
		tok, err := auth.Sign(testSecret, c, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	_, resp, err := gqlPost(srv.URL, sign(authority), `{ resources(first: 1, filter: {status: PUBLISHED}) { nodes { id sourceDepartment { creditCode } } } }`, nil)
	if err != nil || len(resp.Errors) > 0 {
		t.Fatalf("find an entry: %v %+v", err, resp.Errors)
	}
	var found struct {
		Resources struct {
			Nodes []struct {
				ID               string
				SourceDepartment struct{ CreditCode string }
			}
		}
	}
	resp.decode(t, &found)
	entry := found.Resources.Nodes[0]
	token := sign(departmentClaims(entry.SourceDepartment.CreditCode))

	const (
		writers = 4
		writes  = 160 // in all
		record  = `mutation($r: ID!, $at: Time!, $rows: Int!, $key: String) {
			recordDataUpdate(resourceId: $r, at: $at, rows: $rows, idempotencyKey: $key) { rows } }`
	)
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	var (
		acked      atomic.Int64
		unavailOK  atomic.Int64 // UNAVAILABLE answers seen (and retried)
		mu         sync.Mutex
		wrong      []string
		ackedAfter = make(chan time.Time, writes) // when each write was acknowledged
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(wrong) < 20 {
			wrong = append(wrong, fmt.Sprintf(format, args...))
		}
	}
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(wrong) > 0
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := w; i < writes; i += writers {
				vars := map[string]any{"r": entry.ID, "at": base.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
					"rows": 1000 + i, "key": fmt.Sprintf("update-%d", i)}
				// Bounded so a service that never recovers fails the test
				// instead of hanging it; no assertion on how long it took.
				for try := 0; ; try++ {
					if try == 3000 {
						fail("write %d never acknowledged", i)
						return
					}
					status, resp, err := gqlPost(srv.URL, token, record, vars)
					if err != nil {
						fail("write %d: %v", i, err)
						return
					}
					if len(resp.Errors) == 0 {
						acked.Add(1)
						ackedAfter <- time.Now()
						break
					}
					e := resp.Errors[0]
					switch {
					case e.code() != string(domain.EUnavailable):
						fail("write %d: HTTP %d, %s %q", i, status, e.code(), e.Message)
						return
					case e.Message != domain.UnavailableMessage:
						fail("write %d: UNAVAILABLE says %q", i, e.Message)
					case status != http.StatusOK && status != http.StatusServiceUnavailable:
						fail("write %d: UNAVAILABLE with HTTP %d", i, status)
					}
					unavailOK.Add(1)
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}

	waitFor := func(n int64) {
		for acked.Load() < n && !failed() {
			time.Sleep(5 * time.Millisecond)
		}
	}
	down := func(immediate bool) {
		pg.stop(immediate)
		// While it is down: not ready, and queries are UNAVAILABLE.
		res, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz with the database down: %d, want 503", res.StatusCode)
		}
		status, resp, err := gqlPost(srv.URL, "", `{ resources(first: 1) { totalCount } }`, nil)
		if err != nil || status != http.StatusOK || len(resp.Errors) != 1 || resp.Errors[0].code() != string(domain.EUnavailable) ||
			resp.Errors[0].Message != domain.UnavailableMessage {
			t.Errorf("a query with the database down: %d %v %+v", status, err, resp.Errors)
		}
		// A department's token is looked up before execution: 503.
		status, resp, err = gqlPost(srv.URL, token, `{ __typename }`, nil)
		if err != nil || status != http.StatusServiceUnavailable || len(resp.Errors) != 1 || resp.Errors[0].code() != string(domain.EUnavailable) {
			t.Errorf("a department's request with the database down: %d %v %+v", status, err, resp.Errors)
		}
		// The downloads beside GraphQL: 503 UNAVAILABLE with Retry-After
		// too, not an internal error.
		for _, path := range []string{"/export/scorecards.csv", "/export/audit.csv", "/dcat/catalog.jsonld", "/dcat/themes"} {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+sign(authority))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Errors []gqlError
			}
			derr := json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || derr != nil ||
				len(body.Errors) != 1 || body.Errors[0].code() != string(domain.EUnavailable) || body.Errors[0].Message != domain.UnavailableMessage {
				t.Errorf("GET %s with the database down: %d, Retry-After %q, %v %+v", path, res.StatusCode, res.Header.Get("Retry-After"), derr, body.Errors)
			}
		}
		pg.start()
	}
	recoveries := []time.Duration{}
	for round, immediate := range []bool{false, true} {
		waitFor(int64(writes * (round + 1) / 3))
		down(immediate)
		back := time.Now()
		// Drain the acknowledgements made before the restart; the next one
		// is the first after it.
		for drained := false; !drained; {
			select {
			case at := <-ackedAfter:
				if at.After(back) {
					recoveries = append(recoveries, at.Sub(back))
					drained = true
				}
			default:
				if acked.Load() == writes || failed() {
					drained = true
				}
				time.Sleep(time.Millisecond)
			}
		}
	}
	wg.Wait()
	for _, w := range wrong {
		t.Error(w)
	}
	if t.Failed() {
		t.Logf("log:\n%s", logs.String())
		return
	}
	t.Logf("%d writes acknowledged, %d UNAVAILABLE answers retried; first write acknowledged after each restart: %v",
		acked.Load(), unavailOK.Load(), recoveries)
	if unavailOK.Load() == 0 {
		t.Error("no write saw the database down: the restarts came too late to test anything")
	}

	// Every acknowledged write is there exactly once, and nothing else.
	conn, err := pgx.Connect(ctx, pg.url("catalogue"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT rows, count(*) FROM data_updates GROUP BY rows`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int64{}
	for rows.Next() {
		var r, n int64
		if err := rows.Scan(&r, &n); err != nil {
			t.Fatal(err)
		}
		seen[r] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i := range writes {
		if n := seen[int64(1000+i)]; n != 1 {
			t.Errorf("write %d is recorded %d times, want once", i, n)
		}
		delete(seen, int64(1000+i))
	}
	if len(seen) > 0 {
		t.Errorf("rows nobody wrote: %v", seen)
	}
	// The service's log calls the outage what it is, not an internal error.
	if l := logs.String(); strings.Contains(l, `msg="internal error"`) || !strings.Contains(l, `msg="database unavailable"`) {
		t.Errorf("log during the outage:\n%s", l)
	}
}
