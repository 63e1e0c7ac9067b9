package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// halfYearIndex is the SQL form of domain.HalfYear.Index for a China-time
// date expression.
func halfYearIndex(date string) string {
	return "(extract(year FROM " + date + ")::int * 2 + CASE WHEN extract(month FROM " + date + ") > 6 THEN 1 ELSE 0 END)"
}

// usageMissing keeps grants (aliased g) with a period over by today and
// no report: the SQL form of domain.MissingUsageReports. The periods owed
// run from the creation's to the end's (revocation, else last day), and
// those over are before today's.
func (q *query) usageMissing(today domain.Date) {
	t := q.arg(dateColumn(today)) + "::date"
	first := halfYearIndex("(g.created_at AT TIME ZONE 'Asia/Shanghai')::date")
	end := halfYearIndex("(coalesce(g.revoked_at, g.valid_until) AT TIME ZONE 'Asia/Shanghai')::date") // NULL: no end
	last := "least(coalesce(" + end + ", " + halfYearIndex(t) + "), " + halfYearIndex(t) + " - 1)"
	q.and("(" + last + " - " + first + " + 1) > (SELECT count(*) FROM usage_reports u WHERE u.grant_id = g.id AND u.period_index BETWEEN " +
		first + " AND " + last + ")")
}

// FileUsageReport files a usage report of the grant's holder (MZ 39).
func (db *DB) FileUsageReport(ctx context.Context, v domain.Viewer, in domain.UsageReportInput, key string, now time.Time) (*domain.UsageReport, error) {
	in.Scenario, in.Outcome, in.SecurityMeasures = strings.TrimSpace(in.Scenario), strings.TrimSpace(in.Outcome), strings.TrimSpace(in.SecurityMeasures)
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, key, "fileUsageReport", in)
		if err != nil || replayed != 0 {
			return err
		}
		scope, err := domain.RequestScopeFor(v)
		if err != nil {
			return err
		}
		// SECURITY: a grant outside the viewer's scope does not exist for it.
		q := &query{}
		q.and("g.id = " + q.arg(in.GrantID))
		q.grantScope(scope)
		rows, err := tx.tx.Query(ctx, "SELECT "+grantColumns+" FROM "+grantFrom+q.whereSQL()+" FOR UPDATE OF g", q.args...)
		if err != nil {
			return fmt.Errorf("lock grant: %w", err)
		}
		g, err := pgx.CollectExactlyOneRow(rows, scanGrant)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENotFound, "no Grant %s", domain.NodeID(domain.KindGrant, in.GrantID))
		}
		if err != nil {
			return fmt.Errorf("lock grant: %w", err)
		}
		// SECURITY: the holder reports (MZ 39).
		if err := domain.ValidateUsageReport(v, g.DepartmentID, g.CreatedAt, g.Ended(), in, domain.DateOf(now)); err != nil {
			return err
		}
		tag, err := tx.tx.Exec(ctx, `INSERT INTO usage_reports (grant_id, period, period_index, scenario, outcome, security_measures, filed_by, filed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			in.GrantID, in.Period.String(), in.Period.Index(), in.Scenario, in.Outcome, in.SecurityMeasures, domain.ActorOf(v).Key(), now)
		if err != nil {
			return mapError(err)
		}
		if tag.RowsAffected() == 0 {
			return domain.Errorf(domain.EConflict, "the report for %s is filed already; a filed report is kept as it is", in.Period)
		}
		return tx.settleKey(ctx, v, key, in.GrantID)
	})
	if err != nil {
		return nil, err
	}
	m, err := db.UsageReportsOf(ctx, []int64{in.GrantID})
	if err != nil {
		return nil, err
	}
	for _, r := range m[in.GrantID] {
		if r.Period == in.Period {
			return r, nil
		}
	}
	return nil, fmt.Errorf("usage report %d %s vanished", in.GrantID, in.Period)
}

// UsageReportsOf lists each grant's reports, oldest period first.
func (db *DB) UsageReportsOf(ctx context.Context, grantIDs []int64) (map[int64][]*domain.UsageReport, error) {
	rows, err := db.pool.Query(ctx, `SELECT grant_id, period, scenario, outcome, security_measures, filed_by, filed_at
		FROM usage_reports WHERE grant_id = ANY($1) ORDER BY grant_id, period_index`, grantIDs)
	if err != nil {
		return nil, fmt.Errorf("usage reports: %w", err)
	}
	return groupRows(rows, func(row pgx.CollectableRow, grant *int64) (*domain.UsageReport, error) {
		var (
			r      domain.UsageReport
			period string
		)
		if err := row.Scan(grant, &period, &r.Scenario, &r.Outcome, &r.SecurityMeasures, &r.FiledBy, &r.FiledAt); err != nil {
			return nil, err
		}
		r.GrantID = *grant
		var err error
		r.Period, err = domain.ParseHalfYear(period)
		return &r, err
	})
}
