package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/storetest"
)

// Unavailable tells a database that cannot be reached or went away from
// every other failure: only the first is worth a retry.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	// A real refused connection: nothing listens on port 1.
	_, refused := pgx.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if refused == nil {
		t.Fatal("connected to port 1")
	}
	// A real closed pool (Close during shutdown): a fault of ours, not the database's.
	db := storetest.NewDB(t, storetest.Options{})
	db.Close()
	closed := db.Ping(ctx)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, canceledErr := pgx.Connect(canceled, "postgres://nobody@127.0.0.1:1/none")

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused", refused, true},
		{"wrapped connection refused", fmt.Errorf("list resources: %w", refused), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", fmt.Errorf("commit: %w", &pgconn.PgError{Code: "08006"}), true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"conn closed", fmt.Errorf("query: %w", pgconn.ErrConnClosed), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false},
		{"no rows", pgx.ErrNoRows, false},
		{"domain error", domain.Errorf(domain.EInvalid, "bad"), false},
		{"canceled", canceledErr, false},
		{"context canceled", context.Canceled, false},
		{"deadline", fmt.Errorf("q: %w", context.DeadlineExceeded), false},
		{"closed pool", closed, false},
		{"other", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.Unavailable(tc.err); got != tc.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
