// Command bench measures the service under load beside a plain pgx floor
// and, optionally, PostGraphile v4 over the same tables (issue #20; README
// "Performance").
//
//	go run ./tools/bench [-url URL] [-scale 10] [-c 20] [-duration 10s] [-postgraphile] [-wrk] [-list-only]
//
// Without -url (or DATABASE_URL) it starts a private PostgreSQL cluster in
// .data/bench and fills an empty database with tools/gencity's city at
// 1/scale. It starts the real binary (-bin, built by `make bench-load`),
// drives each query of a fixed mix from C closed-loop clients for the
// duration, and prints requests a second, p50 and p99, the CPU time the
// server and PostgreSQL used per request, and the server's peak RSS; then it runs each query in-process through the same handler
// to count SQL statements and allocations per request. The floor is the
// list query written by hand: one SQL statement and encoding/json behind
// net/http, with no GraphQL, no auth and no visibility rules, so it bounds
// what any GraphQL layer over these tables could reach on this machine.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/pgcluster"
)

// secret signs the benchmark's tokens; the server under test verifies
// with it.
var secret = []byte("catalogue-benchmark-secret-0123456789abcdef")

type options struct {
	url          string
	scale        int
	conns        int
	duration     time.Duration
	warmup       time.Duration
	bin          string
	postgraphile bool
	runs         int
	cpuprofile   string
	listOnly     bool
	wrk          bool
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "-serve-floor" {
		if err := serveFloor(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "bench floor:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.url, "url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL, else a private cluster in .data/bench)")
	flag.IntVar(&o.scale, "scale", 10, "an empty database is filled with the full city divided by this")
	flag.IntVar(&o.conns, "c", 20, "concurrent clients")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write the server's CPU profile under the list query's load as AUTHORITY to this `file` (go tool pprof bin/catalogue file)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long each measurement runs")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before each measurement, not counted")
	flag.StringVar(&o.bin, "bin", "bin/catalogue", "the catalogue binary to measure")
	flag.BoolVar(&o.postgraphile, "postgraphile", false, "also measure PostGraphile v4 (tools/bench/postgraphile, npm ci first)")
	flag.IntVar(&o.runs, "runs", 50, "in-process runs of each query for statement and allocation counts")
	flag.BoolVar(&o.wrk, "wrk", false, "also measure the list, the floor and PostGraphile with wrk (on PATH; apt-get install wrk): a client in C, as issue #20's figures were taken")
	flag.BoolVar(&o.listOnly, "list-only", false, "measure only the list as AUTHORITY, beside the floor (and PostGraphile when asked): a quick comparison")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx := context.Background()
	if o.url == "" {
		dir, err := filepath.Abs(filepath.Join(".data", "bench"))
		if err != nil {
			return err
		}
		fmt.Println("private PostgreSQL cluster in", dir)
		c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir})
		if err != nil {
			return err
		}
		defer c.Stop()
		if err := store.CreateDatabase(ctx, c.URL("postgres"), "bench"); err != nil {
			return err
		}
		o.url = c.URL("bench")
	}
	if err := ensureCity(ctx, o.url, o.scale); err != nil {
		return err
	}
	mix, err := queries(ctx, o.url)
	if err != nil {
		return err
	}
	if o.listOnly {
		mix = mix[:1]
		mix[0].viewers = []string{"AUTHORITY"}
	}
	postmaster, err := postmasterPID(ctx, o.url)
	if err != nil {
		return err
	}
	tok, err := auth.Sign(secret, auth.Claims{Sub: "benchmark", Role: domain.RoleAuthority}, 24*time.Hour)
	if err != nil {
		return err
	}

	fmt.Printf("\nmachine: %d cores (%s), %d clients, %s each after %s warm-up\n\n", runtime.NumCPU(), cpuModel(), o.conns, o.duration, o.warmup)
	var results []result
	var internal string // the catalogue's metrics and profiles listener
	if o.cpuprofile != "" {
		if internal, err = freeAddr(); err != nil {
			return err
		}
	}
	srv, err := startCatalogue(ctx, o.bin, o.url, internal)
	if err != nil {
		return err
	}
	for i, q := range mix {
		for _, viewer := range q.viewers {
			hdr := http.Header{"Content-Type": {"application/json"}}
			if viewer == "AUTHORITY" {
				hdr.Set("Authorization", "Bearer "+tok)
			}
			var profiled chan error
			if internal != "" && i == 0 && viewer == "AUTHORITY" {
				profiled = make(chan error, 1)
				go func() { profiled <- profile(internal, o.warmup+o.duration, o.cpuprofile) }()
			}
			r, err := measure(srv.url+"/graphql", http.MethodPost, q.body(), hdr, o, q.check, srv.pid(), postmaster)
			if err != nil {
				srv.stop()
				return fmt.Errorf("%s as %s: %w", q.name, viewer, err)
			}
			if profiled != nil {
				if err := <-profiled; err != nil {
					srv.stop()
					return fmt.Errorf("CPU profile: %w", err)
				}
			}
			r.name, r.viewer = q.name, viewer
			results = append(results, r)
		}
	}
	// Unloaded: one client.
	list := mix[0]
	if !o.listOnly {
		single := o
		single.conns = 1
		r, err := measure(srv.url+"/graphql", http.MethodPost, list.body(), http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + tok}}, single, list.check, srv.pid(), postmaster)
		if err != nil {
			srv.stop()
			return err
		}
		r.name, r.viewer = list.name+", one client", "AUTHORITY"
		results = append(results, r)
	}
	if o.wrk {
		for _, viewer := range list.viewers {
			hdr := http.Header{"Content-Type": {"application/json"}}
			if viewer == "AUTHORITY" {
				hdr.Set("Authorization", "Bearer "+tok)
			}
			r, err := measureWrk(srv.url+"/graphql", http.MethodPost, list.body(), hdr, o, srv.pid(), postmaster)
			if err != nil {
				srv.stop()
				return fmt.Errorf("%s as %s, wrk: %w", list.name, viewer, err)
			}
			r.name, r.viewer = list.name+" (wrk)", viewer
			results = append(results, r)
		}
	}
	rss := srv.peakRSS()
	if err := srv.stop(); err != nil {
		return err
	}
	for i := range results {
		results[i].rss = rss
	}

	floor, err := startFloor(ctx, o.url)
	if err != nil {
		return err
	}
	r, err := measure(floor.url+"/list", http.MethodGet, nil, nil, o, func(b []byte) error { return checkCount(b, 50) }, floor.pid(), postmaster)
	if err != nil {
		floor.stop()
		return fmt.Errorf("floor: %w", err)
	}
	r.name, r.viewer, r.rss = list.name+" (pgx + net/http floor)", "-", floor.peakRSS()
	results = append(results, r)
	if o.wrk {
		r, err := measureWrk(floor.url+"/list", http.MethodGet, nil, nil, o, floor.pid(), postmaster)
		if err != nil {
			floor.stop()
			return fmt.Errorf("floor, wrk: %w", err)
		}
		r.name, r.viewer, r.rss = list.name+" (pgx + net/http floor, wrk)", "-", floor.peakRSS()
		results = append(results, r)
	}
	if err := floor.stop(); err != nil {
		return err
	}

	if o.postgraphile {
		pg, err := startPostGraphile(ctx, o.url)
		if err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]any{"query": postgraphileList})
		r, err := measure(pg.url+"/graphql", http.MethodPost, body, http.Header{"Content-Type": {"application/json"}}, o,
			func(b []byte) error { return checkCount(b, 50) }, pg.pid(), postmaster)
		if err != nil {
			pg.stop()
			return fmt.Errorf("postgraphile: %w", err)
		}
		r.name, r.viewer, r.rss = list.name+" (PostGraphile v4, no visibility rules)", "-", pg.peakRSS()
		results = append(results, r)
		if o.wrk {
			r, err := measureWrk(pg.url+"/graphql", http.MethodPost, body, http.Header{"Content-Type": {"application/json"}}, o, pg.pid(), postmaster)
			if err != nil {
				pg.stop()
				return fmt.Errorf("postgraphile, wrk: %w", err)
			}
			r.name, r.viewer, r.rss = list.name+" (PostGraphile v4, wrk)", "-", pg.peakRSS()
			results = append(results, r)
		}
		if err := pg.stop(); err != nil {
			return err
		}
	}

	fmt.Printf("| query | viewer | req/s | p50 | p99 | server CPU / req | database CPU / req | errors | peak RSS |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		fmt.Printf("| %s | %s | %.0f | %s | %s | %s | %s | %d | %d MB |\n", r.name, r.viewer, r.rate, ms(r.p50), ms(r.p99), us(r.serverCPU), us(r.dbCPU), r.errors, r.rss>>20)
	}
	return account(ctx, o, mix, tok)
}

// ensureCity migrates the database and, when it holds no department,
// generates the city at 1/scale.
func ensureCity(ctx context.Context, url string, scale int) error {
	db, err := store.Open(ctx, store.Config{URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM departments`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		fmt.Printf("measuring the city already there (%d departments)\n", n)
		return nil
	}
	s := store.FullCity(store.LastMonthEnd(time.Now())).Scaled(scale)
	fmt.Printf("generating the city at 1/%d: %d departments, %d resources, %d requests\n", scale, s.Departments, s.Departments*s.ResourcesPerDepartment, s.Requests)
	t0 := time.Now()
	if err := db.GenerateCity(ctx, s, func(string) {}); err != nil {
		return err
	}
	fmt.Printf("generated in %s\n", time.Since(t0).Round(time.Second))
	return nil
}

// query is one query of the mix, with the viewers it is measured as and a
// check of its answer.
type query struct {
	name    string
	text    string
	vars    map[string]any
	viewers []string
	check   func([]byte) error
}

func (q query) body() []byte {
	b, _ := json.Marshal(map[string]any{"query": q.text, "variables": q.vars})
	return b
}

// listQuery is the dashboard's list: a 50-row page of published resources
// with the source department's name (issue #20's comparison).
const listQuery = `{ resources(first: 50, filter: {status: PUBLISHED}) { nodes { id code name shareType openType sourceDepartment { name } } } }`

// postgraphileList is the same page in PostGraphile's generated schema.
const postgraphileList = `{ allResources(first: 50, condition: {status: PUBLISHED}, orderBy: ID_ASC) { nodes { id code name shareType openType departmentBySourceDepartmentId { name } } } }`

// queries is the mix, its IDs taken from the database: the list, a
// resource's detail with data items and theme databases, lineage from
// that resource, and one district's compliance report.
func queries(ctx context.Context, url string) ([]query, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	var rid int64
	// The published, openly shared resource with the most grants (prefer
	// one in a theme database, where the city has them).
	err = conn.QueryRow(ctx, `SELECT r.id FROM resources r
		WHERE r.status = 'PUBLISHED' AND r.open_type = 'UNCONDITIONAL'
		ORDER BY EXISTS (SELECT 1 FROM theme_database_resources t WHERE t.resource_id = r.id) DESC,
		  (SELECT count(*) FROM grants g WHERE g.resource_id = r.id) DESC, r.id LIMIT 1`).Scan(&rid)
	if err != nil {
		return nil, fmt.Errorf("a published open resource: %w", err)
	}
	var region string
	if err := conn.QueryRow(ctx, `SELECT region_code FROM departments WHERE level <> 'CITY' ORDER BY id LIMIT 1`).Scan(&region); err != nil {
		return nil, fmt.Errorf("a district: %w", err)
	}
	noErrors := func(b []byte) error {
		var out struct{ Errors []json.RawMessage }
		if err := json.Unmarshal(b, &out); err != nil {
			return err
		}
		if len(out.Errors) > 0 {
			return fmt.Errorf("errors: %s", out.Errors[0])
		}
		return nil
	}
	to := domain.DateOf(store.LastMonthEnd(time.Now()))
	return []query{
		{name: "list: 50 published resources with source department", text: listQuery, viewers: []string{"AUTHORITY", "PUBLIC"},
			check: func(b []byte) error { return checkCount(b, 50) }},
		{name: "detail: a resource with data items and theme databases", viewers: []string{"AUTHORITY", "PUBLIC"}, check: noErrors,
			text: `query($id: ID!) { node(id: $id) { ... on Resource { code name summary shareType openType updateFrequency stale
			  sourceDepartment { name creditCode } dataItems { name dataType description personal } themeDatabases { name kind leadDepartment { name } } } } }`,
			vars: map[string]any{"id": domain.NodeID(domain.KindResource, rid)}},
		{name: "lineage: downstream from that resource, 2 steps", viewers: []string{"AUTHORITY"}, check: noErrors,
			text: `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 2, first: 50) { totalCount
			  nodes { depth node { __typename ... on Department { name } ... on ThemeDatabase { name } } via { kind } } } }`,
			vars: map[string]any{"id": domain.NodeID(domain.KindResource, rid)}},
		{name: "complianceReport: one district, this year", viewers: []string{"AUTHORITY"}, check: noErrors,
			text: `query($r: String!, $from: Date, $to: Date) { complianceReport(scope: {regionCode: $r}, from: $from, to: $to) {
			  total { sharing { shareRequests { rate } medianAnswerDays } dataQuality { stale } violations } } }`,
			vars: map[string]any{"r": region, "from": domain.Date{Year: to.Year, Month: 1, Day: 1}.String(), "to": to.String()}},
	}, nil
}

// checkCount checks that an answer has want rows: a bare JSON list (the
// floor), or a GraphQL answer without errors whose one field holds nodes.
func checkCount(b []byte, want int) error {
	var list []json.RawMessage
	if json.Unmarshal(b, &list) == nil {
		if len(list) != want {
			return fmt.Errorf("%d rows, want %d", len(list), want)
		}
		return nil
	}
	var out struct {
		Data   map[string]struct{ Nodes []json.RawMessage }
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("errors: %s", out.Errors[0])
	}
	if len(out.Data) != 1 {
		return fmt.Errorf("no data: %.200s", b)
	}
	for _, page := range out.Data {
		if len(page.Nodes) != want {
			return fmt.Errorf("%d rows, want %d", len(page.Nodes), want)
		}
	}
	return nil
}

type result struct {
	name, viewer string
	rate         float64
	p50, p99     time.Duration
	errors       int
	rss          int64
	// serverCPU and dbCPU are the CPU time (user and system) the server
	// and PostgreSQL's processes used per request while measured: steadier
	// than the rate on a shared machine, and where the time goes. 0 where
	// /proc does not show them (a database on another machine).
	serverCPU, dbCPU time.Duration
}

// measure checks one answer, loads the URL for o.warmup, then measures
// o.conns closed-loop clients for o.duration. Any failed answer fails it.
func measure(url, method string, body []byte, hdr http.Header, o options, check func([]byte) error, serverPID, postmaster int) (result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.conns, MaxConnsPerHost: o.conns}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	send := func() ([]byte, error) {
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header = hdr.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
		}
		return b, err
	}
	b, err := send()
	if err != nil {
		return result{}, err
	}
	if err := check(b); err != nil {
		return result{}, err
	}
	load := func(d time.Duration, record bool) ([]time.Duration, int, error) {
		var mu sync.Mutex
		var all []time.Duration
		var failed atomic.Int64
		var first atomic.Value
		deadline := time.Now().Add(d)
		var wg sync.WaitGroup
		for range o.conns {
			wg.Go(func() {
				var mine []time.Duration
				for time.Now().Before(deadline) {
					t0 := time.Now()
					b, err := send()
					if err == nil && bytes.Contains(b, []byte(`"errors"`)) {
						err = fmt.Errorf("errors in the answer: %.200s", b)
					}
					if err != nil {
						failed.Add(1)
						first.CompareAndSwap(nil, err)
						continue
					}
					if record {
						mine = append(mine, time.Since(t0))
					}
				}
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		if e, _ := first.Load().(error); e != nil {
			return all, int(failed.Load()), e
		}
		return all, 0, nil
	}
	if _, _, err := load(o.warmup, false); err != nil {
		return result{}, err
	}
	srv0, db0 := cpuTime(serverPID), clusterCPU(postmaster)
	lat, failed, err := load(o.duration, true)
	if err != nil {
		return result{errors: failed}, err
	}
	srv1, db1 := cpuTime(serverPID), clusterCPU(postmaster)
	slices.Sort(lat)
	r := result{rate: float64(len(lat)) / o.duration.Seconds(), p50: quantile(lat, 0.50), p99: quantile(lat, 0.99)}
	if n := time.Duration(len(lat)); n > 0 {
		r.serverCPU, r.dbCPU = (srv1-srv0)/n, max(db1-db0, 0)/n
	}
	return r, nil
}

// userHZ is the unit of /proc's CPU times on Linux.
const userHZ = 100

// procStat returns the parent and the CPU time (user and system) of
// process pid, from /proc/pid/stat; ok is false when there is none.
func procStat(pid int) (ppid int, cpu time.Duration, ok bool) {
	ppid, cpu, _, ok = procStatChildren(pid)
	return ppid, cpu, ok
}

// procStatChildren is procStat with the CPU time of pid's children that
// have exited and been waited for (cutime and cstime).
func procStatChildren(pid int) (ppid int, cpu, children time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0, false
	}
	// The command, in parentheses, may hold spaces: fields count from
	// the last ')'. After it: state ppid ... utime (14th) stime (15th)
	// cutime (16th) cstime (17th).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	ticks := func(i int) int64 { n, _ := strconv.ParseInt(f[i], 10, 64); return n }
	return ppid, time.Duration(ticks(11)+ticks(12)) * time.Second / userHZ,
		time.Duration(ticks(13)+ticks(14)) * time.Second / userHZ, true
}

func cpuTime(pid int) time.Duration {
	_, cpu, _ := procStat(pid)
	return cpu
}

// clusterCPU is the CPU time of the PostgreSQL postmaster and its
// children (the backends, the background processes); 0 when postmaster
// is 0.
func clusterCPU(postmaster int) time.Duration {
	if postmaster == 0 {
		return 0
	}
	// The postmaster's own, that of its children that have exited
	// (backends and autovacuum workers come and go), and the living
	// children's.
	_, own, exited, _ := procStatChildren(postmaster)
	total := own + exited
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if ppid, cpu, ok := procStat(pid); ok && ppid == postmaster {
			total += cpu
		}
	}
	return total
}

// postmasterPID is the pid of the database's postmaster, the parent of a
// backend, when it runs on this machine; else 0.
func postmasterPID(ctx context.Context, url string) (int, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return 0, err
	}
	ppid, _, ok := procStat(backend)
	if !ok {
		return 0, nil
	}
	return ppid, nil
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

// us is a CPU time in microseconds; "-" when it could not be read.
func us(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return strconv.FormatInt(d.Microseconds(), 10) + " µs"
}

// process is a server under test.
type process struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	dir  string // removed once the process has stopped, when set
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// stop sends SIGTERM and waits for the process to end.
func (p *process) stop() error {
	if p.dir != "" {
		defer os.RemoveAll(p.dir)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.New(p.cmd.Path + " did not stop on SIGTERM within 15 s")
	}
}

// start runs cmd and waits until GET url+ready answers 200.
func start(cmd *exec.Cmd, url, ready string) (*process, error) {
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, url: url, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("%s exited before it was ready: %v", cmd.Path, err)
		default:
		}
		if resp, err := http.Get(url + ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || ready == "/graphql" {
				return p, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = p.stop()
	return nil, fmt.Errorf("%s was not ready within 60 s", cmd.Path)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// profile writes the CPU profile the server at internal (its metrics
// listener) takes over d to file.
func profile(internal string, d time.Duration, file string) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", internal, int(d.Round(time.Second)/time.Second)))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	return os.WriteFile(file, b, 0o644)
}

// startCatalogue starts the binary on url; with internal set, it serves
// metrics and profiles there (CATALOGUE_METRICS_ADDR).
func startCatalogue(ctx context.Context, bin, url, internal string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "catalogue-bench-")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", addr, "--data-dir", dir)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "CATALOGUE_JWT_SECRET="+string(secret), "CATALOGUE_DEV=", "CATALOGUE_METRICS_ADDR="+internal)
	p, err := start(cmd, "http://"+addr, "/readyz")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p.dir = dir // its subject key and development files
	return p, nil
}

func startFloor(ctx context.Context, url string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return start(exec.CommandContext(ctx, self, "-serve-floor", url, addr), "http://"+addr, "/list")
}

// serveFloor serves the list query by hand: one statement, encoding/json.
func serveFloor(url, addr string) error {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	type row struct {
		ID               string `json:"id"`
		Code             string `json:"code"`
		Name             string `json:"name"`
		ShareType        string `json:"shareType"`
		OpenType         string `json:"openType"`
		SourceDepartment struct {
			Name string `json:"name"`
		} `json:"sourceDepartment"`
	}
	http.HandleFunc("GET /list", func(w http.ResponseWriter, r *http.Request) {
		rows, err := pool.Query(r.Context(), `SELECT r.id, r.code, r.name, r.share_type::text, r.open_type::text, d.name
			FROM resources r JOIN departments d ON d.id = r.source_department_id
			WHERE r.status = 'PUBLISHED' ORDER BY r.id LIMIT 50`)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out := make([]row, 0, 50)
		var id int64
		var x row
		_, err = pgx.ForEachRow(rows, []any{&id, &x.Code, &x.Name, &x.ShareType, &x.OpenType, &x.SourceDepartment.Name}, func() error {
			x.ID = domain.NodeID(domain.KindResource, id)
			out = append(out, x)
			return nil
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	srv := &http.Server{Addr: addr}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		<-sig
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startPostGraphile serves the same database with PostGraphile v4 from
// tools/bench/postgraphile (npm ci there first).
func startPostGraphile(ctx context.Context, url string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	bin := filepath.Join("tools", "bench", "postgraphile", "node_modules", ".bin", "postgraphile")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s: run `npm ci` in tools/bench/postgraphile first (make bench-load does)", bin)
	}
	cmd := exec.CommandContext(ctx, bin, "-c", url, "--schema", "public", "--host", host, "--port", port,
		"--disable-query-log", "--disable-graphiql", "--no-setof-functions-contain-nulls", "--simple-collections", "omit")
	cmd.Env = append(os.Environ(), "NODE_ENV=production")
	return start(cmd, "http://"+addr, "/graphql")
}

// counter counts the statements the handler sends.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// account runs each query o.runs times through the service's handler in
// this process and prints the SQL statements and allocations per request.
func account(ctx context.Context, o options, mix []query, tok string) error {
	c := &counter{}
	db, err := store.Open(ctx, store.Config{URL: o.url, Tracer: c})
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := auth.NewVerifier(ctx, auth.Config{Secret: secret})
	if err != nil {
		return err
	}
	h := server.New(server.Config{Catalogue: db, Verifier: v, SubjectKey: secret,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	fmt.Printf("\n| query (in-process, %d runs, AUTHORITY) | SQL statements / request | allocations / request | bytes allocated / request |\n|---|---|---|---|\n", o.runs)
	for _, q := range mix {
		send := func() error {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(q.body()))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				return fmt.Errorf("%s: HTTP %d", q.name, rec.Code)
			}
			return q.check(rec.Body.Bytes())
		}
		if err := send(); err != nil { // warm the query cache and the pool
			return err
		}
		var before, after runtime.MemStats
		c.n.Store(0)
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range o.runs {
			if err := send(); err != nil {
				return err
			}
		}
		runtime.ReadMemStats(&after)
		n := float64(o.runs)
		fmt.Printf("| %s | %.1f | %.0f | %.0f kB |\n", q.name, float64(c.n.Load())/n,
			float64(after.Mallocs-before.Mallocs)/n, float64(after.TotalAlloc-before.TotalAlloc)/n/1024)
	}
	return nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
		}
	}
	return runtime.GOARCH
}
