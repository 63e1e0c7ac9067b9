package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// The compliance figures are counted in SQL, by the rules of domain's
// compliance.go: domain.Judge for every on-time figure (done <= due on
// time; done > due late; undone with due < now overdue),
// domain.UpdateInterval for staleness, domain.FullReviewDone for the
// yearly review, CountViolations for the violations. Duties, events and
// answer times of whole past months come from compliance_rollups (by
// department and month, recounted from the marks triggers leave in
// compliance_dirty), the rest of a period from the records, each query
// grouping by department and by month in one pass (GROUPING SETS);
// entries come from compliance_entries, kept row by row.

// complianceArgs are the named parameters every compliance query takes:
// the departments, the span [start, end] whose deadlines and events count,
// asOf for entries, now for deadlines.
func complianceArgs(ids []int64, start, end, asOf, now time.Time) pgx.NamedArgs {
	var freqs []string
	var months, days []int
	for _, f := range domain.UpdateFrequencies() {
		if m, d, ok := domain.UpdateInterval(f); ok {
			freqs, months, days = append(freqs, string(f)), append(months, m), append(days, d)
		}
	}
	// MZ 39: the half-years whose report falls due in the span.
	var periods []string
	var firsts, dues []time.Time
	span := domain.Period{From: domain.DateOf(start), To: domain.DateOf(end)}
	for _, h := range span.HalfYears() {
		if due := h.Last().EndOfDay(); !due.Before(start) && !due.After(end) {
			periods, firsts, dues = append(periods, h.String()), append(firsts, h.First().StartOfDay()), append(dues, due)
		}
	}
	return pgx.NamedArgs{"ids": ids, "start": start, "end": end, "asOf": asOf, "now": now, "asOfDate": dateColumn(domain.DateOf(asOf)),
		"freqs": freqs, "months": months, "days": days, "periods": periods, "firsts": firsts, "dues": dues}
}

// customPlan runs a compliance query as an unnamed statement, planned
// for its own arguments each time: a cached generic plan cannot know
// whether the departments are one or a whole city, and at the full city's
// scale the generic plans took ten times as long.
const customPlan = pgx.QueryExecModeExec

// chinaMonth is the first day of the month of timestamptz x in China time.
func chinaMonth(x string) string {
	return "date_trunc('month', " + x + " AT TIME ZONE 'Asia/Shanghai')::date"
}

// intervalsCTE is how long each frequency may go without an update (MZ 13,
// domain.UpdateInterval).
const intervalsCTE = `iv(freq, months, days) AS (SELECT * FROM unnest(@freqs::text[], @months::int[], @days::int[]))`

// updateDue is when an entry next owes an update (MZ 13): its frequency's
// interval (iv) after its last update by asOf, or after its publication.
func updateDue(last, published string) string {
	return `((coalesce(` + last + `, ` + published + `) AT TIME ZONE 'Asia/Shanghai') + make_interval(months => iv.months, days => iv.days))
  AT TIME ZONE 'Asia/Shanghai'`
}

// entriesCTE are the published entries of the departments as of asOf,
// from entries (compliance_entries, or the view it keeps), with when each
// next owes an update (NULL: never, IRREGULAR). An entry updated since
// asOf looks up its last update by then.
func entriesCTE(entries string) string {
	return intervalsCTE + `,
ent AS (
  SELECT l.resource_id AS id, l.department_id AS d, l.share_type, l.open_type, l.update_frequency, l.complete, l.missing_basis, l.last,
    ` + updateDue("l.last", "l.published_at") + ` AS update_due
  FROM (SELECT e.*, CASE WHEN e.last_update_at IS NULL OR e.last_update_at <= @asOf THEN e.last_update_at
      ELSE (SELECT max(du.at) FROM data_updates du WHERE du.resource_id = e.resource_id AND du.at <= @asOf) END AS last
    FROM ` + entries + ` e WHERE e.department_id = ANY(@ids) AND e.published_at <= @asOf) l
  LEFT JOIN iv ON iv.freq = l.update_frequency
)`
}

// dutyBranches are the duties with a deadline in [start, end], by
// figure: (d: the department owing it, record, sub, due, done, note).
var dutyBranches = []struct{ figure, sql string }{
	// MZ 8, NY 22, WZ 11: the authority's review of a submission.
	{"REVIEW", `SELECT department_id AS d, resource_id AS record, version::text AS sub, due_at AS due, decided_at AS done, '' AS note
	  FROM catalogue_reviews WHERE due_at BETWEEN @start AND @end AND department_id = ANY(@ids)`},
	{"REVIEW", `SELECT source_department_id, id, '', review_due_at, NULL::timestamptz, '' FROM resources
	  WHERE review_due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)`},
	// MZ 8, QY 8, NY 22, WZ 11: a catalogue change obligation.
	{"CHANGE", `SELECT department_id AS d, id AS record, '' AS sub, due_at AS due, met_at AS done, due_citation AS note
	  FROM catalogue_change_obligations WHERE due_at BETWEEN @start AND @end AND department_id = ANY(@ids)`},
	// MZ 21, QY 16, WZ 20: the source's answer; withdrawn unanswered requests owe none.
	{"SHARE", `SELECT source_department_id AS d, id AS record, '' AS sub, due_at AS due, source_decided_at AS done, coalesce(due_citation, '') AS note
	  FROM share_requests WHERE due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
	    AND (status <> 'WITHDRAWN' OR source_decided_at IS NOT NULL)`},
	// NY 46: the answer to an open request.
	{"OPEN", `SELECT r.source_department_id AS d, o.id AS record, '' AS sub, o.due_at AS due, o.decided_at AS done, coalesce(o.due_citation, '') AS note
	  FROM open_requests o JOIN resources r ON r.id = o.resource_id
	  WHERE o.due_at BETWEEN @start AND @end AND r.source_department_id = ANY(@ids) AND (o.status <> 'WITHDRAWN' OR o.decided_at IS NOT NULL)`},
	// MZ 23, NY 65, WZ 23: verifying a reported error, then correcting it.
	{"VERIFY", `SELECT source_department_id AS d, id AS record, 'VERIFY' AS sub, due_at AS due, verified_at AS done, coalesce(due_citation, '') AS note
	  FROM disputes WHERE kind = 'DATA_ERROR' AND due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
	    AND (status <> 'WITHDRAWN' OR verified_at IS NOT NULL)`},
	{"CORRECT", `SELECT source_department_id AS d, id AS record, 'CORRECT' AS sub, correct_due_at AS due, corrected_at AS done,
	    coalesce(correct_due_citation, '') AS note
	  FROM disputes WHERE kind = 'DATA_ERROR' AND correct_due_at BETWEEN @start AND @end AND source_department_id = ANY(@ids)
	    AND (status <> 'WITHDRAWN' OR corrected_at IS NOT NULL)`},
	// MZ 39: each half-year a grant is in force in owes a usage report by
	// its last day (domain.UsagePeriods: from its creation to its end).
	{"USAGE", `SELECT g.department_id AS d, g.id AS record, h.period AS sub, h.due AS due, u.filed_at AS done, '' AS note
	  FROM unnest(@periods::text[], @firsts::timestamptz[], @dues::timestamptz[]) h(period, first, due)
	  JOIN grants g ON g.created_at <= h.due AND (coalesce(g.revoked_at, g.valid_until) IS NULL OR coalesce(g.revoked_at, g.valid_until) >= h.first)
	  LEFT JOIN usage_reports u ON u.grant_id = g.id AND u.period = h.period
	  WHERE g.department_id = ANY(@ids)`},
}

// dutiesCTE is every duty branch: (f, d, record, sub, due, done, note).
var dutiesCTE = func() string {
	var parts []string
	for _, b := range dutyBranches {
		parts = append(parts, "SELECT '"+b.figure+"', x.* FROM ("+b.sql+") x")
	}
	return "duties(f, d, record, sub, due, done, note) AS (\n" + strings.Join(parts, "\n  UNION ALL ") + ")"
}()

// failingSQL is domain.Judge's late or overdue, for a duty (due, done).
const failingSQL = `(done > due OR done IS NULL AND due < @now)`

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
// per month of the period, and in total. Whole months before now's month
// are read from compliance_rollups (refreshed first); the rest of the
// period is counted from the records.
func (db *DB) Compliance(ctx context.Context, ids []int64, p domain.Period, now time.Time) (*domain.ComplianceReport, error) {
	if err := db.RefreshCompliance(ctx); err != nil {
		return nil, err
	}
	return db.compliance(ctx, ids, p, now, true)
}

// figureSink adds grouped rows to a report: by department, by month, or
// (medians only) the total, with the answer-time histograms the medians
// come from.
type figureSink struct {
	rep    *domain.ComplianceReport
	months map[domain.Date]*domain.ComplianceFigures
	hist   map[*domain.ComplianceFigures]map[int]int
}

func (k *figureSink) target(byDept bool, d int64, m time.Time) *domain.ComplianceFigures {
	if byDept {
		return k.rep.Departments[d]
	}
	return k.months[domain.Date{Year: m.Year(), Month: m.Month(), Day: 1}]
}

// duty adds met and failed duties of a figure.
func (k *figureSink) duty(f *domain.ComplianceFigures, fig string, met, failed int) {
	r := domain.Ratio{Met: met, Due: met + failed}
	switch fig {
	case "REVIEW":
		f.Reviews = f.Reviews.Plus(r)
	case "CHANGE":
		f.ChangeObligations = f.ChangeObligations.Plus(r)
	case "SHARE":
		f.ShareRequests = f.ShareRequests.Plus(r)
	case "OPEN":
		f.OpenRequests = f.OpenRequests.Plus(r)
	case "VERIFY":
		f.ErrorsVerified = f.ErrorsVerified.Plus(r)
	case "CORRECT":
		f.ErrorsCorrected = f.ErrorsCorrected.Plus(r)
	case "USAGE":
		f.UsageReports = f.UsageReports.Plus(r)
	case "REJECTED_NO_REASON":
		f.RejectionsWithoutReason += met
	case "BULK":
		f.BulkGrants += met
	case "SUSPENDED":
		f.GrantsSuspended += met
	case "REVOKED":
		f.GrantsRevoked += met
	}
}

func (k *figureSink) answers(f *domain.ComplianceFigures, days, n int) {
	if k.hist[f] == nil {
		k.hist[f] = map[int]int{}
	}
	k.hist[f][days] += n
	f.Answered += n
}

func (db *DB) compliance(ctx context.Context, ids []int64, p domain.Period, now time.Time, rollups bool) (*domain.ComplianceReport, error) {
	asOf := p.AsOf(now)
	rep := &domain.ComplianceReport{Period: p, AsOf: asOf, Now: now, IDs: ids, Total: &domain.ComplianceFigures{}, Departments: map[int64]*domain.ComplianceFigures{}}
	k := &figureSink{rep: rep, months: map[domain.Date]*domain.ComplianceFigures{}, hist: map[*domain.ComplianceFigures]map[int]int{}}
	for _, id := range ids {
		rep.Departments[id] = &domain.ComplianceFigures{DepartmentID: id, Departments: 1}
	}
	for _, m := range p.Months() {
		f := &domain.ComplianceFigures{Month: m}
		k.months[m] = f
		rep.Monthly = append(rep.Monthly, f)
	}
	entries := "compliance_entries"
	if !rollups {
		entries = "compliance_entries_source"
	}
	if err := db.complianceEntries(ctx, complianceArgs(ids, p.Start(), p.End(), asOf, now), entries, rep); err != nil {
		return nil, err
	}
	// The whole months before now's that the period covers come from the
	// rollups; what is left at either end, from the records.
	var live [][2]time.Time
	first, last := rollupMonths(p, now)
	if !rollups || last.Before(first) {
		live = append(live, [2]time.Time{p.Start(), p.End()})
	} else {
		if err := db.rollupFigures(ctx, ids, first, last, k); err != nil {
			return nil, err
		}
		if p.Start().Before(first.StartOfDay()) {
			live = append(live, [2]time.Time{p.Start(), first.StartOfDay().Add(-time.Microsecond)})
		}
		if after := last.AddMonths(1).StartOfDay(); !after.After(p.End()) {
			live = append(live, [2]time.Time{after, p.End()})
		}
	}
	for _, span := range live {
		if err := db.liveFigures(ctx, complianceArgs(ids, span[0], span[1], asOf, now), k); err != nil {
			return nil, err
		}
	}

	// Totals, medians and violations.
	total := map[int]int{}
	for _, id := range ids {
		f := rep.Departments[id]
		for d, n := range k.hist[f] {
			total[d] += n
		}
		f.MedianAnswerDays = domain.MedianOf(k.hist[f])
		f.Violations = f.CountViolations(true)
		rep.Total.Add(f)
		if m := k.months[monthStart(domain.DateOf(asOf))]; m != nil {
			// Standing states count in asOf's month.
			m.Violations += f.CountViolations(true) - f.CountViolations(false)
		}
	}
	rep.Total.MedianAnswerDays = domain.MedianOf(total)
	for _, m := range rep.Monthly {
		m.MedianAnswerDays = domain.MedianOf(k.hist[m])
		m.Violations += m.CountViolations(false)
	}
	return rep, nil
}

func monthStart(d domain.Date) domain.Date { return domain.Date{Year: d.Year, Month: d.Month, Day: 1} }

// rollupMonths are the first and last month (their first days) that p
// covers whole and that ended before now's month began; last before first
// when there is none.
func rollupMonths(p domain.Period, now time.Time) (first, last domain.Date) {
	first = monthStart(p.From)
	if first != p.From {
		first = first.AddMonths(1)
	}
	last = monthStart(p.To.AddDays(1)).AddMonths(-1)
	if current := monthStart(domain.DateOf(now)); !last.Before(current) {
		last = current.AddMonths(-1)
	}
	return first, last
}

// complianceEntries counts the published entries as of asOf, and each
// department's yearly full review (QY 8).
func (db *DB) complianceEntries(ctx context.Context, args pgx.NamedArgs, entries string, rep *domain.ComplianceReport) error {
	rows, err := db.pool.Query(ctx, `WITH `+entriesCTE(entries)+`
		SELECT d, count(*), count(*) FILTER (WHERE complete), count(*) FILTER (WHERE missing_basis),
		  count(*) FILTER (WHERE share_type = 'UNCONDITIONAL'), count(*) FILTER (WHERE share_type = 'CONDITIONAL'),
		  count(*) FILTER (WHERE share_type = 'NONE'),
		  count(*) FILTER (WHERE open_type = 'UNCONDITIONAL'), count(*) FILTER (WHERE open_type = 'CONDITIONAL'),
		  count(*) FILTER (WHERE open_type = 'NONE'), count(update_due), count(*) FILTER (WHERE update_due < @asOf)
		FROM ent GROUP BY d`, customPlan, args)
	if err != nil {
		return fmt.Errorf("compliance entries: %w", err)
	}
	var d int64
	var c [11]int
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
		return fmt.Errorf("compliance entries: %w", err)
	}
	rows, err = db.pool.Query(ctx, `SELECT department_id, max(reviewed_on) FROM catalogue_full_reviews
		WHERE department_id = ANY(@ids) AND reviewed_on <= @asOfDate GROUP BY department_id`, customPlan, args)
	if err != nil {
		return fmt.Errorf("compliance full reviews: %w", err)
	}
	var last time.Time
	today := domain.DateOf(rep.AsOf)
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
		return fmt.Errorf("compliance full reviews: %w", err)
	}
	return nil
}

// liveFigures counts the duties due, events and answers in [start, end]
// from the records, duties judged at now by domain.Judge.
func (db *DB) liveFigures(ctx context.Context, args pgx.NamedArgs, k *figureSink) error {
	rows, err := db.pool.Query(ctx, `WITH `+dutiesCTE+`, `+eventsCTE+`
		SELECT f, GROUPING(d), coalesce(d, 0), coalesce(m, '2000-01-01'),
		  count(*) FILTER (WHERE done <= due), count(*) FILTER (WHERE `+failingSQL+`)
		FROM (SELECT f, d, due, done, `+chinaMonth("due")+` AS m FROM duties
		  UNION ALL SELECT f, d, at, at, `+chinaMonth("at")+` FROM events) x
		GROUP BY GROUPING SETS ((f, d), (f, m))`, customPlan, args)
	if err != nil {
		return fmt.Errorf("compliance duties: %w", err)
	}
	var fig string
	var gd, met, failed int
	var d int64
	var month time.Time
	_, err = pgx.ForEachRow(rows, []any{&fig, &gd, &d, &month, &met, &failed}, func() error {
		if f := k.target(gd == 0, d, month); f != nil {
			k.duty(f, fig, met, failed)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("compliance duties: %w", err)
	}
	rows, err = db.pool.Query(ctx, `SELECT GROUPING(d), coalesce(d, 0), coalesce(m, '2000-01-01'), answer_days, count(*)
		FROM (SELECT source_department_id AS d, answer_days, `+chinaMonth("source_decided_at")+` AS m FROM share_requests
		  WHERE source_decided_at BETWEEN @start AND @end AND answer_days IS NOT NULL AND source_department_id = ANY(@ids)) x
		GROUP BY GROUPING SETS ((d, answer_days), (m, answer_days))`, customPlan, args)
	if err != nil {
		return fmt.Errorf("compliance answer times: %w", err)
	}
	var days, n int
	_, err = pgx.ForEachRow(rows, []any{&gd, &d, &month, &days, &n}, func() error {
		if f := k.target(gd == 0, d, month); f != nil {
			k.answers(f, days, n)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("compliance answer times: %w", err)
	}
	return nil
}

// rollupFigures reads the months first..last from compliance_rollups: all
// their deadlines have passed, so a duty still undone is overdue.
func (db *DB) rollupFigures(ctx context.Context, ids []int64, first, last domain.Date, k *figureSink) error {
	rows, err := db.pool.Query(ctx, `SELECT figure, days, GROUPING(department_id), coalesce(department_id, 0), coalesce(month, '2000-01-01'),
		  sum(met)::int, sum(late + undone)::int
		FROM compliance_rollups WHERE month BETWEEN $1 AND $2 AND department_id = ANY($3)
		GROUP BY GROUPING SETS ((figure, days, department_id), (figure, days, month))`, customPlan, dateColumn(first), dateColumn(last), ids)
	if err != nil {
		return fmt.Errorf("compliance rollups: %w", err)
	}
	var fig string
	var days, gd, met, failed int
	var d int64
	var month time.Time
	_, err = pgx.ForEachRow(rows, []any{&fig, &days, &gd, &d, &month, &met, &failed}, func() error {
		f := k.target(gd == 0, d, month)
		switch {
		case f == nil:
		case fig == "ANSWER":
			k.answers(f, days, met)
		default:
			k.duty(f, fig, met, failed)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("compliance rollups: %w", err)
	}
	return nil
}

// RefreshCompliance recounts the rollups of the (department, month) pairs
// that changes marked in compliance_dirty since the last refresh. The
// marks are taken and the rollups rewritten in one transaction; a change
// committed meanwhile leaves its mark for the next refresh.
func (db *DB) RefreshCompliance(ctx context.Context) error {
	return db.plainTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('compliance_rollups'))`); err != nil {
			return fmt.Errorf("compliance refresh: %w", err)
		}
		// A mark a writer holds locked belongs to a change not yet
		// committed: it is left for the next refresh.
		rows, err := tx.tx.Query(ctx, `DELETE FROM compliance_dirty WHERE (department_id, month) IN
			(SELECT department_id, month FROM compliance_dirty FOR UPDATE SKIP LOCKED) RETURNING department_id, month`)
		if err != nil {
			return fmt.Errorf("compliance refresh: %w", err)
		}
		var ds []int64
		var ms []time.Time
		var d int64
		var m time.Time
		_, err = pgx.ForEachRow(rows, []any{&d, &m}, func() error {
			ds, ms = append(ds, d), append(ms, m)
			return nil
		})
		if err != nil || len(ds) == 0 {
			return err
		}
		ids := map[int64]bool{}
		first, last := ms[0], ms[0]
		for i := range ds {
			ids[ds[i]] = true
			if ms[i].Before(first) {
				first = ms[i]
			}
			if ms[i].After(last) {
				last = ms[i]
			}
		}
		idList := make([]int64, 0, len(ids))
		for id := range ids {
			idList = append(idList, id)
		}
		start := dateOfColumn(first).StartOfDay()
		end := dateOfColumn(last).AddMonths(1).StartOfDay().Add(-time.Microsecond)
		args := complianceArgs(idList, start, end, end, end)
		args["dd"], args["mm"] = ds, ms
		if _, err := tx.tx.Exec(ctx, `DELETE FROM compliance_rollups r USING unnest(@dd::bigint[], @mm::date[]) x(d, m)
			WHERE r.department_id = x.d AND r.month = x.m`, customPlan, args); err != nil {
			return fmt.Errorf("compliance refresh: %w", err)
		}
		_, err = tx.tx.Exec(ctx, `INSERT INTO compliance_rollups (department_id, month, figure, days, met, late, undone)
			WITH `+dutiesCTE+`, `+eventsCTE+`,
			dirty(d, m) AS (SELECT * FROM unnest(@dd::bigint[], @mm::date[])),
			rows(f, d, m, days, met, late, undone) AS (
			  SELECT f, d, m, -1, count(*) FILTER (WHERE done <= due), count(*) FILTER (WHERE done > due), count(*) FILTER (WHERE done IS NULL)
			    FROM (SELECT f, d, due, done, `+chinaMonth("due")+` AS m FROM duties) x GROUP BY f, d, m
			  UNION ALL SELECT f, d, m, -1, count(*), 0, 0
			    FROM (SELECT f, d, `+chinaMonth("at")+` AS m FROM events) x GROUP BY f, d, m
			  UNION ALL SELECT 'ANSWER', d, m, answer_days, count(*), 0, 0
			    FROM (SELECT source_department_id AS d, answer_days, `+chinaMonth("source_decided_at")+` AS m FROM share_requests
			      WHERE source_decided_at BETWEEN @start AND @end AND answer_days IS NOT NULL AND source_department_id = ANY(@ids)) x
			    GROUP BY d, m, answer_days)
			SELECT r.d, r.m, r.f, r.days, r.met, r.late, r.undone FROM rows r JOIN dirty USING (d, m)`, customPlan, args)
		if err != nil {
			return fmt.Errorf("compliance refresh: %w", err)
		}
		return nil
	})
}

// violationBranches are, for each kind, the SQL of its violations: (d,
// record, sub, due, done, note); duty kinds are the failing duties of
// their figures (the authority's reviews are its own duty, no
// department's violation).
var violationBranches = func() map[domain.ViolationKind]string {
	duty := func(figures ...string) string {
		var parts []string
		for _, b := range dutyBranches {
			for _, f := range figures {
				if b.figure == f {
					parts = append(parts, "SELECT * FROM ("+b.sql+") x WHERE "+failingSQL)
				}
			}
		}
		return strings.Join(parts, " UNION ALL ")
	}
	return map[domain.ViolationKind]string{
		domain.ViolationCatalogueChangeLate: duty("CHANGE"),
		domain.ViolationShareRequestLate:    duty("SHARE"),
		domain.ViolationOpenRequestLate:     duty("OPEN"),
		domain.ViolationDataErrorLate:       duty("VERIFY", "CORRECT"),
		domain.ViolationUsageReportMissing:  duty("USAGE"),
		// domain.FullReviewDone: a full review within the year before
		// asOf; owed by departments with entries in the catalogue.
		domain.ViolationFullReviewMissing: `SELECT dep.id AS d, dep.id AS record, '' AS sub, ((f.last + interval '12 months')::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' - interval '1 microsecond' AS due,
		    NULL::timestamptz AS done, '' AS note
		  FROM departments dep
		  LEFT JOIN LATERAL (SELECT max(reviewed_on) AS last FROM catalogue_full_reviews fr
		    WHERE fr.department_id = dep.id AND fr.reviewed_on <= @asOfDate) f ON true
		  WHERE dep.id = ANY(@ids) AND (f.last IS NULL OR f.last < @asOfDate::date - interval '12 months')
		    AND EXISTS (SELECT 1 FROM resources r WHERE r.source_department_id = dep.id AND r.status = 'PUBLISHED' AND r.published_at <= @asOf)`,
		// MZ 13: as entriesCTE's update_due, entry by entry.
		domain.ViolationStaleData: `SELECT r.source_department_id AS d, r.id AS record, '' AS sub, due.at AS due, l.last AS done,
		    r.update_frequency::text AS note
		  FROM resources r JOIN iv ON iv.freq = r.update_frequency::text
		  LEFT JOIN LATERAL (SELECT max(du.at) AS last FROM data_updates du WHERE du.resource_id = r.id AND du.at <= @asOf) l ON true
		  CROSS JOIN LATERAL (SELECT ` + updateDue("l.last", "r.published_at") + ` AS at) due
		  WHERE r.status = 'PUBLISHED' AND r.published_at <= @asOf AND r.source_department_id = ANY(@ids) AND due.at < @asOf`,
		// QY 16(2), WZ 20: a refusal gives its reasons.
		domain.ViolationRejectionWithoutReason: `SELECT source_department_id AS d, id AS record, '' AS sub, NULL::timestamptz AS due,
		    coalesce(authority_decided_at, source_decided_at) AS done, '' AS note
		  FROM share_requests
		  WHERE status = 'REJECTED' AND btrim(reason) = '' AND source_department_id = ANY(@ids)
		    AND coalesce(authority_decided_at, source_decided_at) BETWEEN @start AND @end`,
		domain.ViolationGrantSuspended: grantChangeViolations("SUSPENDED"),
		domain.ViolationGrantRevoked:   grantChangeViolations("REVOKED"),
	}
}()

// grantChangeViolations are the changes of grants to status in the
// period, counted for the department that held the grant (WZ 22).
func grantChangeViolations(status string) string {
	return `SELECT g.department_id AS d, g.id AS record, to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS sub,
	    NULL::timestamptz AS due, c.at AS done, c.reason AS note
	  FROM grant_changes c JOIN grants g ON g.id = c.grant_id
	  WHERE c.to_status = '` + status + `' AND c.at BETWEEN @start AND @end AND g.department_id = ANY(@ids)`
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
		q.and("d.level = " + q.label(string(s.Level), "department_level"))
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
	args := complianceArgs(ids, p.Start(), p.End(), p.AsOf(now), now)
	if f.DepartmentID != 0 {
		args["dept"] = f.DepartmentID
	}
	ck := 0
	if c != nil {
		k, sub, ok := strings.Cut(c.Value, "/")
		ki, err := strconv.Atoi(k)
		if !ok || err != nil || ki < 0 || ki >= len(domain.ViolationKinds) {
			return nil, domain.Errorf(domain.EInvalid, "after: %q is not a cursor from this list; pass the endCursor of the previous page", pa.After)
		}
		ck, args["cr"], args["cs"] = ki, c.ID, sub
	}
	type row struct {
		v   *domain.ComplianceViolation
		k   int
		sub string
	}
	var list []row
	// Kind by kind in order, each ordered by record: a page reads only
	// as far as it needs.
	for k, kind := range domain.ViolationKinds {
		if len(list) > pa.First || c != nil && k < ck || len(f.Kinds) > 0 && !slices.Contains(f.Kinds, kind) {
			continue
		}
		cond := "true"
		if f.DepartmentID != 0 {
			cond += " AND d = @dept"
		}
		if c != nil && k == ck {
			cond += " AND (record, sub) > (@cr, @cs)"
		}
		rows, err := db.pool.Query(ctx, `WITH `+intervalsCTE+`
			SELECT d, record, sub, due, done, note FROM (`+violationBranches[kind]+`) v WHERE `+cond+`
			ORDER BY record, sub LIMIT `+strconv.Itoa(pa.First+1-len(list)), args)
		if err != nil {
			return nil, fmt.Errorf("violations: %w", err)
		}
		var (
			d, record int64
			sub, note string
			due, done *time.Time
		)
		_, err = pgx.ForEachRow(rows, []any{&d, &record, &sub, &due, &done, &note}, func() error {
			list = append(list, row{domain.NewViolation(kind, d, record, sub, due, done, note, now), k, sub})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("violations: %w", err)
		}
	}
	pg := page(list, pa, func(r row) string { return encodeCursor("violations", strconv.Itoa(r.k)+"/"+r.sub, r.v.RecordID) })
	out := &domain.Page[*domain.ComplianceViolation]{CursorAt: pg.CursorAt, HasNextPage: pg.HasNextPage, HasPreviousPage: pg.HasPreviousPage}
	for _, r := range pg.Nodes {
		out.Nodes = append(out.Nodes, r.v)
	}
	return out, nil
}
