package store_test

import (
	"context"
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
	pg, err := db.Violations(ctx, ids, p, now, domain.ViolationCriteria{}, domain.PageArgs{First: 100})
	if err != nil || len(pg.Nodes) == 0 {
		t.Fatalf("violations: %v", err)
	}
}
