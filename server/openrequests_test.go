package server_test

import (
	"testing"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

var (
	zhang = auth.Claims{Sub: "441402198507150012", Role: domain.RolePerson, Subject: "441402198507150012"}
	chen  = auth.Claims{Sub: "44140219900101002X", Role: domain.RolePerson, Subject: "44140219900101002X"}
)

const (
	openFields    = `id status purpose scope extended extensionReason extensionApprovedBy overdue reason basis source { creditCode } deadline { dueDate workingDays citation }`
	submitOpen    = `mutation($r: ID!, $p: String!, $s: String!, $key: String) { o: submitOpenRequest(resourceId: $r, purpose: $p, scope: $s, idempotencyKey: $key) { ` + openFields + ` } }`
	decideOpen    = `mutation($id: ID!, $d: OpenDecision!, $reason: String, $basis: String) { o: decideOpenRequest(id: $id, decision: $d, reason: $reason, basis: $basis) { ` + openFields + ` } }`
	extendOpen    = `mutation($id: ID!, $reason: String!, $by: String!) { o: extendOpenRequest(id: $id, reason: $reason, approvedBy: $by) { ` + openFields + ` } }`
	openAccessQry = `query($id: ID!) { resource(id: $id) { viewerAccess { open canRequest } openAccess { downloadUrl } } }`
)

type openRequest struct {
	ID, Status, Purpose, Scope           string
	Extended                             bool
	ExtensionReason, ExtensionApprovedBy string
	Overdue                              bool
	Reason, Basis                        string
	Source                               struct{ CreditCode string }
	Deadline                             *struct {
		DueDate     string
		WorkingDays int
		Citation    string
	}
}

func (a *api) open(t *testing.T, q string, vars map[string]any) openRequest {
	t.Helper()
	var out struct{ O *openRequest }
	a.query(q, vars, &out)
	if out.O == nil {
		t.Fatal("answered null")
	}
	return *out.O
}

// conditionallyOpen is a published entry whose open type is CONDITIONAL.
func conditionallyOpen(t *testing.T, a *api) (id, sourceCode, region string) {
	t.Helper()
	var out struct {
		Resources struct {
			Nodes []struct {
				ID               string
				SourceDepartment struct{ CreditCode, RegionCode string }
			}
		}
	}
	a.query(`{ resources(first: 1, filter: {openType: CONDITIONAL}) { nodes { id sourceDepartment { creditCode regionCode } } } }`, nil, &out)
	if len(out.Resources.Nodes) == 0 {
		t.Fatal("the demo catalogue has no conditionally open entry")
	}
	n := out.Resources.Nodes[0]
	return n.ID, n.SourceDepartment.CreditCode, n.SourceDepartment.RegionCode
}

// NY 46: a person applies with purpose and scope; the source answers within
// 10 working days, extendable once by 10 with the head's approval; an
// approval opens openAccess to that person only; a request past its
// deadline is listed as overdue.
func TestOpenRequests(t *testing.T) {
	clock := &testClock{}
	clock.set("2025-09-22 09:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	person, other, auth := a.as(zhang), a.as(chen), a.as(authority)
	rid, srcCode, region := conditionallyOpen(t, a.public())
	src := a.as(departmentClaims(srcCode))
	auth.query(`mutation($r: String!) { setRegionPolicy(regionCode: $r, profile: "nanyang") { name } }`, map[string]any{"r": region}, &struct{}{})

	var acc struct {
		Resource struct {
			ViewerAccess struct{ Open, CanRequest bool }
			OpenAccess   *struct{ DownloadURL string }
		}
	}
	if resp := person.do(openAccessQry, map[string]any{"id": rid}); len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" {
		t.Fatalf("openAccess before approval: %s %+v", resp.Data, resp.Errors)
	}
	vars := map[string]any{"r": rid, "p": "城市规划课题研究", "s": "2024 年度汇总数据", "key": "open-1"}
	a.public().queryErr(submitOpen, vars, "FORBIDDEN")
	a.as(gaj).queryErr(submitOpen, vars, "FORBIDDEN")
	person.queryErr(submitOpen, map[string]any{"r": rid, "p": "研究", "s": " "}, "BAD_USER_INPUT")

	o := person.open(t, submitOpen, vars)
	// NY 46 under the nanyang profile: 10 working days, with 09-28 and 10-11 made up.
	if o.Status != "PENDING" || o.Deadline == nil || o.Deadline.DueDate != "2025-10-11" || o.Deadline.Citation != "NY 46" || o.Source.CreditCode != srcCode {
		t.Fatalf("submitted %+v %+v", o, o.Deadline)
	}
	if again := person.open(t, submitOpen, vars); again.ID != o.ID {
		t.Fatalf("a retry filed %s besides %s", again.ID, o.ID)
	}
	// Another person does not know it exists.
	other.queryErr(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": o.ID}, "NOT_FOUND")
	var mine struct{ OpenRequests struct{ TotalCount int } }
	other.query(`{ openRequests { totalCount } }`, nil, &mine)
	if mine.OpenRequests.TotalCount != 0 {
		t.Errorf("another person sees %d open requests", mine.OpenRequests.TotalCount)
	}
	person.queryErr(decideOpen, map[string]any{"id": o.ID, "d": "APPROVE"}, "FORBIDDEN")

	// One extension, with the head's approval.
	src.queryErr(extendOpen, map[string]any{"id": o.ID, "reason": "需脱敏处理", "by": " "}, "BAD_USER_INPUT")
	o = src.open(t, extendOpen, map[string]any{"id": o.ID, "reason": "数据量大，需脱敏处理", "by": "张主任"})
	if !o.Extended || o.Deadline.DueDate != "2025-10-24" || o.Deadline.WorkingDays != 20 || o.ExtensionApprovedBy != "张主任" {
		t.Fatalf("extended %+v %+v", o, o.Deadline)
	}
	src.queryErr(extendOpen, map[string]any{"id": o.ID, "reason": "再延", "by": "张主任"}, "FAILED_PRECONDITION")

	// Past the extended deadline, it is overdue.
	const overdue = `{ openRequests(filter: {overdue: true}) { totalCount } }`
	var n struct{ OpenRequests struct{ TotalCount int } }
	auth.query(overdue, nil, &n)
	if n.OpenRequests.TotalCount != 0 {
		t.Fatalf("overdue early: %+v", n)
	}
	clock.set("2025-10-25 09:00")
	src.query(overdue, nil, &n)
	if n.OpenRequests.TotalCount != 1 {
		t.Fatalf("the source sees %d overdue, want 1", n.OpenRequests.TotalCount)
	}

	// A refusal needs a reason and a basis; an approval opens openAccess
	// to this person and nobody else.
	src.queryErr(decideOpen, map[string]any{"id": o.ID, "d": "REJECT", "reason": "涉及个人隐私"}, "BAD_USER_INPUT")
	o = src.open(t, decideOpen, map[string]any{"id": o.ID, "d": "APPROVE"})
	if o.Status != "APPROVED" || o.Overdue {
		t.Fatalf("approved %+v", o)
	}
	person.query(openAccessQry, map[string]any{"id": rid}, &acc)
	if !acc.Resource.ViewerAccess.Open || acc.Resource.OpenAccess == nil {
		t.Fatalf("after approval the person sees %+v", acc)
	}
	if resp := other.do(openAccessQry, map[string]any{"id": rid}); len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" {
		t.Fatalf("another person sees openAccess: %s", resp.Data)
	}
	person.queryErr(`mutation($id: ID!) { withdrawOpenRequest(id: $id) { status } }`, map[string]any{"id": o.ID}, "FAILED_PRECONDITION")

	// Unconditionally open data needs no request; the default profile allows no extension.
	var u struct {
		Resources struct{ Nodes []struct{ ID string } }
	}
	a.query(`{ resources(first: 1, filter: {openType: UNCONDITIONAL}) { nodes { id } } }`, nil, &u)
	person.queryErr(submitOpen, map[string]any{"r": u.Resources.Nodes[0].ID, "p": "x", "s": "y"}, "BAD_USER_INPUT")
	auth.query(`mutation($r: String!) { setRegionPolicy(regionCode: $r) { name } }`, map[string]any{"r": region}, &struct{}{})
	o2 := other.open(t, submitOpen, map[string]any{"r": rid, "p": "论文", "s": "样本数据"})
	src.queryErr(extendOpen, map[string]any{"id": o2.ID, "reason": "x", "by": "y"}, "FAILED_PRECONDITION")
	o2 = other.open(t, `mutation($id: ID!) { o: withdrawOpenRequest(id: $id) { `+openFields+` } }`, map[string]any{"id": o2.ID})
	if o2.Status != "WITHDRAWN" {
		t.Errorf("withdrawn %+v", o2)
	}
}
