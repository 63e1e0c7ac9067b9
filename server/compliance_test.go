package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// complianceAPI serves an empty catalogue holding complianceFixture,
// judged on 2026-07-15.
func complianceAPI(t *testing.T) (*api, *testClock) {
	t.Helper()
	clock := &testClock{}
	clock.set("2026-07-15 10:00")
	a := newAPIWith(t, storetest.Options{}, server.Config{Clock: clock.Now})
	conn, err := pgx.Connect(context.Background(), a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), complianceFixture); err != nil {
		t.Fatalf("load the compliance fixture: %v", err)
	}
	return a, clock
}

const figuresFragment = `fragment F on ComplianceFigures {
  catalogue { departments entries requiredComplete restrictedMissingBasis reviews { met due rate }
    changeObligations { met due } fullReviewsDone }
  sharing { shareTypes { unconditional conditional none total } unconditionalShare shareRequests { met due rate }
    answered medianAnswerDays rejectionsWithoutReason bulkGrants grantsSuspended grantsRevoked }
  opening { openTypes { unconditional conditional none } openRequests { met due } }
  dataQuality { errorsVerified { met due } errorsCorrected { met due } updateDue stale }
  use { usageReports { met due } }
  violations
}`

// sameJSON fails unless got, marshalled, equals the JSON want.
func sameJSON(t *testing.T, what string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expectation: %v", what, err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("%s:\n got %s\nwant %s", what, gb, wb)
	}
}

// Every figure of the report, counted by hand from complianceFixture
// (NY 59, WZ 40, QY 31: the yearly evaluation).
func TestComplianceFigures(t *testing.T) {
	a, _ := complianceAPI(t)
	auth := a.as(authority)
	var out struct {
		ComplianceReport struct {
			From, To, AsOf string
			Total          map[string]any
			Monthly        []map[string]any
		}
	}
	auth.query(figuresFragment+`
	query { complianceReport(scope: {regionCode: "441400"}, from: "2026-01-01", to: "2026-06-30") {
	  from to asOf total { ...F }
	  monthly { month reviews { met due } changeObligations { met due } shareRequests { met due } answered medianAnswerDays
	    rejectionsWithoutReason bulkGrants grantsSuspended grantsRevoked openRequests { met due }
	    errorsVerified { met due } errorsCorrected { met due } usageReports { met due } violations }
	} }`, nil, &out)
	r := out.ComplianceReport
	if r.From != "2026-01-01" || r.To != "2026-06-30" || !strings.HasPrefix(r.AsOf, "2026-06-30T23:59:59") {
		t.Errorf("period %s..%s as of %s", r.From, r.To, r.AsOf)
	}
	// 441400 covers D1, D2 (441402) and D3, not D4 (445100).
	sameJSON(t, "total", r.Total, `{
	  "catalogue": {"departments": 3, "entries": 4, "requiredComplete": 2, "restrictedMissingBasis": 1,
	    "reviews": {"met": 1, "due": 3, "rate": 0.3333333333333333}, "changeObligations": {"met": 1, "due": 2}, "fullReviewsDone": 1},
	  "sharing": {"shareTypes": {"unconditional": 1, "conditional": 2, "none": 1, "total": 4}, "unconditionalShare": 0.25,
	    "shareRequests": {"met": 1, "due": 3, "rate": 0.3333333333333333}, "answered": 2, "medianAnswerDays": 6.5,
	    "rejectionsWithoutReason": 1, "bulkGrants": 1, "grantsSuspended": 1, "grantsRevoked": 1},
	  "opening": {"openTypes": {"unconditional": 1, "conditional": 1, "none": 2}, "openRequests": {"met": 1, "due": 2}},
	  "dataQuality": {"errorsVerified": {"met": 1, "due": 2}, "errorsCorrected": {"met": 0, "due": 1}, "updateDue": 3, "stale": 1},
	  "use": {"usageReports": {"met": 1, "due": 3}},
	  "violations": 13}`)
	zero := `{"met": 0, "due": 0}`
	month := func(m, reviews, changes, share string, answered int, median string, rej, bulk, susp, rev int, open, ver, cor, usage string, viol int) string {
		b, _ := json.Marshal(map[string]any{"month": m, "reviews": raw(reviews), "changeObligations": raw(changes), "shareRequests": raw(share),
			"answered": answered, "medianAnswerDays": raw(median), "rejectionsWithoutReason": rej, "bulkGrants": bulk,
			"grantsSuspended": susp, "grantsRevoked": rev, "openRequests": raw(open), "errorsVerified": raw(ver),
			"errorsCorrected": raw(cor), "usageReports": raw(usage), "violations": viol})
		return string(b)
	}
	one, late := `{"met": 1, "due": 1}`, `{"met": 0, "due": 1}`
	sameJSON(t, "monthly", r.Monthly, "["+strings.Join([]string{
		month("2026-01-01", one, zero, zero, 0, "null", 0, 0, 0, 0, zero, zero, zero, zero, 0),
		month("2026-02-01", late, zero, one, 1, "3", 0, 0, 0, 1, zero, zero, zero, zero, 1),
		month("2026-03-01", zero, one, late, 1, "10", 1, 0, 0, 0, one, zero, zero, zero, 2),
		month("2026-04-01", zero, late, zero, 0, "null", 0, 1, 0, 0, zero, one, late, zero, 2),
		month("2026-05-01", zero, zero, zero, 0, "null", 0, 0, 1, 0, late, zero, zero, zero, 2),
		month("2026-06-01", late, zero, late, 0, "null", 0, 0, 0, 0, zero, late, zero, `{"met": 1, "due": 3}`, 6),
	}, ",")+"]")

	// The whole city (no scope) adds D4: one entry, no full review.
	var all struct {
		ComplianceReport struct{ Total map[string]any }
	}
	auth.query(figuresFragment+`query { complianceReport(from: "2026-01-01", to: "2026-06-30") { total { ...F } } }`, nil, &all)
	c := all.ComplianceReport.Total["catalogue"].(map[string]any)
	if c["departments"] != 4.0 || c["entries"] != 5.0 || c["requiredComplete"] != 3.0 || all.ComplianceReport.Total["violations"] != 14.0 {
		t.Errorf("whole city: %v, violations %v", c, all.ComplianceReport.Total["violations"])
	}
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// Each violation names its article and links its record; pages follow.
func TestComplianceViolations(t *testing.T) {
	a, _ := complianceAPI(t)
	auth := a.as(auditor)
	type violation struct {
		Kind, Article, RecordID, Detail string
		Articles                        []string
		Due                             *string
		Department                      struct{ Name string }
		Record                          map[string]any
	}
	var got []violation
	after := ""
	for pages := 0; ; pages++ {
		var out struct {
			ComplianceReport struct {
				Violations struct {
					Nodes    []violation
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		auth.query(`query($after: String) { complianceReport(scope: {regionCode: "441400"}, from: "2026-01-01", to: "2026-06-30") {
		  violations(first: 5, after: $after) { nodes { kind article articles recordId due detail department { name }
		    record { id __typename } } pageInfo { hasNextPage endCursor } } } }`, map[string]any{"after": nullable(after)}, &out)
		got = append(got, out.ComplianceReport.Violations.Nodes...)
		if !out.ComplianceReport.Violations.PageInfo.HasNextPage {
			if pages != 2 {
				t.Errorf("%d pages of 5 for 13 violations, want 3", pages+1)
			}
			break
		}
		after = out.ComplianceReport.Violations.PageInfo.EndCursor
	}
	type want struct {
		kind, article string
		record        string
		dept          string
		detail        string
	}
	d1, d2 := "甲 公安局", "乙 梅江区民政局"
	wants := []want{
		{"CATALOGUE_CHANGE_LATE", "QY 32(2)", domain.NodeID(domain.KindChangeObligation, 2), d1, "catalogue update not done by 2026-07-15, past its deadline of 2026-04-10 (MZ 8)"},
		{"FULL_REVIEW_MISSING", "QY 32(2)", domain.NodeID(domain.KindDepartment, 2), d2, "no yearly full review of the catalogue since 2025-05-01"},
		{"STALE_DATA", "QY 32(5)", domain.NodeID(domain.KindResource, 2), d1, "MONTHLY data last updated 2026-05-01; an update was due by 2026-06-01"},
		{"SHARE_REQUEST_LATE", "QY 32(7)", domain.NodeID(domain.KindShareRequest, 2), d1, "answer done on 2026-03-16, after its deadline of 2026-03-11 (MZ 21)"},
		{"SHARE_REQUEST_LATE", "QY 32(7)", domain.NodeID(domain.KindShareRequest, 3), d1, "answer not done by 2026-07-15, past its deadline of 2026-06-10 (MZ 21)"},
		{"REJECTION_WITHOUT_REASON", "QY 32(7)", domain.NodeID(domain.KindShareRequest, 2), d1, "rejected without a reason on 2026-03-16"},
		{"OPEN_REQUEST_LATE", "NY 62(8)", domain.NodeID(domain.KindOpenRequest, 2), d1, "answer done on 2026-05-25, after its deadline of 2026-05-20 (NY 46)"},
		{"DATA_ERROR_LATE", "NY 67(3)", domain.NodeID(domain.KindDispute, 1), d1, "correction done on 2026-04-25, after its deadline of 2026-04-21 (MZ 23)"},
		{"DATA_ERROR_LATE", "NY 67(3)", domain.NodeID(domain.KindDispute, 2), d1, "verification not done by 2026-07-15, past its deadline of 2026-06-08 (MZ 23)"},
		{"GRANT_SUSPENDED", "QY 32(6)", domain.NodeID(domain.KindGrant, 2), d2, "suspended on 2026-05-05: used beyond its scenario"},
		{"GRANT_REVOKED", "QY 32(6)", domain.NodeID(domain.KindGrant, 3), d1, "revoked on 2026-02-20: no longer needed"},
		{"USAGE_REPORT_MISSING", "MZ 39", domain.NodeID(domain.KindGrant, 2), d2, "usage report for 2026-H1 not done by 2026-07-15, past its deadline of 2026-06-30"},
		{"USAGE_REPORT_MISSING", "MZ 39", domain.NodeID(domain.KindGrant, 3), d1, "usage report for 2026-H1 done on 2026-07-05, after its deadline of 2026-06-30"},
	}
	if len(got) != len(wants) {
		t.Fatalf("%d violations, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		if g.Kind != w.kind || g.Article != w.article || g.RecordID != w.record || g.Department.Name != w.dept || g.Detail != w.detail {
			t.Errorf("violation %d:\n got %s %s %s %s %q\nwant %s %s %s %s %q", i, g.Kind, g.Article, g.RecordID, g.Department.Name, g.Detail,
				w.kind, w.article, w.record, w.dept, w.detail)
		}
		if g.Record == nil || g.Record["id"] != w.record {
			t.Errorf("violation %d: record %v, want %s", i, g.Record, w.record)
		}
		if len(g.Articles) == 0 || g.Articles[0] != w.article {
			t.Errorf("violation %d: articles %v", i, g.Articles)
		}
	}

	// Filtered by kind and department.
	var f struct {
		ComplianceReport struct {
			Violations struct{ Nodes []violation }
		}
	}
	auth.query(`query($d: ID!) { complianceReport(from: "2026-01-01", to: "2026-06-30") {
	  violations(kinds: [USAGE_REPORT_MISSING, GRANT_SUSPENDED], departmentId: $d) { nodes { kind recordId } } } }`,
		map[string]any{"d": domain.NodeID(domain.KindDepartment, 2)}, &f)
	if n := f.ComplianceReport.Violations.Nodes; len(n) != 2 || n[0].Kind != "GRANT_SUSPENDED" || n[1].Kind != "USAGE_REPORT_MISSING" {
		t.Errorf("filtered: %+v", n)
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Scorecards sort and page; a department sees only its own; others none.
func TestDepartmentScorecards(t *testing.T) {
	a, _ := complianceAPI(t)
	type card struct {
		Department struct{ Name string }
		Figures    map[string]any
	}
	type conn struct {
		TotalCount int
		Nodes      []card
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
	}
	var out struct{ DepartmentScorecards conn }
	q := figuresFragment + `query($after: String, $o: ScorecardOrder) {
	  departmentScorecards(scope: {regionCode: "441400"}, from: "2026-01-01", to: "2026-06-30", orderBy: $o, first: 2, after: $after) {
	    totalCount nodes { department { name } figures { ...F } } pageInfo { hasNextPage endCursor } } }`
	order := map[string]any{"field": "VIOLATIONS", "direction": "DESC"}
	a.as(authority).query(q, map[string]any{"o": order}, &out)
	p := out.DepartmentScorecards
	if p.TotalCount != 3 || len(p.Nodes) != 2 || !p.PageInfo.HasNextPage || p.Nodes[0].Department.Name != "甲 公安局" || p.Nodes[1].Department.Name != "乙 梅江区民政局" {
		t.Fatalf("first page: %+v", p)
	}
	sameJSON(t, "D1", p.Nodes[0].Figures, `{
	  "catalogue": {"departments": 1, "entries": 3, "requiredComplete": 2, "restrictedMissingBasis": 1,
	    "reviews": {"met": 1, "due": 2, "rate": 0.5}, "changeObligations": {"met": 1, "due": 2}, "fullReviewsDone": 1},
	  "sharing": {"shareTypes": {"unconditional": 1, "conditional": 1, "none": 1, "total": 3}, "unconditionalShare": 0.3333333333333333,
	    "shareRequests": {"met": 1, "due": 3, "rate": 0.3333333333333333}, "answered": 2, "medianAnswerDays": 6.5,
	    "rejectionsWithoutReason": 1, "bulkGrants": 1, "grantsSuspended": 0, "grantsRevoked": 1},
	  "opening": {"openTypes": {"unconditional": 1, "conditional": 1, "none": 1}, "openRequests": {"met": 1, "due": 2}},
	  "dataQuality": {"errorsVerified": {"met": 1, "due": 2}, "errorsCorrected": {"met": 0, "due": 1}, "updateDue": 2, "stale": 1},
	  "use": {"usageReports": {"met": 0, "due": 1}},
	  "violations": 10}`)
	sameJSON(t, "D2", p.Nodes[1].Figures, `{
	  "catalogue": {"departments": 1, "entries": 1, "requiredComplete": 0, "restrictedMissingBasis": 0,
	    "reviews": {"met": 0, "due": 1, "rate": 0}, "changeObligations": {"met": 0, "due": 0}, "fullReviewsDone": 0},
	  "sharing": {"shareTypes": {"unconditional": 0, "conditional": 1, "none": 0, "total": 1}, "unconditionalShare": 0,
	    "shareRequests": {"met": 0, "due": 0, "rate": null}, "answered": 0, "medianAnswerDays": null,
	    "rejectionsWithoutReason": 0, "bulkGrants": 0, "grantsSuspended": 1, "grantsRevoked": 0},
	  "opening": {"openTypes": {"unconditional": 0, "conditional": 0, "none": 1}, "openRequests": {"met": 0, "due": 0}},
	  "dataQuality": {"errorsVerified": {"met": 0, "due": 0}, "errorsCorrected": {"met": 0, "due": 0}, "updateDue": 1, "stale": 0},
	  "use": {"usageReports": {"met": 1, "due": 2}},
	  "violations": 3}`)
	a.as(authority).query(q, map[string]any{"o": order, "after": p.PageInfo.EndCursor}, &out)
	if n := out.DepartmentScorecards.Nodes; len(n) != 1 || n[0].Department.Name != "丙 气象局" || out.DepartmentScorecards.PageInfo.HasNextPage {
		t.Errorf("second page: %+v", out.DepartmentScorecards)
	}
	// A cursor of another order is refused.
	e := a.as(authority).queryErr(q, map[string]any{"after": p.PageInfo.EndCursor}, "BAD_USER_INPUT")
	if !contains(e.Message, "orderBy") {
		t.Errorf("cursor of another order: %s", e.Message)
	}
	// By name, the default.
	a.as(authority).query(q, nil, &out)
	if n := out.DepartmentScorecards.Nodes; len(n) != 2 || n[0].Department.Name != "丙 气象局" {
		t.Errorf("by name: %+v", n)
	}

	// A department's token sees its own figures only.
	d2 := departmentClaims("11441402MB0000020C")
	var own struct {
		ComplianceReport struct {
			Total struct {
				Catalogue struct{ Departments, Entries int }
			}
		}
	}
	a.as(d2).query(`query { complianceReport(from: "2026-01-01", to: "2026-06-30") { total { catalogue { departments entries } } } }`, nil, &own)
	if c := own.ComplianceReport.Total.Catalogue; c.Departments != 1 || c.Entries != 1 {
		t.Errorf("D2's own report: %+v", c)
	}
	a.as(d2).queryErr(`query($d: ID!) { complianceReport(scope: {departmentId: $d}) { total { violations } } }`,
		map[string]any{"d": domain.NodeID(domain.KindDepartment, 1)}, "FORBIDDEN")
	a.public().queryErr(`query { departmentScorecards { totalCount } }`, nil, "FORBIDDEN")
	a.as(zhang).queryErr(`query { complianceReport { total { violations } } }`, nil, "FORBIDDEN")

	// Bad periods say what to do.
	e = a.as(authority).queryErr(`query { complianceReport(from: "2026-07-01", to: "2026-06-30") { asOf } }`, nil, "BAD_USER_INPUT")
	if !contains(e.Message, "after") {
		t.Errorf("reversed period: %s", e.Message)
	}
	a.as(authority).queryErr(`query { complianceReport(from: "2020-01-01", to: "2026-06-30") { asOf } }`, nil, "BAD_USER_INPUT")
	e = a.as(authority).queryErr(`query { complianceReport(scope: {regionCode: "4414"}) { asOf } }`, nil, "BAD_USER_INPUT")
	if !contains(e.Message, "six-digit") {
		t.Errorf("bad region: %s", e.Message)
	}
	a.as(authority).queryErr(`query($d: ID!) { complianceReport(scope: {departmentId: $d}) { asOf } }`,
		map[string]any{"d": domain.NodeID(domain.KindDepartment, 99)}, "NOT_FOUND")
	a.as(authority).queryErr(`query { complianceReport(scope: {departmentId: "not an id"}) { asOf } }`, nil, "BAD_USER_INPUT")
	a.as(authority).queryErr(`query { departmentScorecards(after: "bm9wZQ") { totalCount } }`, nil, "BAD_USER_INPUT")
}

// /export/scorecards.csv: one row per department, the same figures.
func TestScorecardsExport(t *testing.T) {
	a, _ := complianceAPI(t)
	get := func(c *api, query string) (int, string) {
		req := httptest.NewRequest(http.MethodGet, "/export/scorecards.csv?"+query, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		c.handler.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	code, body := get(a.as(authority), "from=2026-01-01&to=2026-06-30&regionCode=441400&orderBy=VIOLATIONS&direction=DESC")
	if code != http.StatusOK {
		t.Fatalf("export: %d %s", code, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want a header and 3 departments:\n%s", len(lines), body)
	}
	header := strings.Split(strings.TrimSpace(lines[0]), ",")
	row := strings.Split(strings.TrimSpace(lines[1]), ",")
	col := map[string]string{}
	for i, h := range header {
		col[h] = row[i]
	}
	for k, v := range map[string]string{"department": "甲 公安局", "credit_code": "11441400MB0000010E", "entries": "3",
		"share_requests_met": "1", "share_requests_due": "3", "median_answer_days": "6.5", "stale": "1", "violations": "10",
		"usage_reports_met": "0", "usage_reports_due": "1", "from": "2026-01-01", "to": "2026-06-30"} {
		if col[k] != v {
			t.Errorf("column %s = %q, want %q (row %s)", k, col[k], v, lines[1])
		}
	}
	if code, _ := get(a.public(), ""); code != http.StatusForbidden && code != http.StatusUnauthorized {
		t.Errorf("public export: %d", code)
	}
	if code, body := get(a.as(authority), "from=2026-13-01"); code != http.StatusBadRequest {
		t.Errorf("bad date: %d %s", code, body)
	}
}

// Through the workflow: requests answered and not answered in time show
// in the source's figures (MZ 21, QY 16, WZ 20), the answer time counted
// in working days when the source answers, the late one as a violation
// linking the request.
func TestComplianceThroughTheWorkflow(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-03-02 10:00") // a Monday
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	dept := a.as(gaj)
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 1)
	src := a.as(departmentClaims(e.Source.CreditCode))
	in := requestInput(e, "QUERY", e.DataItems[0].ID)
	in["until"] = "2026-12-31"
	answered := dept.request(t, submitRequest, map[string]any{"in": in})
	ignored := dept.request(t, submitRequest, map[string]any{"in": in})
	if answered.Deadline == nil || answered.Deadline.DueDate != "2026-03-11" {
		t.Fatalf("deadline %+v, want 7 working days: 2026-03-11", answered.Deadline)
	}
	clock.set("2026-03-04 15:00") // two working days on
	src.request(t, decideRequest, map[string]any{"id": answered.ID, "d": "APPROVE"})

	clock.set("2026-04-15 10:00")
	q := `query($d: ID!) { complianceReport(scope: {departmentId: $d}, from: "2026-03-01", to: "2026-03-31") {
	  total { sharing { shareRequests { met due } answered medianAnswerDays } violations }
	  violations(kinds: [SHARE_REQUEST_LATE]) { nodes { recordId detail record { ... on ShareRequest { id status } } } } } }`
	var out struct {
		ComplianceReport struct {
			Total struct {
				Sharing struct {
					ShareRequests struct{ Met, Due int }
					Answered      int
					MedianAnswer  *float64 `json:"medianAnswerDays"`
				}
				Violations int
			}
			Violations struct {
				Nodes []struct {
					RecordID, Detail string
					Record           struct{ ID, Status string }
				}
			}
		}
	}
	for _, viewer := range []*api{a.as(authority), src} {
		viewer.query(q, map[string]any{"d": departmentID(t, a, e.Source.CreditCode)}, &out)
		s := out.ComplianceReport.Total.Sharing
		if s.ShareRequests.Met != 1 || s.ShareRequests.Due != 2 || s.Answered != 1 || s.MedianAnswer == nil || *s.MedianAnswer != 2 {
			t.Errorf("sharing figures %+v (median %v)", s, s.MedianAnswer)
		}
		v := out.ComplianceReport.Violations.Nodes
		if len(v) != 1 || v[0].RecordID != ignored.ID || v[0].Record.ID != ignored.ID || v[0].Record.Status != "PENDING_SOURCE" ||
			v[0].Detail != "answer not done by 2026-04-15, past its deadline of 2026-03-11 ("+ignored.Deadline.Citation+")" {
			t.Errorf("violations %+v", v)
		}
	}
	// The requester's own report holds none of the source's duties.
	dept.query(`query { complianceReport(from: "2026-03-01", to: "2026-03-31") { total { sharing { shareRequests { met due } } } } }`, nil, &out)
	if s := out.ComplianceReport.Total.Sharing.ShareRequests; s.Due != 0 {
		t.Errorf("the requester's figures count the source's duties: %+v", s)
	}
}

// The unconditional-share figure is defined on published entries only,
// pooled over the scope: UNCONDITIONAL published entries over all
// published entries of the departments in scope, as of asOf. It agrees
// with the catalogue's own counts (resources filtered by status PUBLISHED)
// and with SQL over the resources table, for the city and each department,
// while drafts, entries in review and retired ones are left out of both.
func TestUnconditionalShareAgreesWithTheCatalogue(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type counts struct{ Unconditional, Conditional, None, Total int }
	fromSQL := func(where string, args ...any) (c counts) {
		t.Helper()
		err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE share_type = 'UNCONDITIONAL'), count(*) FILTER (WHERE share_type = 'CONDITIONAL'),
			count(*) FILTER (WHERE share_type = 'NONE'), count(*) FROM resources WHERE status = 'PUBLISHED' AND `+where, args...).
			Scan(&c.Unconditional, &c.Conditional, &c.None, &c.Total)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var unpublished int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM resources WHERE status <> 'PUBLISHED'`).Scan(&unpublished); err != nil || unpublished == 0 {
		t.Fatalf("the demo needs entries that are not published for this test: %d, %v", unpublished, err)
	}

	const q = `{
	  complianceReport(scope: {regionCode: "441400"}) { total { catalogue { entries } sharing { shareTypes { unconditional conditional none total } unconditionalShare } } }
	  departmentScorecards(scope: {regionCode: "441400"}, first: 100) { totalCount nodes { department { id }
	    figures { sharing { shareTypes { unconditional conditional none total } unconditionalShare } } } }
	  all: resources(filter: {status: PUBLISHED}) { totalCount }
	  unconditional: resources(filter: {status: PUBLISHED, shareType: UNCONDITIONAL}) { totalCount }
	  conditional: resources(filter: {status: PUBLISHED, shareType: CONDITIONAL}) { totalCount }
	  none: resources(filter: {status: PUBLISHED, shareType: NONE}) { totalCount }
	  anyStatus: resources(filter: {shareType: UNCONDITIONAL}) { totalCount }
	}`
	type sharing struct {
		ShareTypes         counts
		UnconditionalShare *float64
	}
	type total struct{ TotalCount int }
	var out struct {
		ComplianceReport struct {
			Total struct {
				Catalogue struct{ Entries int }
				Sharing   sharing
			}
		}
		DepartmentScorecards struct {
			TotalCount int
			Nodes      []struct {
				Department struct{ ID string }
				Figures    struct{ Sharing sharing }
			}
		}
		All, Unconditional, Conditional, None, AnyStatus total
	}
	a.as(authority).query(q, nil, &out)
	city := out.ComplianceReport.Total
	want := fromSQL("true")
	catalogue := counts{out.Unconditional.TotalCount, out.Conditional.TotalCount, out.None.TotalCount, out.All.TotalCount}
	if city.Sharing.ShareTypes != want || catalogue != want || city.Catalogue.Entries != want.Total {
		t.Errorf("the city's share types: report %+v, catalogue %+v, SQL %+v", city.Sharing.ShareTypes, catalogue, want)
	}
	if s := city.Sharing.UnconditionalShare; s == nil || *s != float64(want.Unconditional)/float64(want.Total) {
		t.Errorf("unconditionalShare %v, want %d/%d", s, want.Unconditional, want.Total)
	}
	if out.AnyStatus.TotalCount <= out.Unconditional.TotalCount {
		t.Errorf("the demo should have unconditional entries that are not published (%d of any status, %d published)", out.AnyStatus.TotalCount, out.Unconditional.TotalCount)
	}
	if out.DepartmentScorecards.TotalCount == 0 || out.DepartmentScorecards.TotalCount > 100 {
		t.Fatalf("%d scorecards", out.DepartmentScorecards.TotalCount)
	}
	sum := counts{}
	for _, n := range out.DepartmentScorecards.Nodes {
		id, err := domain.ParseNodeIDOf(domain.KindDepartment, n.Department.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, want := n.Figures.Sharing, fromSQL("source_department_id = $1", id)
		if got.ShareTypes != want || (want.Total == 0) != (got.UnconditionalShare == nil) ||
			got.UnconditionalShare != nil && *got.UnconditionalShare != float64(want.Unconditional)/float64(want.Total) {
			t.Errorf("department %s: %+v (share %v), SQL %+v", n.Department.ID, got.ShareTypes, got.UnconditionalShare, want)
		}
		sum.Unconditional, sum.Conditional, sum.None, sum.Total = sum.Unconditional+want.Unconditional, sum.Conditional+want.Conditional, sum.None+want.None, sum.Total+want.Total
	}
	if sum != city.Sharing.ShareTypes {
		t.Errorf("the departments' counts add up to %+v, the city's are %+v", sum, city.Sharing.ShareTypes)
	}
}
