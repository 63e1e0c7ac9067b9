package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/storetest"
)

// A generated city is consistent: its audit chain verifies, and the
// compliance figures the queries count agree with the domain's rules
// applied row by row in Go (domain.Judge, domain.StaleAt).
func TestGenerateCity(t *testing.T) {
	ctx := context.Background()
	db, url := storetest.NewDBWithURL(t, storetest.Options{})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	query := func(sql string, args ...any) [][]any {
		t.Helper()
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		var out [][]any
		for rows.Next() {
			v, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	end := time.Date(2026, 11, 30, 18, 0, 0, 0, domain.ChinaTime)
	s := store.FullCity(end).Scaled(200)
	if err := db.GenerateCity(ctx, s, func(m string) { t.Log(m) }); err != nil {
		t.Fatal(err)
	}
	if err := db.GenerateCity(ctx, s, nil); err == nil {
		t.Error("a second generation into the same database was not refused")
	}
	v, err := db.VerifyAudit(ctx, end)
	if err != nil || !v.OK || v.Checked < int64(s.AuditEvents) {
		t.Fatalf("the generated audit chain does not verify: %+v %v", v, err)
	}
	depts, err := db.ComplianceDepartments(ctx, domain.ComplianceScope{})
	if err != nil || len(depts) != s.Departments {
		t.Fatalf("%d departments, %v", len(depts), err)
	}
	ids := make([]int64, len(depts))
	for i, d := range depts {
		ids[i] = d.ID
	}
	p := domain.Period{From: domain.Date{Year: 2026, Month: 1, Day: 1}, To: domain.Date{Year: 2026, Month: 6, Day: 30}}
	now := end
	rep, err := db.Compliance(ctx, ids, p, now)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Total

	// Share requests due in the period, judged row by row.
	var want domain.Ratio
	rows := query(`SELECT due_at, source_decided_at FROM share_requests
		WHERE due_at BETWEEN $1 AND $2 AND (status <> 'WITHDRAWN' OR source_decided_at IS NOT NULL)`, p.Start(), p.End())
	for _, r := range rows {
		due, done := r[0].(time.Time), r[1]
		var d *time.Time
		if done != nil {
			x := done.(time.Time)
			d = &x
		}
		want.Add(domain.Judge(due, d, now))
	}
	if want.Due == 0 || want.Met == want.Due || f.ShareRequests != want {
		t.Errorf("share requests on time: the query counts %+v, the rule %+v", f.ShareRequests, want)
	}
	// Staleness of every published entry as of the period's end.
	asOf := p.AsOf(now)
	stale, due := 0, 0
	for _, r := range query(`SELECT r.update_frequency::text, r.published_at,
		  (SELECT max(at) FROM data_updates u WHERE u.resource_id = r.id AND u.at <= $1)
		FROM resources r WHERE r.status = 'PUBLISHED' AND r.published_at <= $1`, asOf) {
		freq := domain.UpdateFrequency(r[0].(string))
		var last time.Time
		if r[2] != nil {
			last = r[2].(time.Time)
		}
		if _, _, ok := domain.UpdateInterval(freq); ok {
			due++
		}
		if domain.StaleAt(freq, last, r[1].(time.Time), asOf) {
			stale++
		}
	}
	if f.Stale != stale || f.UpdateDue != due || stale == 0 {
		t.Errorf("stale: the query counts %d of %d, the rule %d of %d", f.Stale, f.UpdateDue, stale, due)
	}
	// The monthly series adds up to the period's figures.
	var sum domain.Ratio
	violations := 0
	for _, m := range rep.Monthly {
		sum.Met, sum.Due = sum.Met+m.ShareRequests.Met, sum.Due+m.ShareRequests.Due
		violations += m.Violations
	}
	if sum != f.ShareRequests || violations != f.Violations || f.Violations == 0 {
		t.Errorf("monthly series %+v / %d violations, period %+v / %d", sum, violations, f.ShareRequests, f.Violations)
	}
	// Every figure has something to count at this scale.
	for name, n := range map[string]int{"entries": f.Entries, "reviews due": f.Reviews.Due, "changes due": f.ChangeObligations.Due,
		"answered": f.Answered, "open requests due": f.OpenRequests.Due, "errors due": f.ErrorsVerified.Due,
		"usage reports due": f.UsageReports.Due, "full reviews": f.FullReviewsDone, "missing basis": f.RestrictedMissingBasis} {
		if n == 0 {
			t.Errorf("%s: none generated", name)
		}
	}
	if f.MedianAnswerDays == nil {
		t.Error("no median answer time")
	}
	// The list holds as many violations as the figures count, kind by
	// kind, page after page.
	listed, byKind, after := 0, map[domain.ViolationKind]int{}, ""
	for {
		pg, err := db.Violations(ctx, ids, p, now, domain.ViolationCriteria{}, domain.PageArgs{First: 100, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range pg.Nodes {
			byKind[v.Kind]++
		}
		listed += len(pg.Nodes)
		if !pg.HasNextPage {
			break
		}
		after = pg.EndCursor()
	}
	if listed != f.Violations || byKind[domain.ViolationStaleData] != f.Stale || byKind[domain.ViolationShareRequestLate] != f.ShareRequests.Due-f.ShareRequests.Met {
		t.Errorf("%d violations listed (%v), the figures count %d", listed, byKind, f.Violations)
	}
}

// The rollups agree with the records for any period, also after changes
// to the records: every change marks the months it touches, and the next
// report recounts them.
func TestComplianceRollups(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDB(t, storetest.Options{})
	end := time.Date(2026, 11, 30, 18, 0, 0, 0, domain.ChinaTime)
	s := store.FullCity(end).Scaled(500)
	s.AuditEvents = 0
	if err := db.GenerateCity(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	depts, err := db.ComplianceDepartments(ctx, domain.ComplianceScope{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(depts))
	for i, d := range depts {
		ids[i] = d.ID
	}
	periods := []domain.Period{
		{From: domain.Date{Year: 2026, Month: 1, Day: 1}, To: domain.Date{Year: 2026, Month: 6, Day: 30}},   // whole months
		{From: domain.Date{Year: 2025, Month: 3, Day: 17}, To: domain.Date{Year: 2026, Month: 2, Day: 3}},   // partial at both ends
		{From: domain.Date{Year: 2026, Month: 10, Day: 5}, To: domain.Date{Year: 2026, Month: 12, Day: 31}}, // into now's month and beyond
		{From: domain.Date{Year: 2026, Month: 5, Day: 2}, To: domain.Date{Year: 2026, Month: 5, Day: 20}},   // inside one month
	}
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, domain.ChinaTime)
	same := func(when string) {
		t.Helper()
		for _, p := range periods {
			got, err := db.Compliance(ctx, ids, p, now)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.ComplianceFromRecords(ctx, ids, p, now)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := show(got.Total), show(want.Total); g != w {
				t.Errorf("%s, %s..%s: rollups\n%s\nrecords\n%s", when, p.From, p.To, g, w)
			}
			for i := range want.Monthly {
				if g, w := show(got.Monthly[i]), show(want.Monthly[i]); g != w {
					t.Errorf("%s, month %s: rollups\n%s\nrecords\n%s", when, want.Monthly[i].Month, g, w)
				}
			}
			for _, id := range ids {
				if g, w := show(got.Departments[id]), show(want.Departments[id]); g != w {
					t.Errorf("%s, department %d: rollups\n%s\nrecords\n%s", when, id, g, w)
					break
				}
			}
		}
	}
	same("generated")
	// Changes: answers moved, requests answered and withdrawn, a report
	// filed, a grant revoked, an error corrected, an obligation met.
	// Each change alone, so that no other change's marks hide a missing one.
	for _, sql := range []string{
		`UPDATE share_requests SET source_decided_at = source_decided_at + interval '9 days', answer_days = answer_days + 6 WHERE id % 7 = 0 AND source_decided_at IS NOT NULL`,
		`UPDATE share_requests SET status = 'REJECTED', source_decided_at = due_at + interval '40 days', reason = '' WHERE id % 11 = 0 AND status = 'PENDING_SOURCE'`,
		`UPDATE share_requests SET status = 'WITHDRAWN' WHERE id % 13 = 0 AND status = 'PENDING_SOURCE'`,
		`DELETE FROM usage_reports WHERE grant_id % 5 = 0`,
		`UPDATE grants SET status = 'REVOKED', revoked_at = created_at + interval '100 days' WHERE id % 17 = 0 AND status = 'ACTIVE'`,
		`INSERT INTO grant_changes (grant_id, at, actor, from_status, to_status, reason) SELECT id, revoked_at, 'test', 'ACTIVE', 'REVOKED', 'test' FROM grants WHERE id % 17 = 0 AND revoked_at IS NOT NULL`,
		`UPDATE disputes SET corrected_at = correct_due_at + interval '3 days', status = 'CORRECTED' WHERE correct_due_at IS NOT NULL AND corrected_at IS NULL`,
		`UPDATE catalogue_change_obligations SET met_at = due_at - interval '1 hour', met_resource_id = 1, met_version = 1 WHERE met_at IS NULL`,
		`UPDATE open_requests SET decided_at = due_at + interval '2 days' WHERE id % 3 = 0`,
		`UPDATE catalogue_reviews SET decided_at = due_at + interval '1 day' WHERE version % 4 = 0`,
		`UPDATE data_items SET description = '' WHERE id % 29 = 0`,
		`INSERT INTO data_updates (resource_id, at, rows, recorded_subject, recorded_role, recorded_at)
		  SELECT id, published_at + interval '400 days', 1, 't', 'DEPARTMENT', now() FROM resources WHERE id % 3 = 0 AND status = 'PUBLISHED'`,
		`DELETE FROM data_updates WHERE id % 4 = 0`,
		`UPDATE resources SET legal_basis = '' WHERE id % 5 = 0`,
		`UPDATE resources SET status = 'RETIRED' WHERE id % 23 = 0 AND status = 'PUBLISHED'`,
		`UPDATE resources SET review_due_at = NULL, review_due_date = NULL, review_calendar_revision = NULL, status = 'PUBLISHED', published_at = submitted_at WHERE status = 'SUBMITTED' AND id % 2 = 0`,
	} {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, sql)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		same(sql)
	}
}

// show prints figures with the median's value, not its address.
func show(f *domain.ComplianceFigures) string {
	c := *f
	median := "none"
	if c.MedianAnswerDays != nil {
		median = fmt.Sprint(*c.MedianAnswerDays)
	}
	c.MedianAnswerDays = nil
	return fmt.Sprintf("%+v median %s", c, median)
}

// The demo catalogue gets a history its reports can count.
func TestGenerateHistory(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDB(t, storetest.Options{Demo: true})
	end := time.Date(2026, 11, 30, 23, 59, 59, 0, domain.ChinaTime)
	if err := db.GenerateHistory(ctx, store.DemoHistory(end), nil); err != nil {
		t.Fatal(err)
	}
	if err := db.GenerateHistory(ctx, store.DemoHistory(end), nil); err == nil {
		t.Error("a second history was not refused")
	}
	if v, err := db.VerifyAudit(ctx, end); err != nil || !v.OK {
		t.Fatalf("audit chain: %+v %v", v, err)
	}
	depts, err := db.ComplianceDepartments(ctx, domain.ComplianceScope{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range depts {
		ids = append(ids, d.ID)
	}
	p := domain.Period{From: domain.Date{Year: 2026, Month: 1, Day: 1}, To: domain.Date{Year: 2026, Month: 11, Day: 30}}
	rep, err := db.Compliance(ctx, ids, p, end)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Total
	for name, n := range map[string]int{"entries": f.Entries, "share requests due": f.ShareRequests.Due, "answered": f.Answered,
		"open requests due": f.OpenRequests.Due, "errors due": f.ErrorsVerified.Due, "usage reports due": f.UsageReports.Due,
		"changes due": f.ChangeObligations.Due, "reviews due": f.Reviews.Due, "violations": f.Violations} {
		if n == 0 {
			t.Errorf("%s: none in the demo's history", name)
		}
	}
	want, err := db.ComplianceFromRecords(ctx, ids, p, end)
	if err != nil {
		t.Fatal(err)
	}
	if show(rep.Total) != show(want.Total) {
		t.Errorf("rollups %s\nrecords %s", show(rep.Total), show(want.Total))
	}
}

// The SQL of an entry's next update due counts as domain.NextUpdateDue
// does, month ends and China's midnight included (MZ 13).
func TestUpdateDueMatchesDomain(t *testing.T) {
	ctx := context.Background()
	_, url := storetest.NewDBWithURL(t, storetest.Options{})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, last := range []string{"2026-01-31 08:00", "2026-01-31 23:30", "2026-03-31 00:10", "2024-02-29 12:00", "2026-08-31 16:30", "2026-12-31 23:59"} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", last, domain.ChinaTime)
		for _, f := range domain.UpdateFrequencies() {
			months, days, ok := domain.UpdateInterval(f)
			if !ok {
				continue
			}
			want, _ := domain.NextUpdateDue(f, at)
			var got time.Time
			err := conn.QueryRow(ctx, `SELECT `+store.UpdateDueSQL("$1::timestamptz", "NULL::timestamptz")+` FROM (SELECT $2::int AS months, $3::int AS days) iv`,
				at, months, days).Scan(&got)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("%s updated %s: SQL says due %s, the domain %s", f, last, got.In(domain.ChinaTime), want)
			}
		}
	}
}

// A change committed while a report refreshes the rollups is not lost:
// the writer holds its month's mark locked, the refresh leaves it, and
// the next report recounts that month.
func TestComplianceRefreshDuringAWrite(t *testing.T) {
	ctx := context.Background()
	db, url := storetest.NewDBWithURL(t, storetest.Options{})
	end := time.Date(2026, 11, 30, 18, 0, 0, 0, domain.ChinaTime)
	s := store.FullCity(end).Scaled(500)
	s.AuditEvents = 0
	if err := db.GenerateCity(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	depts, _ := db.ComplianceDepartments(ctx, domain.ComplianceScope{})
	var ids []int64
	for _, d := range depts {
		ids = append(ids, d.ID)
	}
	p := domain.Period{From: domain.Date{Year: 2026, Month: 1, Day: 1}, To: domain.Date{Year: 2026, Month: 10, Day: 31}}
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, domain.ChinaTime)
	var id int64
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT id FROM share_requests WHERE due_at BETWEEN $1 AND $2 AND source_decided_at <= due_at ORDER BY id LIMIT 1`,
		p.Start(), p.End()).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// A committed change leaves the month's mark; then a writer changes
	// the same request's month and has not committed when the report runs.
	if _, err := conn.Exec(ctx, `UPDATE share_requests SET reason = reason WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	w, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(ctx, `UPDATE share_requests SET source_decided_at = due_at + interval '5 days' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Compliance(ctx, ids, p, now); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := db.Compliance(ctx, ids, p, now)
	if err != nil {
		t.Fatal(err)
	}
	want, err := db.ComplianceFromRecords(ctx, ids, p, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total.ShareRequests != want.Total.ShareRequests {
		t.Errorf("after the write: rollups %+v, records %+v", got.Total.ShareRequests, want.Total.ShareRequests)
	}
}
