package server_test

import (
	"sync"
	"testing"
	"time"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

const wjjCode = "11441400MB2C90485W" // 梅州市卫生健康局

var wjj = auth.Claims{Sub: "zhao.min", Role: domain.RoleDepartment, Department: wjjCode}

// testClock is a clock a test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(s string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, domain.ChinaTime)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func departmentID(t *testing.T, a *api, creditCode string) string {
	t.Helper()
	var out struct{ Department struct{ ID string } }
	a.query(`query($c: String!) { department(creditCode: $c) { id } }`, map[string]any{"c": creditCode}, &out)
	return out.Department.ID
}

const (
	obligationFields = `id reason description occurredOn met metAt metByVersion metOnTime overdue
		department { creditCode } recordedBy { subject role }
		metBy { code }
		deadline { kind workingDays dueDate citation workingDaysLeft overdue calendarRevision }`
	recordChange = `mutation($d: ID!, $r: CatalogueChangeReason!, $desc: String!, $on: Date!, $key: String) {
		o: recordCatalogueChange(departmentId: $d, reason: $r, description: $desc, occurredOn: $on, idempotencyKey: $key) { ` + obligationFields + ` } }`
	listObligations = `query($f: CatalogueChangeObligationFilter) { catalogueChangeObligations(first: 50, filter: $f) {
		totalCount nodes { ` + obligationFields + ` } } }`
)

type obligation struct {
	ID           string
	Reason       string
	OccurredOn   string
	Met          bool
	MetAt        *string
	MetByVersion *int
	MetOnTime    *bool
	Overdue      bool
	Department   struct{ CreditCode string }
	RecordedBy   struct{ Subject, Role string }
	MetBy        *struct{ Code string }
	Deadline     struct {
		Kind             string
		WorkingDays      int
		DueDate          string
		Citation         string
		WorkingDaysLeft  *int
		Overdue          bool
		CalendarRevision int
	}
}

func (a *api) record(t *testing.T, vars map[string]any) obligation {
	t.Helper()
	var out struct{ O *obligation }
	a.query(recordChange, vars, &out)
	if out.O == nil {
		t.Fatal("recordCatalogueChange answered null")
	}
	return *out.O
}

func (a *api) obligations(t *testing.T, filter map[string]any) (int, []obligation) {
	t.Helper()
	var out struct {
		CatalogueChangeObligations struct {
			TotalCount int
			Nodes      []obligation
		}
	}
	a.query(listObligations, map[string]any{"f": filter}, &out)
	return out.CatalogueChangeObligations.TotalCount, out.CatalogueChangeObligations.Nodes
}

// MZ 8, QY 8, NY 22, WZ 11: a change obliges the department to update its
// catalogue within the profile's working days; a submission meets it; an
// open one past its deadline is listed as overdue. MZ 7: a review past its
// deadline is listed too.
func TestCatalogueChangeObligations(t *testing.T) {
	clock := &testClock{}
	clock.set("2025-10-20 10:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	dept, other, auth := a.as(gaj), a.as(mzj), a.as(authority)
	gajID, mzjID := departmentID(t, a, gajCode), departmentID(t, a, mzjCode)

	// Who may record: the department itself or the authority.
	change := map[string]any{"d": gajID, "r": "DUTIES", "desc": "机构改革：出入境管理职能划入", "on": "2025-09-30"}
	a.public().queryErr(recordChange, change, "FORBIDDEN")
	other.queryErr(recordChange, change, "FORBIDDEN")
	a.as(auditor).queryErr(recordChange, change, "FORBIDDEN")
	a.public().queryErr(listObligations, nil, "FORBIDDEN")
	dept.queryErr(recordChange, map[string]any{"d": gajID, "r": "DUTIES", "desc": "x", "on": "2025-10-21"}, "BAD_USER_INPUT")
	dept.queryErr(recordChange, map[string]any{"d": gajID, "r": "DUTIES", "desc": " ", "on": "2025-10-01"}, "BAD_USER_INPUT")
	auth.queryErr(recordChange, map[string]any{"d": domain.NodeID(domain.KindDepartment, 99999), "r": "OTHER", "desc": "x", "on": "2025-10-01"}, "NOT_FOUND")

	// The default profile: 15 working days (as MZ 8 and QY 8), across
	// National Day: due 2025-10-28, six working days left on 10-20.
	change["key"] = "change-2025-09-30"
	o := dept.record(t, change)
	d := o.Deadline
	if o.Met || o.Overdue || o.MetOnTime != nil || d.Kind != "CATALOGUE_UPDATE" || d.WorkingDays != 15 || d.DueDate != "2025-10-28" ||
		!contains(d.Citation, "MZ 8") || d.WorkingDaysLeft == nil || *d.WorkingDaysLeft != 6 || d.CalendarRevision == 0 ||
		o.RecordedBy.Subject != "li.wei" || o.Department.CreditCode != gajCode {
		t.Fatalf("recorded %+v", o)
	}
	// A retry with the key records nothing new.
	if again := dept.record(t, change); again.ID != o.ID {
		t.Fatalf("a retry made another obligation: %s, %s", again.ID, o.ID)
	}
	// The authority records one for 民政局; each department sees its own.
	auth.record(t, map[string]any{"d": mzjID, "r": "LEGAL_BASIS", "desc": "《社会救助暂行办法》修订", "on": "2025-10-20"})
	if n, _ := dept.obligations(t, nil); n != 1 {
		t.Errorf("公安局 sees %d obligations, want its 1", n)
	}
	if n, list := other.obligations(t, nil); n != 1 || list[0].Reason != "LEGAL_BASIS" || list[0].RecordedBy.Role != "AUTHORITY" {
		t.Errorf("民政局 sees %d: %+v", n, list)
	}
	if n, _ := a.as(auditor).obligations(t, nil); n != 2 {
		t.Errorf("the auditor sees %d, want 2", n)
	}
	const nodeQuery = `query($id: ID!) { node(id: $id) { ... on CatalogueChangeObligation { reason } } }`
	other.queryErr(nodeQuery, map[string]any{"id": o.ID}, "NOT_FOUND")
	var node struct{ Node struct{ Reason string } }
	dept.query(nodeQuery, map[string]any{"id": o.ID}, &node)
	if node.Node.Reason != "DUTIES" {
		t.Errorf("node %+v", node)
	}
	if n, _ := auth.obligations(t, map[string]any{"overdue": true}); n != 0 {
		t.Errorf("%d overdue on 10-20, want none", n)
	}

	// The day after the deadline it is overdue.
	clock.set("2025-10-29 09:00")
	n, list := auth.obligations(t, map[string]any{"overdue": true})
	if n != 1 || list[0].ID != o.ID || !list[0].Overdue || !list[0].Deadline.Overdue || *list[0].Deadline.WorkingDaysLeft != -1 {
		t.Fatalf("overdue on 10-29: %d %+v", n, list)
	}
	if n, _ := auth.obligations(t, map[string]any{"departmentId": mzjID, "met": false}); n != 1 {
		t.Errorf("民政局 has %d open, want 1", n)
	}

	// 公安局 submits an update: the obligation is met, late.
	e := dept.mutate(t, createMutation, map[string]any{"input": draftInput("441400-GA-960")})
	e = dept.mutate(t, submitMutation, map[string]any{"id": e.ID})
	if e.ReviewDeadline == nil || e.ReviewDeadline.DueDate != "2025-11-05" {
		t.Fatalf("review deadline %+v, want 2025-11-05", e.ReviewDeadline)
	}
	_, list = dept.obligations(t, nil)
	if m := list[0]; !m.Met || m.Overdue || m.MetOnTime == nil || *m.MetOnTime || m.MetBy == nil || m.MetBy.Code != "441400-GA-960" || m.MetByVersion == nil || *m.MetByVersion != e.Version {
		t.Fatalf("after the submission %+v", m)
	}
	if n, _ := auth.obligations(t, map[string]any{"overdue": true}); n != 0 {
		t.Errorf("%d still overdue", n)
	}
	// 民政局's own obligation is untouched by 公安局's submission.
	if n, _ := auth.obligations(t, map[string]any{"met": false}); n != 1 {
		t.Errorf("%d open, want 民政局's", n)
	}

	// MZ 7: the review is overdue the day after 2025-11-05.
	const overdueReviews = `query($src: ID) { resources(filter: {reviewOverdue: true, sourceDepartmentId: $src}) { totalCount nodes { code reviewDeadline { overdue workingDaysLeft } } } }`
	type reviews struct {
		Resources struct {
			TotalCount int
			Nodes      []struct {
				Code           string
				ReviewDeadline struct {
					Overdue         bool
					WorkingDaysLeft int
				}
			}
		}
	}
	var r reviews
	auth.query(overdueReviews, nil, &r)
	if r.Resources.TotalCount != 0 {
		t.Fatalf("overdue reviews before the deadline: %+v", r)
	}
	clock.set("2025-11-06 09:00")
	auth.query(overdueReviews, nil, &r)
	if r.Resources.TotalCount != 1 || r.Resources.Nodes[0].Code != "441400-GA-960" || !r.Resources.Nodes[0].ReviewDeadline.Overdue ||
		r.Resources.Nodes[0].ReviewDeadline.WorkingDaysLeft != -1 {
		t.Fatalf("overdue reviews %+v", r)
	}
	dept.query(overdueReviews, nil, &r)
	if r.Resources.TotalCount != 1 {
		t.Errorf("公安局 sees %d of its overdue reviews", r.Resources.TotalCount)
	}
	other.query(overdueReviews, nil, &r)
	if r.Resources.TotalCount != 0 {
		t.Errorf("民政局 sees %d overdue reviews of others", r.Resources.TotalCount)
	}
	other.queryErr(overdueReviews, map[string]any{"src": gajID}, "FORBIDDEN")
	a.public().queryErr(overdueReviews, nil, "FORBIDDEN")

	// Approved, it leaves the list; an obligation met by the next
	// revision's submission, on time.
	e = auth.mutate(t, reviewMutation, map[string]any{"id": e.ID, "d": "APPROVE"})
	auth.query(overdueReviews, nil, &r)
	if r.Resources.TotalCount != 0 {
		t.Errorf("an approved entry is still overdue for review")
	}
	o2 := dept.record(t, map[string]any{"d": gajID, "r": "INFORMATION_SYSTEM", "desc": "人口信息系统升级完成", "on": "2025-11-06"})
	in := draftInput("441400-GA-960")
	in["summary"] = "户籍迁入迁出登记记录（含系统升级后新增字段）"
	e = dept.mutate(t, updateMutation, map[string]any{"id": e.ID, "input": in, "v": e.Version})
	dept.mutate(t, submitMutation, map[string]any{"id": e.ID})
	_, list = dept.obligations(t, map[string]any{"met": true})
	if len(list) != 2 || list[0].ID != o2.ID || list[0].MetOnTime == nil || !*list[0].MetOnTime {
		t.Fatalf("met obligations %+v", list)
	}
	dept.queryErr(listObligations, map[string]any{"f": map[string]any{"overdue": false}}, "BAD_USER_INPUT")
}

// QY 8: each department checks its whole catalogue at least once a year;
// the record is internal, and the authority lists those overdue.
func TestFullCatalogueReview(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept, auth := a.as(gaj), a.as(authority)
	gajID := departmentID(t, a, gajCode)
	const status = `query($id: ID!) { department(id: $id) { name fullReview { dueDate overdue
		lastReview { reviewedOn note recordedBy { subject } } rule { everyMonths citation defaulted } } } }`
	type statusOut struct {
		Department struct {
			Name       string
			FullReview *struct {
				DueDate    string
				Overdue    bool
				LastReview *struct {
					ReviewedOn string
					Note       string
					RecordedBy struct{ Subject string }
				}
				Rule struct {
					EveryMonths int
					Citation    string
					Defaulted   bool
				}
			}
		}
	}
	var s statusOut
	dept.query(status, map[string]any{"id": gajID}, &s)
	fr := s.Department.FullReview
	// Listed today, never reviewed: due a year from now.
	if wantDue := domain.DateOf(time.Now()).AddMonths(12).String(); fr == nil || fr.LastReview != nil || fr.Overdue || fr.DueDate != wantDue ||
		fr.Rule.EveryMonths != 12 || !contains(fr.Rule.Citation, "QY 8") || fr.Rule.Defaulted {
		t.Fatalf("full review %+v, want due %s", fr, wantDue)
	}
	// Internal: null with FORBIDDEN for the public and other departments.
	for _, viewer := range []*api{a.public(), a.as(mzj)} {
		resp := viewer.do(status, map[string]any{"id": gajID})
		if len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" || !contains(string(resp.Data), `"fullReview":null`) ||
			!contains(string(resp.Data), `"name":"梅州市公安局"`) {
			t.Fatalf("another viewer reads fullReview: %s %+v", resp.Data, resp.Errors)
		}
	}

	const record = `mutation($d: ID!, $on: Date!, $note: String!) { recordFullCatalogueReview(departmentId: $d, reviewedOn: $on, note: $note) { id } }`
	auth.queryErr(record, map[string]any{"d": gajID, "on": "2025-10-01", "note": "x"}, "FORBIDDEN")
	a.as(mzj).queryErr(record, map[string]any{"d": gajID, "on": "2025-10-01", "note": "x"}, "FORBIDDEN")
	dept.queryErr(record, map[string]any{"d": gajID, "on": domain.DateOf(time.Now()).AddDays(1).String(), "note": "x"}, "BAD_USER_INPUT")
	dept.queryErr(record, map[string]any{"d": gajID, "on": "2025-10-01", "note": ""}, "BAD_USER_INPUT")

	// A review on 2025-10-01: the next was due 2026-10-01, and is overdue.
	var rec struct{ RecordFullCatalogueReview struct{ ID string } }
	dept.query(record, map[string]any{"d": gajID, "on": "2025-10-01", "note": "核查目录 42 条，提交更新 3 条"}, &rec)
	if rec.RecordFullCatalogueReview.ID != gajID {
		t.Fatalf("answered %+v", rec)
	}
	auth.query(status, map[string]any{"id": gajID}, &s)
	fr = s.Department.FullReview
	if fr.DueDate != "2026-10-01" || !fr.Overdue || fr.LastReview == nil || fr.LastReview.ReviewedOn != "2025-10-01" || fr.LastReview.RecordedBy.Subject != "li.wei" {
		t.Fatalf("after a review on 2025-10-01: %+v", fr)
	}

	const overdue = `{ departments(first: 100, filter: {fullReviewOverdue: true}) { totalCount nodes { creditCode fullReview { overdue } } } }`
	var list struct {
		Departments struct {
			TotalCount int
			Nodes      []struct {
				CreditCode string
				FullReview struct{ Overdue bool }
			}
		}
	}
	a.as(auditor).query(overdue, nil, &list)
	if list.Departments.TotalCount != 1 || list.Departments.Nodes[0].CreditCode != gajCode || !list.Departments.Nodes[0].FullReview.Overdue {
		t.Fatalf("overdue departments %+v", list)
	}
	dept.queryErr(overdue, nil, "FORBIDDEN")
	a.public().queryErr(overdue, nil, "FORBIDDEN")

	// A review today clears it.
	dept.query(record, map[string]any{"d": gajID, "on": domain.DateOf(time.Now()).String(), "note": "年度全面核查"}, &rec)
	auth.query(overdue, nil, &list)
	if list.Departments.TotalCount != 0 {
		t.Fatalf("still overdue: %+v", list)
	}

	// At the boundary the filter (SQL) and the field (domain) agree: one
	// department reviewed a year ago to the day, one a day before that.
	today := domain.DateOf(time.Now())
	yearAgo := today.AddMonths(-12)
	a.as(mzj).query(record, map[string]any{"d": departmentID(t, a, mzjCode), "on": yearAgo.String(), "note": "核查"}, &rec)
	a.as(wjj).query(record,
		map[string]any{"d": departmentID(t, a, wjjCode), "on": yearAgo.AddDays(-1).String(), "note": "核查"}, &rec)
	var all struct {
		Departments struct {
			Nodes []struct {
				CreditCode string
				FullReview struct{ Overdue bool }
			}
		}
	}
	auth.query(`{ departments(first: 100) { nodes { creditCode fullReview { overdue } } } }`, nil, &all)
	want := map[string]bool{}
	for _, d := range all.Departments.Nodes {
		if d.FullReview.Overdue {
			want[d.CreditCode] = true
		}
	}
	auth.query(overdue, nil, &list)
	got := map[string]bool{}
	for _, d := range list.Departments.Nodes {
		got[d.CreditCode] = true
	}
	if len(got) != len(want) || !want[wjjCode] || !got[wjjCode] || got[mzjCode] != want[mzjCode] {
		t.Fatalf("the filter lists %v, the field says %v", got, want)
	}

	// The profile's period and article: 公安局's region under qingyang cites QY 8.
	auth.query(`mutation { setRegionPolicy(regionCode: "441400", profile: "meizhou") { name } }`, nil, &struct{}{})
	dept.query(status, map[string]any{"id": gajID}, &s)
	if r := s.Department.FullReview.Rule; !r.Defaulted || !contains(r.Citation, "no period") {
		t.Errorf("under meizhou the period is defaulted: %+v", r)
	}
}
