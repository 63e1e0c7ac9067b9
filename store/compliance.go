package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// The compliance figures are counted in SQL, by the rules of domain's
// compliance.go: domain.Judge for every on-time figure (done <= due on
// time; done > due late; undone with due < now overdue),
// domain.UpdateInterval for staleness, domain.FullReviewDone
// for the yearly review. Each query groups by department and by month in
// one pass (GROUPING SETS), so a report over a whole city is a handful of
// index scans.

// complianceArgs are the named parameters every compliance query takes.
func complianceArgs(ids []int64, p domain.Period, now time.Time) pgx.NamedArgs {
	asOf := p.AsOf(now)
	var freqs []string
	var months, days []int
	for _, f := range domain.UpdateFrequencies() {
		if m, d, ok := domain.UpdateInterval(f); ok {
			freqs, months, days = append(freqs, string(f)), append(months, m), append(days, d)
		}
	}
	var periods []string
	var firsts, dues []time.Time
	for _, h := range p.HalfYears() {
		periods, firsts, dues = append(periods, h.String()), append(firsts, h.First().StartOfDay()), append(dues, h.Last().EndOfDay())
	}
	return pgx.NamedArgs{"ids": ids, "start": p.Start(), "end": p.End(), "asOf": asOf, "now": now, "asOfDate": dateColumn(domain.DateOf(asOf)),
		"freqs": freqs, "months": months, "days": days, "periods": periods, "firsts": firsts, "dues": dues}
}

// chinaMonth is the first day of the month of timestamptz x in China time.
func chinaMonth(x string) string {
	return "date_trunc('month', " + x + " AT TIME ZONE 'Asia/Shanghai')::date"
}

// entriesCTE are the published entries of the departments as of asOf, and
// when each next owes an update (MZ 13).
const entriesCTE = `iv(freq, months, days) AS (SELECT * FROM unnest(@freqs::text[], @months::int[], @days::int[])),
ent AS (
  SELECT r.id, r.source_department_id AS d, r.share_type, r.open_type, r.published_at, r.update_frequency,
    -- MZ 7: the required elements.
    (r.name <> '' AND r.summary <> '' AND r.classification <> '' AND r.format <> '' AND r.share_scope <> ''
      AND (r.share_type = 'NONE' OR cardinality(r.share_modes) > 0)
      AND (r.share_type <> 'CONDITIONAL' OR r.share_conditions <> '')
      AND (r.open_type <> 'CONDITIONAL' OR r.open_conditions <> '')
      AND EXISTS (SELECT 1 FROM data_items i WHERE i.resource_id = r.id AND i.removed_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM data_items i WHERE i.resource_id = r.id AND i.removed_at IS NULL AND i.description = '')) AS complete,
    -- MZ 10, WZ 15, NY 44: a restricted entry names its basis.
    ((r.share_type <> 'UNCONDITIONAL' OR r.open_type = 'NONE') AND r.legal_basis = '') AS missing_basis
  FROM resources r
  WHERE r.status = 'PUBLISHED' AND r.published_at <= @asOf AND r.source_department_id = ANY(@ids)
),
upd AS (
  SELECT e.id, e.d, e.update_frequency, u.last,
    ((coalesce(u.last, e.published_at) AT TIME ZONE 'Asia/Shanghai') + make_interval(months => iv.months, days => iv.days))
      AT TIME ZONE 'Asia/Shanghai' AS due_at
  FROM ent e JOIN iv ON iv.freq = e.update_frequency::text
  LEFT JOIN LATERAL (SELECT max(du.at) AS last FROM data_updates du WHERE du.resource_id = e.id AND du.at <= @asOf) u ON true
)`

// dutiesCTE are the duties with a deadline in the period: (figure,
// department, record, sub, due, done, note), sub telling two duties of one
// record apart.
const dutiesCTE = `duties(f, d, record, sub, due, done, note) AS (
  -- MZ 8, NY 22, WZ 11: the authority's review of a submission.
  SELECT 'REVIEW', department_id, resource_id, version::text, due_at, decided_at, '' FROM catalogue_reviews
    WHERE due_at BETWEEN @start AND @end AND department_id = ANY(@ids)
  UNION ALL SELECT 'REVIEW', source_department_id, id, '', review_due_at, NULL, '' FROM resources
    WHERE review_due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
  -- MZ 8, QY 8, NY 22, WZ 11: a catalogue change obligation.
  UNION ALL SELECT 'CHANGE', department_id, id, '', due_at, met_at, due_citation FROM catalogue_change_obligations
    WHERE due_at BETWEEN @start AND @end AND department_id = ANY(@ids)
  -- MZ 21, QY 16, WZ 20: the source's answer; withdrawn unanswered requests owe none.
  UNION ALL SELECT 'SHARE', source_department_id, id, '', due_at, source_decided_at, coalesce(due_citation, '') FROM share_requests
    WHERE due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
      AND (status <> 'WITHDRAWN' OR source_decided_at IS NOT NULL)
  -- NY 46: the answer to an open request.
  UNION ALL SELECT 'OPEN', r.source_department_id, o.id, '', o.due_at, o.decided_at, coalesce(o.due_citation, '')
    FROM open_requests o JOIN resources r ON r.id = o.resource_id
    WHERE o.due_at BETWEEN @start AND @end AND r.source_department_id = ANY(@ids)
      AND (o.status <> 'WITHDRAWN' OR o.decided_at IS NOT NULL)
  -- MZ 23, NY 65, WZ 23: verifying a reported error, then correcting it.
  UNION ALL SELECT 'VERIFY', source_department_id, id, 'VERIFY', due_at, verified_at, coalesce(due_citation, '') FROM disputes
    WHERE kind = 'DATA_ERROR' AND due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
      AND (status <> 'WITHDRAWN' OR verified_at IS NOT NULL)
  UNION ALL SELECT 'CORRECT', source_department_id, id, 'CORRECT', correct_due_at, corrected_at, coalesce(correct_due_citation, '') FROM disputes
    WHERE kind = 'DATA_ERROR' AND correct_due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
      AND (status <> 'WITHDRAWN' OR corrected_at IS NOT NULL)
  -- MZ 39: each half-year a grant is in force in owes a usage report by
  -- its last day (domain.UsagePeriods: from its creation to its end).
  UNION ALL SELECT 'USAGE', g.department_id, g.id, h.period, h.due, u.filed_at, ''
    FROM unnest(@periods::text[], @firsts::timestamptz[], @dues::timestamptz[]) h(period, first, due)
    JOIN grants g ON g.created_at <= h.due AND (coalesce(g.revoked_at, g.valid_until) IS NULL OR coalesce(g.revoked_at, g.valid_until) >= h.first)
    LEFT JOIN usage_reports u ON u.grant_id = g.id AND u.period = h.period
    WHERE g.department_id = ANY(@ids)
)`

// eventsCTE are the events counted in the period: (figure, department, at).
const eventsCTE = `events(f, d, at) AS (
  -- QY 16(2), WZ 20: a refusal gives its reasons.
  SELECT 'REJECTED_NO_REASON', source_department_id, coalesce(authority_decided_at, source_decided_at) FROM share_requests
    WHERE status = 'REJECTED' AND btrim(reason) = '' AND source_department_id = ANY(@ids)
      AND coalesce(authority_decided_at, source_decided_at) BETWEEN @start AND @end
  -- WZ 21: bulk grants, counted for the department that provides them.
  UNION ALL SELECT 'BULK', r.source_department_id, g.created_at FROM grants g JOIN resources r ON r.id = g.resource_id
    WHERE g.mode = 'BULK' AND g.created_at BETWEEN @start AND @end AND r.source_department_id = ANY(@ids)
  -- WZ 22: suspensions and revocations, counted for the department that held the grant.
  UNION ALL SELECT c.to_status::text, g.department_id, c.at FROM grant_changes c JOIN grants g ON g.id = c.grant_id
    WHERE c.to_status IN ('SUSPENDED', 'REVOKED') AND c.at BETWEEN @start AND @end AND g.department_id = ANY(@ids)
)`

// Compliance counts the figures of the departments ids over p: entries as
// of p.AsOf(now), deadlines judged at now (domain.Judge); per department,
// per month of the period, and in total.
func (db *DB) Compliance(ctx context.Context, ids []int64, p domain.Period, now time.Time) (*domain.ComplianceReport, error) {
	asOf := p.AsOf(now)
	rep := &domain.ComplianceReport{Period: p, AsOf: asOf, Now: now, Total: &domain.ComplianceFigures{}, Departments: map[int64]*domain.ComplianceFigures{}}
	for _, id := range ids {
		rep.Departments[id] = &domain.ComplianceFigures{DepartmentID: id, Departments: 1}
	}
	rep.IDs = ids
	months := map[domain.Date]*domain.ComplianceFigures{}
	for _, m := range p.Months() {
		f := &domain.ComplianceFigures{Month: m}
		months[m] = f
		rep.Monthly = append(rep.Monthly, f)
	}
	args := complianceArgs(ids, p, now)
	// target is the figures a grouped row adds to: one department's, one
	// month's, or the total (only medians are read from the total row;
	// counts are summed from the departments, below).
	target := func(byDept, byMonth bool, d int64, m time.Time) *domain.ComplianceFigures {
		switch {
		case byDept:
			return rep.Departments[d]
		case byMonth:
			return months[domain.Date{Year: m.Year(), Month: m.Month(), Day: 1}]
		}
		return rep.Total
	}

	// Entries as of asOf (not additive over months: no monthly series).
	rows, err := db.pool.Query(ctx, `WITH `+entriesCTE+`
		SELECT e.d, count(*), count(*) FILTER (WHERE e.complete), count(*) FILTER (WHERE e.missing_basis),
		  count(*) FILTER (WHERE e.share_type = 'UNCONDITIONAL'), count(*) FILTER (WHERE e.share_type = 'CONDITIONAL'),
		  count(*) FILTER (WHERE e.share_type = 'NONE'),
		  count(*) FILTER (WHERE e.open_type = 'UNCONDITIONAL'), count(*) FILTER (WHERE e.open_type = 'CONDITIONAL'),
		  count(*) FILTER (WHERE e.open_type = 'NONE'),
		  (SELECT count(*) FROM upd WHERE upd.d = e.d), (SELECT count(*) FROM upd WHERE upd.d = e.d AND upd.due_at < @asOf)
		FROM ent e GROUP BY e.d`, args)
	if err != nil {
		return nil, fmt.Errorf("compliance entries: %w", err)
	}
	var d int64
	var c [12]int
	_, err = pgx.ForEachRow(rows, []any{&d, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9], &c[10]}, func() error {
		if f := rep.Departments[d]; f != nil {
			f.Entries, f.RequiredComplete, f.RestrictedMissingBasis = c[0], c[1], c[2]
			f.ShareTypes = domain.TypeCounts{Unconditional: c[3], Conditional: c[4], None: c[5]}
			f.OpenTypes = domain.TypeCounts{Unconditional: c[6], Conditional: c[7], None: c[8]}
			f.UpdateDue, f.Stale = c[9], c[10]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compliance entries: %w", err)
	}

	// QY 8: the last full review by asOf.
	rows, err = db.pool.Query(ctx, `SELECT department_id, max(reviewed_on) FROM catalogue_full_reviews
		WHERE department_id = ANY(@ids) AND reviewed_on <= @asOfDate GROUP BY department_id`, args)
	if err != nil {
		return nil, fmt.Errorf("compliance full reviews: %w", err)
	}
	var last time.Time
	today := domain.DateOf(asOf)
	_, err = pgx.ForEachRow(rows, []any{&d, &last}, func() error {
		if f := rep.Departments[d]; f != nil {
			l := dateOfColumn(last)
			if domain.FullReviewDone(&l, today) {
				f.FullReviewsDone = 1
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compliance full reviews: %w", err)
	}

	// Duties with a deadline in the period, judged by domain.Judge.
	rows, err = db.pool.Query(ctx, `WITH `+dutiesCTE+`
		SELECT f, GROUPING(d), GROUPING(m), coalesce(d, 0), coalesce(m, '2000-01-01'),
		  count(*) FILTER (WHERE done <= due),
		  count(*) FILTER (WHERE done > due OR done IS NULL AND due < @now)
		FROM (SELECT f, d, due, done, `+chinaMonth("due")+` AS m FROM duties) x
		GROUP BY GROUPING SETS ((f, d), (f, m))`, args)
	if err != nil {
		return nil, fmt.Errorf("compliance duties: %w", err)
	}
	var fig string
	var gd, gm int
	var month time.Time
	var met, failed int
	_, err = pgx.ForEachRow(rows, []any{&fig, &gd, &gm, &d, &month, &met, &failed}, func() error {
		f := target(gd == 0, gm == 0, d, month)
		if f == nil {
			return nil
		}
		r := domain.Ratio{Met: met, Due: met + failed}
		switch fig {
		case "REVIEW":
			f.Reviews = plus(f.Reviews, r)
		case "CHANGE":
			f.ChangeObligations = r
		case "SHARE":
			f.ShareRequests = r
		case "OPEN":
			f.OpenRequests = r
		case "VERIFY":
			f.ErrorsVerified = r
		case "CORRECT":
			f.ErrorsCorrected = r
		case "USAGE":
			f.UsageReports = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compliance duties: %w", err)
	}

	// Events in the period.
	rows, err = db.pool.Query(ctx, `WITH `+eventsCTE+`
		SELECT f, GROUPING(d), GROUPING(m), coalesce(d, 0), coalesce(m, '2000-01-01'), count(*)
		FROM (SELECT f, d, `+chinaMonth("at")+` AS m FROM events) x
		GROUP BY GROUPING SETS ((f, d), (f, m))`, args)
	if err != nil {
		return nil, fmt.Errorf("compliance events: %w", err)
	}
	var n int
	_, err = pgx.ForEachRow(rows, []any{&fig, &gd, &gm, &d, &month, &n}, func() error {
		f := target(gd == 0, gm == 0, d, month)
		if f == nil {
			return nil
		}
		switch fig {
		case "REJECTED_NO_REASON":
			f.RejectionsWithoutReason = n
		case "BULK":
			f.BulkGrants = n
		case "SUSPENDED":
			f.GrantsSuspended = n
		case "REVOKED":
			f.GrantsRevoked = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compliance events: %w", err)
	}

	// The median answer time of requests answered in the period (the
	// median does not add up, so each group, and the total, gets its own).
	rows, err = db.pool.Query(ctx, `SELECT GROUPING(d), GROUPING(m), coalesce(d, 0), coalesce(m, '2000-01-01'), count(*),
		  percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_days)
		FROM (SELECT source_department_id AS d, answer_days, `+chinaMonth("source_decided_at")+` AS m FROM share_requests
		  WHERE source_decided_at BETWEEN @start AND @end
		    AND answer_days IS NOT NULL AND source_department_id = ANY(@ids)) x
		GROUP BY GROUPING SETS ((d), (m), ())`, args)
	if err != nil {
		return nil, fmt.Errorf("compliance answer times: %w", err)
	}
	var median *float64 // null for the total when nothing was answered
	_, err = pgx.ForEachRow(rows, []any{&gd, &gm, &d, &month, &n, &median}, func() error {
		if f := target(gd == 0, gm == 0, d, month); f != nil {
			f.Answered, f.MedianAnswerDays = n, median
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compliance answer times: %w", err)
	}

	// Violations, per department and per month: a missed deadline's month,
	// an event's (a rejection, a suspension); a standing state (stale
	// data, no full review) is dated asOf, so the months add up.
	rows, err = db.pool.Query(ctx, `WITH `+violationsCTE+`
		SELECT GROUPING(d), GROUPING(m), coalesce(d, 0), coalesce(m, '2000-01-01'), count(*)
		FROM (SELECT d, `+chinaMonth("CASE WHEN k IN ("+kindIndex(domain.ViolationStaleData)+", "+kindIndex(domain.ViolationFullReviewMissing)+
		") THEN @asOf ELSE coalesce(due, done) END")+` AS m FROM violations) x
		GROUP BY GROUPING SETS ((d), (m))`, args)
	if err != nil {
		return nil, fmt.Errorf("compliance violations: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&gd, &gm, &d, &month, &n}, func() error {
		if f := target(gd == 0, gm == 0, d, month); f != nil {
			f.Violations = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compliance violations: %w", err)
	}

	answered, medianTotal := rep.Total.Answered, rep.Total.MedianAnswerDays
	*rep.Total = domain.ComplianceFigures{}
	for _, id := range ids {
		rep.Total.Add(rep.Departments[id])
	}
	rep.Total.Answered, rep.Total.MedianAnswerDays = answered, medianTotal
	return rep, nil
}

func plus(a, b domain.Ratio) domain.Ratio {
	return domain.Ratio{Met: a.Met + b.Met, Due: a.Due + b.Due}
}

// violationsCTE lists every violation of the departments in the period:
// (k: the kind's place in domain.ViolationKinds, d, record, sub, due,
// done, note). A duty fails by domain.Judge when late or overdue; the
// authority's reviews are its own duty, not the department's.
var violationsCTE = entriesCTE + `, ` + dutiesCTE + `,
violations(k, d, record, sub, due, done, note) AS (
  SELECT CASE f WHEN 'CHANGE' THEN ` + kindIndex(domain.ViolationCatalogueChangeLate) + `
      WHEN 'SHARE' THEN ` + kindIndex(domain.ViolationShareRequestLate) + `
      WHEN 'OPEN' THEN ` + kindIndex(domain.ViolationOpenRequestLate) + `
      WHEN 'USAGE' THEN ` + kindIndex(domain.ViolationUsageReportMissing) + `
      ELSE ` + kindIndex(domain.ViolationDataErrorLate) + ` END, d, record, sub, due, done, note
    FROM duties WHERE f <> 'REVIEW' AND (done > due OR done IS NULL AND due < @now)
  UNION ALL SELECT ` + kindIndex(domain.ViolationFullReviewMissing) + `, dep.id, dep.id, '', f.last::timestamptz + interval '12 months', NULL, ''
    FROM departments dep
    LEFT JOIN LATERAL (SELECT max(reviewed_on) AS last FROM catalogue_full_reviews fr
      WHERE fr.department_id = dep.id AND fr.reviewed_on <= @asOfDate) f ON true
    -- domain.FullReviewDone: a full review within the year before asOf;
    -- owed by departments with entries in the catalogue.
    WHERE dep.id = ANY(@ids) AND (f.last IS NULL OR f.last < @asOfDate::date - interval '12 months')
      AND EXISTS (SELECT 1 FROM ent WHERE ent.d = dep.id)
  UNION ALL SELECT ` + kindIndex(domain.ViolationStaleData) + `, upd.d, upd.id, '', upd.due_at, upd.last, upd.update_frequency::text
    FROM upd WHERE upd.due_at < @asOf
  UNION ALL SELECT ` + kindIndex(domain.ViolationRejectionWithoutReason) + `, sr.source_department_id, sr.id, '', NULL::timestamptz,
      coalesce(sr.authority_decided_at, sr.source_decided_at), ''
    FROM share_requests sr
    WHERE sr.status = 'REJECTED' AND btrim(sr.reason) = '' AND sr.source_department_id = ANY(@ids)
      AND coalesce(sr.authority_decided_at, sr.source_decided_at) BETWEEN @start AND @end
  UNION ALL SELECT CASE c.to_status WHEN 'SUSPENDED' THEN ` + kindIndex(domain.ViolationGrantSuspended) + ` ELSE ` + kindIndex(domain.ViolationGrantRevoked) + ` END,
      g.department_id, g.id, to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), NULL::timestamptz, c.at, c.reason
    FROM grant_changes c JOIN grants g ON g.id = c.grant_id
    WHERE c.to_status IN ('SUSPENDED', 'REVOKED') AND c.at BETWEEN @start AND @end AND g.department_id = ANY(@ids)
)`

func kindIndex(k domain.ViolationKind) string {
	for i, x := range domain.ViolationKinds {
		if x == k {
			return strconv.Itoa(i)
		}
	}
	panic("unknown violation kind " + string(k))
}

// ComplianceDepartments are the departments of scope s, in ID order; a
// region covers the regions under it (domain.RegionPrefix).
func (db *DB) ComplianceDepartments(ctx context.Context, s domain.ComplianceScope) ([]*domain.Department, error) {
	q := &query{}
	if s.DepartmentID != 0 {
		q.and("d.id = " + q.arg(s.DepartmentID))
	}
	if s.RegionCode != "" {
		q.and("d.region_code LIKE " + q.arg(domain.RegionPrefix(s.RegionCode)+"%"))
	}
	if s.Level != "" {
		q.and("d.level = " + q.arg(string(s.Level)) + "::department_level")
	}
	rows, err := db.pool.Query(ctx, "SELECT "+departmentColumns+" FROM departments d"+q.whereSQL()+" ORDER BY d.id", q.args...)
	if err != nil {
		return nil, fmt.Errorf("compliance departments: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanDepartment)
	if err != nil {
		return nil, fmt.Errorf("compliance departments: %w", err)
	}
	return list, nil
}

// Violations pages the violations of the departments ids over p as
// Compliance finds them, by kind (in domain.ViolationKinds order), then record.
func (db *DB) Violations(ctx context.Context, ids []int64, p domain.Period, now time.Time, f domain.ViolationCriteria, pa domain.PageArgs) (*domain.Page[*domain.ComplianceViolation], error) {
	if err := pa.Validate(); err != nil {
		return nil, err
	}
	c, err := decodeCursor(pa.After, "violations")
	if err != nil {
		return nil, err
	}
	args := complianceArgs(ids, p, now)
	where := []string{"true"}
	if len(f.Kinds) > 0 {
		var ks []int
		for _, k := range f.Kinds {
			i, _ := strconv.Atoi(kindIndex(k))
			ks = append(ks, i)
		}
		args["kinds"] = ks
		where = append(where, "k = ANY(@kinds)")
	}
	if f.DepartmentID != 0 {
		args["dept"] = f.DepartmentID
		where = append(where, "d = @dept")
	}
	if c != nil {
		k, sub, ok := strings.Cut(c.Value, "/")
		ki, err := strconv.Atoi(k)
		if !ok || err != nil {
			return nil, domain.Errorf(domain.EInvalid, "after: %q is not a cursor from this list; pass the endCursor of the previous page", pa.After)
		}
		args["ck"], args["cr"], args["cs"] = ki, c.ID, sub
		where = append(where, "(k, record, sub) > (@ck, @cr, @cs)")
	}
	rows, err := db.pool.Query(ctx, `WITH `+violationsCTE+`
		SELECT k, d, record, sub, due, done, note FROM violations WHERE `+strings.Join(where, " AND ")+`
		ORDER BY k, record, sub`+limit(pa), args)
	if err != nil {
		return nil, fmt.Errorf("violations: %w", err)
	}
	type row struct {
		v   *domain.ComplianceViolation
		k   int
		sub string
	}
	var list []row
	var (
		k         int
		d, record int64
		sub, note string
		due, done *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&k, &d, &record, &sub, &due, &done, &note}, func() error {
		v := domain.NewViolation(domain.ViolationKinds[k], d, record, sub, due, done, note, now)
		list = append(list, row{v, k, sub})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("violations: %w", err)
	}
	pg := page(list, pa, func(r row) string { return encodeCursor("violations", strconv.Itoa(r.k)+"/"+r.sub, r.v.RecordID) })
	out := &domain.Page[*domain.ComplianceViolation]{Cursors: pg.Cursors, HasNextPage: pg.HasNextPage, HasPreviousPage: pg.HasPreviousPage}
	for _, r := range pg.Nodes {
		out.Nodes = append(out.Nodes, r.v)
	}
	return out, nil
}
