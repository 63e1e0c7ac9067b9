// Package pgcluster starts a private PostgreSQL cluster from the machine's
// PostgreSQL server binaries: `make run` and `make test` use it when no
// DATABASE_URL / TEST_DATABASE_URL is given, so a newcomer needs no
// database set up by hand.
//
// The cluster listens on 127.0.0.1 only, on a free port, with trust
// authentication for the user postgres, and no Unix socket. PostgreSQL
// refuses to run as root, so when we are root the cluster runs as the
// system user postgres (or nobody when there is none).
package pgcluster

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options configure Start.
type Options struct {
	// DataDir holds the cluster (DataDir/data) and its log
	// (DataDir/postgres.log). It is created when missing and reused when
	// it already holds a cluster.
	DataDir string
	// Log receives one line per step (initialising, started, stopped).
	// Nil discards them.
	Log io.Writer
	// Fast turns off durability (fsync, synchronous_commit,
	// full_page_writes): for throwaway test clusters only.
	Fast bool
	// StartTimeout bounds the wait for the server to accept connections;
	// zero means one minute.
	StartTimeout time.Duration
	// Port is the port to listen on; zero means a free one. A cluster
	// started again on its earlier port (c.Port()) is the same server to
	// its clients: a restart.
	Port int
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir     string // the directory actually used (see Options.DataDir)
	port    int
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the postmaster has exited
	waitErr error         // the postmaster's exit status, set before exited closes
	logw    io.Writer

	stopOnce sync.Once
	stopErr  error
}

// Port is the TCP port the server listens on at 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Dir is the directory holding the cluster: Options.DataDir, or, when we
// are root and the cluster's user cannot reach it, a directory under
// /var/tmp named after it.
func (c *Cluster) Dir() string { return c.dir }

// URL is a connection URL for database db as the superuser postgres.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Binaries are the PostgreSQL server programs the cluster runs.
type Binaries struct {
	Dir      string // the directory holding them
	Initdb   string
	Postgres string
}

// ErrNoBinaries is returned when no PostgreSQL server binaries are found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, postgres) not found: " +
	"install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql), " +
	"or set CATALOGUE_PG_BIN to the directory holding them, " +
	"or set DATABASE_URL / TEST_DATABASE_URL to an existing server")

// FindBinaries looks for initdb and postgres: in $CATALOGUE_PG_BIN, then
// `pg_config --bindir`, then PATH, then the usual install locations (the
// highest version first).
func FindBinaries() (Binaries, error) {
	if dir := os.Getenv("CATALOGUE_PG_BIN"); dir != "" {
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
		return Binaries{}, fmt.Errorf("CATALOGUE_PG_BIN=%s does not hold initdb and postgres: %w", dir, ErrNoBinaries)
	}
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",
		"/usr/pgsql-*/bin",
		"/usr/local/pgsql/bin",
		"/opt/homebrew/opt/postgresql@*/bin",
		"/usr/local/opt/postgresql@*/bin",
		"/opt/homebrew/bin",
	} {
		matches, _ := filepath.Glob(pattern)
		sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
		candidates = append(candidates, matches...)
	}
	for _, dir := range candidates {
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	return Binaries{}, ErrNoBinaries
}

// versionOf reads the major version from an install path such as
// /usr/lib/postgresql/15/bin or /usr/pgsql-16/bin; 0 when there is none.
func versionOf(path string) int {
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(part); err == nil {
			return n
		}
	}
	return 0
}

func binariesIn(dir string) (Binaries, bool) {
	b := Binaries{Dir: dir}
	for _, p := range []*string{&b.Initdb, &b.Postgres} {
		name := "initdb"
		if p == &b.Postgres {
			name = "postgres"
		}
		path := filepath.Join(dir, name)
		// PostgreSQL finds its share directory relative to the real
		// location of its programs.
		if real, err := filepath.EvalSymlinks(path); err == nil {
			path = real
		}
		if fi, err := os.Stat(path); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return Binaries{}, false
		}
		*p = path
	}
	return b, true
}

// Start initialises the cluster in opts.DataDir when it holds none, and
// starts the server. Stop it with Stop; if this process dies first, the
// server is told to shut down too.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: no data directory given")
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = time.Minute
	}
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	// Parents are searchable by all, so that the cluster's user (see
	// runAs) can reach the directory.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create the cluster directory: %w", err)
	}
	if cred != nil && !reachable(filepath.Dir(dir), cred) {
		// PostgreSQL runs as another user who cannot enter a parent of
		// the directory (e.g. /root): keep the cluster where it can.
		sum := sha256.Sum256([]byte(dir))
		alt := filepath.Join("/var/tmp", "catalogue-postgres-"+hex.EncodeToString(sum[:6]))
		fmt.Fprintf(opts.Log, "PostgreSQL runs as user %s, which cannot enter %s; keeping the cluster in %s instead\n", cred.name, filepath.Dir(dir), alt)
		dir = alt
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the cluster directory: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.uid), int(cred.gid)); err != nil {
			return nil, fmt.Errorf("give the cluster directory to user %s: %w", cred.name, err)
		}
	}
	data := filepath.Join(dir, "data")

	if pid, ok := runningPostmaster(data); ok {
		return nil, fmt.Errorf("the cluster in %s is in use by another PostgreSQL server (pid %d): stop it (kill -INT %d) or use another data directory", data, pid, pid)
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(opts.Log, "initialising a PostgreSQL cluster in %s\n", data)
		if err := initdb(ctx, bin, data, cred); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("read the cluster directory: %w", err)
	}

	// The port is chosen free just before the server binds it; a rare
	// race with another process is retried.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port := opts.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, err
			}
		}
		c, err := start(ctx, bin, dir, data, port, cred, opts)
		if err == nil {
			fmt.Fprintf(opts.Log, "started PostgreSQL on 127.0.0.1:%d (log: %s)\n", port, filepath.Join(dir, "postgres.log"))
			return c, nil
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) || ctx.Err() != nil || opts.Port != 0 {
			break
		}
	}
	return nil, lastErr
}

var errPortTaken = errors.New("port taken")

func start(ctx context.Context, bin Binaries, dir, data string, port int, cred *credential, opts Options) (*Cluster, error) {
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the PostgreSQL log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor
	logStart, _ := logFile.Seek(0, io.SeekEnd)

	args := []string{
		"-D", data,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		"-c", "max_connections=200",
	}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(bin.Postgres, args...)
	cmd.Env = cleanEnv()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr(cred)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	c := &Cluster{dir: dir, port: port, cmd: cmd, exited: make(chan struct{}), logw: opts.Log}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()

	deadline := time.NewTimer(opts.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-c.exited:
			tail := logTail(logPath, logStart)
			if strings.Contains(tail, "Address already in use") {
				return nil, errPortTaken
			}
			return nil, fmt.Errorf("PostgreSQL exited at start-up (%v); its log says:\n%s", c.waitErr, tail)
		case <-ctx.Done():
			_ = c.Stop()
			return nil, ctx.Err()
		case <-deadline.C:
			_ = c.Stop()
			return nil, fmt.Errorf("PostgreSQL did not accept connections within %s; see %s", opts.StartTimeout, logPath)
		case <-tick.C:
			if ready(data) && dial(port) {
				return c, nil
			}
		}
	}
}

// Stop shuts the server down: a fast shutdown (clients disconnected,
// data safe), then an immediate one after 30 seconds, then a kill. It is
// safe to call more than once.
func (c *Cluster) Stop() error {
	return c.stop(stopStep{syscall.SIGINT, 30 * time.Second}, stopStep{syscall.SIGQUIT, 5 * time.Second}, stopStep{syscall.SIGKILL, 5 * time.Second})
}

// StopImmediate shuts the server down as a crash would: an immediate
// shutdown (no checkpoint; the next start recovers from the WAL), then a
// kill. Tests use it to show that no committed write is lost. It is safe
// to call more than once, and after Stop.
func (c *Cluster) StopImmediate() error {
	return c.stop(stopStep{syscall.SIGQUIT, 5 * time.Second}, stopStep{syscall.SIGKILL, 5 * time.Second})
}

type stopStep struct {
	sig  syscall.Signal
	wait time.Duration
}

func (c *Cluster) stop(steps ...stopStep) error {
	c.stopOnce.Do(func() {
		for _, s := range steps {
			if err := c.cmd.Process.Signal(s.sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
				c.stopErr = fmt.Errorf("signal PostgreSQL: %w", err)
			}
			select {
			case <-c.exited:
				c.stopErr = nil
				return
			case <-time.After(s.wait):
			}
		}
		c.stopErr = fmt.Errorf("PostgreSQL (pid %d) did not stop", c.cmd.Process.Pid)
	})
	return c.stopErr
}

func initdb(ctx context.Context, bin Binaries, data string, cred *credential) error {
	run := func(locale ...string) ([]byte, error) {
		args := append([]string{"-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8"}, locale...)
		cmd := exec.CommandContext(ctx, bin.Initdb, args...)
		cmd.Env = cleanEnv()
		cmd.SysProcAttr = sysProcAttr(cred)
		return cmd.CombinedOutput()
	}
	out, err := run("--locale=C.UTF-8")
	if err != nil && strings.Contains(string(out), "locale") {
		// Older systems lack the C.UTF-8 locale: text is still UTF-8.
		_ = os.RemoveAll(data)
		out, err = run("--no-locale")
	}
	if err != nil {
		_ = os.RemoveAll(data)
		return fmt.Errorf("initdb failed (%v):\n%s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// credential is the unprivileged user the cluster runs as when we are root.
type credential struct {
	name     string
	uid, gid uint32
}

// runAs returns nil when we are not root, else the user to run PostgreSQL as.
func runAs() (*credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &credential{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, errors.New("PostgreSQL refuses to run as root and there is no user postgres or nobody to run it as: create one (useradd --system postgres) or run as another user")
}

func sysProcAttr(cred *credential) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{
		// Signals to our process group (Ctrl-C) reach us, not the server:
		// we stop it in order.
		Setpgid: true,
		// If we die without stopping it, the server shuts down.
		Pdeathsig: syscall.SIGINT,
	}
	if cred != nil {
		attr.Credential = &syscall.Credential{Uid: cred.uid, Gid: cred.gid, Groups: []uint32{}}
	}
	return attr
}

// reachable reports whether the user can search every directory from / to dir.
func reachable(dir string, cred *credential) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return true
		}
		mode := fi.Mode().Perm()
		var can bool
		switch {
		case st.Uid == cred.uid:
			can = mode&0o100 != 0
		case st.Gid == cred.gid:
			can = mode&0o010 != 0
		default:
			can = mode&0o001 != 0
		}
		if !can {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

// runningPostmaster reports the pid of a live server using data.
func runningPostmaster(data string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return 0, false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return 0, false // stale: PostgreSQL removes it itself
	}
	return pid, true
}

// ready reports whether postmaster.pid says the server accepts connections
// (its eighth line is "ready" since PostgreSQL 10).
func ready(data string) bool {
	f, err := os.Open(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 1; sc.Scan(); i++ {
		if i == 8 {
			return strings.TrimSpace(sc.Text()) == "ready"
		}
	}
	return false
}

func dial(port int) bool {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// cleanEnv is our environment without PG* variables, which would
// otherwise change where initdb and postgres look.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// logTail returns what the server wrote to its log since offset, at most
// the last 2 KiB.
func logTail(path string, offset int64) string {
	b, err := os.ReadFile(path)
	if err != nil || int64(len(b)) < offset {
		return ""
	}
	b = b[offset:]
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return strings.TrimSpace(string(b))
}
