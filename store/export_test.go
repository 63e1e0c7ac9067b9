package store

import (
	"context"
	"time"

	"github.com/citydata/catalogue/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Exec and Query let the store's tests run their own SQL in a transaction.

func (tx *Tx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return tx.tx.Exec(ctx, sql, args...)
}

func (tx *Tx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return tx.tx.Query(ctx, sql, args...)
}

// SpreadsheetSafe is domain.SpreadsheetSafe, which the CSV exports use, for their test.
var SpreadsheetSafe = domain.SpreadsheetSafe

// ComplianceFromRecords is Compliance counted from the records alone,
// without the rollups: what the rollups must agree with.
func (db *DB) ComplianceFromRecords(ctx context.Context, ids []int64, p domain.Period, now time.Time) (*domain.ComplianceReport, error) {
	return db.compliance(ctx, ids, p, now, false)
}

// UpdateDueSQL is updateDue, for the test that holds it to the domain's.
var UpdateDueSQL = updateDue
