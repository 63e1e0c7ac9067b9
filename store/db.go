// Package store keeps the catalogue in PostgreSQL through pgx. It
// implements domain.Catalogue; every mutating method owns its transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/citydata/catalogue/domain"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the catalogue's PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	cals calendarCache
	hub  hub
	// partitions remembers the audit log's monthly partitions known to
	// exist, so only a month's first event looks.
	partitions sync.Map
}

var _ domain.Catalogue = (*DB)(nil)

// Config says how to reach the database.
type Config struct {
	URL string
	// MaxConns caps the pool; zero keeps pgx's default (max(4, cores)).
	MaxConns int32
	// Tracer, when set, sees every statement (tests count them with it).
	Tracer pgx.QueryTracer
}

// Open connects to the database and checks that it answers.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	// JIT off unless the URL asks for it (?jit=on): the recursive lineage
	// walk and the compliance queries are estimated dear enough to be
	// compiled, which took 140 ms of a lineage answer that ran in 10 ms.
	if _, set := pc.ConnConfig.RuntimeParams["jit"]; !set {
		pc.ConnConfig.RuntimeParams["jit"] = "off"
	}
	if cfg.Tracer != nil {
		pc.ConnConfig.Tracer = cfg.Tracer
	}
	// An unreachable server (a host down, packets dropped) fails a
	// connection attempt after 5 s rather than when the request gives up,
	// unless the URL says otherwise (?connect_timeout=N).
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	// After a restart the pool holds dead connections. One idle for more
	// than ShouldPing's second is pinged before it is handed out and
	// replaced when the ping fails; the health check every second closes
	// what has outlived its idle time and refills MinConns, so the pool
	// serves again within a second or two of the server's return.
	pc.HealthCheckPeriod = time.Second
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s: %w", redact(pc.ConnConfig), err)
	}
	return &DB{pool: pool}, nil
}

func redact(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close stops listening for notifications and closes the pool.
func (db *DB) Close() {
	db.hub.mu.Lock()
	if db.hub.cancel != nil {
		db.hub.cancel()
		db.hub.cancel = nil
	}
	db.hub.mu.Unlock()
	db.pool.Close()
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Migrate brings the schema up to date with the embedded migrations.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	sqldb := stdlib.OpenDBFromPool(db.pool)
	defer sqldb.Close()
	if err := migrate(ctx, sqldb, log); err != nil {
		return err
	}
	if err := db.ensureAuditPartitions(ctx, time.Now(), 12); err != nil {
		return err
	}
	return seedCalendar(ctx, db, log)
}

func migrate(ctx context.Context, sqldb *sql.DB, log *slog.Logger) error {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("migrated", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
	}
	return nil
}

// Empty reports whether the catalogue holds no department yet, so that
// `catalogue serve` loads the demo catalogue only into a new database.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var exists bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM departments)`).Scan(&exists)
	return !exists, err
}

// Tx runs fn in a transaction, committing when it returns nil.
//
// When ctx carries the audit record of an attempt not yet written
// (domain.AuditRecord), its event is appended in the same transaction,
// after fn: the change and its audit event commit together or not at all.
func (db *DB) Tx(ctx context.Context, fn func(*Tx) error) error {
	rec := domain.AuditFrom(ctx)
	if rec != nil && rec.Written() {
		rec = nil
	}
	if rec == nil {
		return db.plainTx(ctx, fn)
	}
	err := db.plainTx(ctx, func(tx *Tx) error {
		before, err := tx.snapshot(ctx, rec.Event())
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return tx.commitAudit(ctx, rec, before)
	})
	if err == nil {
		rec.MarkWritten()
	}
	return err
}

// plainTx runs fn in a transaction that appends no audit event of its own.
func (db *DB) plainTx(ctx context.Context, fn func(*Tx) error) error {
	var t *Tx
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		t = &Tx{tx: tx, db: db}
		return fn(t)
	})
	if err != nil {
		return err
	}
	for _, f := range t.committed {
		f()
	}
	return nil
}

// Tx is a transaction for writes.
type Tx struct {
	tx        pgx.Tx
	db        *DB
	committed []func()
}

// onCommit runs f once the transaction has committed.
func (tx *Tx) onCommit(f func()) { tx.committed = append(tx.committed, f) }

// constraintErrors maps constraint names to the error a user sees.
var constraintErrors = map[string]*domain.Error{
	"departments_credit_code_key":             {Code: domain.EConflict, Message: "a department with this credit code already exists"},
	"departments_credit_code_check":           {Code: domain.EInvalid, Message: "credit code is not a GB 32100 unified social credit code"},
	"resources_code_key":                      {Code: domain.EConflict, Message: "a resource with this code already exists"},
	"data_items_resource_name_key":            {Code: domain.EConflict, Message: "a resource cannot have two data items of the same name"},
	"data_elements_code_key":                  {Code: domain.EConflict, Message: "一数一源 (MZ 11): this data element already has a source department; a second department cannot claim it"},
	"data_elements_name_key":                  {Code: domain.EConflict, Message: "一数一源 (MZ 11): a data element of this name already has a source department; a second department cannot claim it"},
	"resource_data_elements_one_source_fkey":  {Code: domain.EConflict, Message: "一数一源 (MZ 11): a resource may carry a data element only if its source department is the element's source department"},
	"theme_databases_code_key":                {Code: domain.EConflict, Message: "a theme database with this code already exists"},
	"resources_source_department_id_fkey":     {Code: domain.EInvalid, Message: "the source department does not exist"},
	"resources_collecting_department_id_fkey": {Code: domain.EInvalid, Message: "the collecting department does not exist"},
	"resources_approving_department_id_fkey":  {Code: domain.EInvalid, Message: "the approving department does not exist"},
	"resources_providing_department_id_fkey":  {Code: domain.EInvalid, Message: "the providing department does not exist"},
}

// mapError turns a PostgreSQL constraint violation into the domain error a
// user can act on, by constraint name; anything else is returned as is.
func mapError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName != "" {
		if e, ok := constraintErrors[pgErr.ConstraintName]; ok {
			return fmt.Errorf("%w (%s)", e, pgErr.ConstraintName)
		}
	}
	return err
}

// CreateDatabase creates the database name on the server at adminURL
// unless it exists.
func CreateDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", name, err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// Unavailable reports whether err means the database could not be reached
// or went away mid-request: no connection could be made (refused, timed
// out, the server starting up or shutting down), the connection broke, or
// the server ended the session (an administrator's or a crash shutdown).
// The request may be retried, a write with its idempotency key: a write
// whose commit was cut off either committed, and the key replays it, or
// did not, and the retry makes it. A canceled or timed-out request is not
// unavailability, nor is any error the server answered a statement with.
func (db *DB) Unavailable(err error) bool { return Unavailable(err) }

// Unavailable is DB.Unavailable.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"): // connection exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin shutdown, crash shutdown, cannot connect now
			return true
		case pe.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &ne) || pgconn.SafeToRetry(err)
}

// PoolStat returns the connection pool's statistics (for the metrics).
func (db *DB) PoolStat() *pgxpool.Stat { return db.pool.Stat() }
