package store

import (
	"context"
	"strings"
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

// BriefBothWays reads sql's rows (the columns of a brief read of parts)
// with the raw decoder and with pgx's Scan; decodable says whether the raw
// decoder reads them itself rather than through Scan.
func (db *DB) BriefBothWays(ctx context.Context, parts domain.ResourceParts, sql string) (raw, scanned []*domain.Resource, decodable bool, rawErr, scanErr error) {
	rows, err := db.pool.Query(ctx, sql)
	if err != nil {
		return nil, nil, false, err, err
	}
	defer rows.Close()
	b := briefReadOf(parts)
	decodable = rawDecodable(rows.FieldDescriptions(), b.kinds)
	scan := b.scanner(3) // a slab of 3, then more
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			rawErr = err
		}
		s, err := b.scanSlow(rows)
		if err != nil {
			scanErr = err
		}
		raw, scanned = append(raw, r), append(scanned, s)
	}
	return raw, scanned, decodable, rawErr, scanErr
}

// BriefColumns are the columns of a brief read of parts.
func BriefColumns(parts domain.ResourceParts) string { return briefReadOf(parts).sql }

// GenericPlans returns, for each statement prepared on db's connections
// that contains one of fragments, how many times it ran with its generic
// plan and with a custom one, from pg_prepared_statements: meaningful for
// a DB of one connection, which every statement then shares.
func (db *DB) GenericPlans(ctx context.Context, fragments ...string) (map[string][2]int64, error) {
	rows, err := db.pool.Query(ctx, "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var sql string
		var generic, custom int64
		if err := rows.Scan(&sql, &generic, &custom); err != nil {
			return nil, err
		}
		for _, f := range fragments {
			if strings.Contains(sql, f) {
				out[f] = [2]int64{generic, custom}
			}
		}
	}
	return out, rows.Err()
}
