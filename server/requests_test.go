package server_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// demoEntry is a published entry of another department than 公安局.
type demoEntry struct {
	ID, Code   string
	ShareType  string
	ShareModes []string
	DataItems  []struct{ ID, Name string }
	Source     struct{ CreditCode string } `json:"sourceDepartment"`
}

// findEntry returns a published entry not of 公安局 with share type st
// offering mode (any mode for "") and at least minItems items.
func findEntry(t *testing.T, a *api, st, mode string, minItems int) demoEntry {
	t.Helper()
	var shareType any
	if st != "" {
		shareType = st
	}
	var out struct{ Resources struct{ Nodes []demoEntry } }
	a.as(authority).query(`query($st: ShareType) { resources(first: 100, filter: {shareType: $st, status: PUBLISHED}) {
		nodes { id code shareType shareModes dataItems { id name } sourceDepartment { creditCode } } } }`, map[string]any{"st": shareType}, &out)
	for _, e := range out.Resources.Nodes {
		if e.Source.CreditCode == gajCode || len(e.DataItems) < minItems {
			continue
		}
		for _, m := range append(e.ShareModes, "") {
			if m == mode {
				return e
			}
		}
	}
	t.Fatalf("the demo catalogue has no published %s entry of another department with mode %q and %d items", st, mode, minItems)
	return demoEntry{}
}

const (
	requestFields = `id status mode until purpose scenario overdue reason basis
		requester { creditCode } source { creditCode } items { id name }
		deadline { dueDate workingDaysLeft citation }
		approved { mode until items { id name } }
		grant { id status mode validUntil items { id } }`
	submitRequest = `mutation($in: SubmitShareRequestInput!) { r: submitShareRequest(input: $in) { ` + requestFields + ` } }`
	decideRequest = `mutation($id: ID!, $d: ShareDecision!, $items: [ID!], $mode: ShareMode, $until: Date, $reason: String, $basis: String) {
		r: decideShareRequest(id: $id, decision: $d, itemIds: $items, mode: $mode, until: $until, reason: $reason, basis: $basis) { ` + requestFields + ` } }`
	shareAccessQuery = `query($id: ID!) { resource(id: $id) { viewerAccess { share } shareAccess { modes items { id } grantScenario } } }`
)

type shareRequest struct {
	ID, Status, Mode, Until, Purpose, Scenario string
	Overdue                                    bool
	Reason, Basis                              string
	Requester, Source                          struct{ CreditCode string }
	Items                                      []struct{ ID, Name string }
	Deadline                                   *struct {
		DueDate         string
		WorkingDaysLeft int
		Citation        string
	}
	Approved *struct {
		Mode, Until string
		Items       []struct{ ID, Name string }
	}
	Grant *struct {
		ID, Status, Mode string
		ValidUntil       *string
		Items            []struct{ ID string }
	}
}

func (a *api) request(t *testing.T, q string, vars map[string]any) shareRequest {
	t.Helper()
	var out struct{ R *shareRequest }
	a.query(q, vars, &out)
	if out.R == nil {
		t.Fatal("answered null")
	}
	return *out.R
}

type shareAccess struct {
	Resource struct {
		ViewerAccess struct{ Share bool }
		ShareAccess  *struct {
			Modes         []string
			Items         []struct{ ID string }
			GrantScenario *string
		}
	}
}

// requestInput asks for items of e in mode until a day half a year after
// today (on the real clock).
func requestInput(e demoEntry, mode string, items ...string) map[string]any {
	return map[string]any{"resourceId": e.ID, "purpose": "办理户籍业务时核验家庭成员信息", "scenario": "户籍迁移审批",
		"itemIds": items, "mode": mode, "until": domain.DateOf(time.Now()).AddDays(180).String()}
}

// MZ 21-22: a conditional request approved with fewer items than asked;
// only those items become visible, in the granted mode; the authority
// suspends (NY 41) and revokes (WZ 22) the grant.
func TestShareRequestConditional(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-02-13 10:00") // the Friday before Spring Festival 2026
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	dept, auth := a.as(gaj), a.as(authority)
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 2)
	src := a.as(departmentClaims(e.Source.CreditCode))

	// Before: no grant, no shareAccess.
	var sa shareAccess
	resp := dept.do(shareAccessQuery, map[string]any{"id": e.ID})
	if len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" {
		t.Fatalf("shareAccess before a grant: %s %+v", resp.Data, resp.Errors)
	}

	asked := []string{e.DataItems[0].ID, e.DataItems[1].ID}
	in := requestInput(e, "QUERY", asked...)
	in["idempotencyKey"], in["until"] = "req-1", "2026-06-30"
	r := dept.request(t, submitRequest, map[string]any{"in": in})
	// Default profile: 7 working days (as QY 16, WZ 20) across Spring Festival: 03-02.
	if r.Status != "PENDING_SOURCE" || r.Deadline == nil || r.Deadline.DueDate != "2026-03-02" || !contains(r.Deadline.Citation, "QY 16") ||
		r.Requester.CreditCode != gajCode || r.Source.CreditCode != e.Source.CreditCode || len(r.Items) != 2 || r.Grant != nil {
		t.Fatalf("submitted %+v", r)
	}
	// The same key again: the same request, not a second one.
	if again := dept.request(t, submitRequest, map[string]any{"in": in}); again.ID != r.ID {
		t.Fatalf("a retry made request %s besides %s", again.ID, r.ID)
	}

	// Only the source decides; never wider than asked; a refusal needs reasons.
	dept.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"}, "FORBIDDEN")
	// A department that is neither party does not know the request exists.
	a.as(bystander(e)).queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"}, "NOT_FOUND")
	src.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE", "mode": "BULK"}, "BAD_USER_INPUT")
	src.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE", "until": "2026-12-31"}, "BAD_USER_INPUT")
	src.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "REJECT", "reason": "超出职责"}, "BAD_USER_INPUT")

	// MZ 22: approve one of the two items, VERIFY only, until 03-31.
	r = src.request(t, decideRequest, map[string]any{"id": r.ID, "d": "APPROVE", "items": asked[:1], "mode": "VERIFY", "until": "2026-03-31"})
	if r.Status != "GRANTED" || r.Approved == nil || len(r.Approved.Items) != 1 || r.Approved.Mode != "VERIFY" || r.Grant == nil ||
		r.Grant.Status != "ACTIVE" || len(r.Grant.Items) != 1 || r.Grant.Items[0].ID != asked[0] || r.Grant.ValidUntil == nil ||
		*r.Grant.ValidUntil != "2026-03-31T23:59:59.999999+08:00" {
		t.Fatalf("approved %+v grant %+v", r, r.Grant)
	}
	dept.query(shareAccessQuery, map[string]any{"id": e.ID}, &sa)
	if s := sa.Resource.ShareAccess; s == nil || len(s.Items) != 1 || s.Items[0].ID != asked[0] || len(s.Modes) != 1 || s.Modes[0] != "VERIFY" ||
		s.GrantScenario == nil || *s.GrantScenario != "户籍迁移审批" {
		t.Fatalf("shareAccess under the grant: %+v", s)
	}
	// Decided: nothing more to decide.
	src.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "REJECT", "reason": "x", "basis": "y"}, "FAILED_PRECONDITION")

	// NY 41: the authority suspends it (with a reason); access is denied.
	const change = `mutation($id: ID!, $why: String!) { suspendGrant(id: $id, reason: $why) { status statusReason } }`
	src.queryErr(change, map[string]any{"id": r.Grant.ID, "why": "滥用"}, "FORBIDDEN")
	auth.queryErr(change, map[string]any{"id": r.Grant.ID, "why": " "}, "BAD_USER_INPUT")
	var g struct {
		SuspendGrant struct{ Status, StatusReason string }
	}
	auth.query(change, map[string]any{"id": r.Grant.ID, "why": "超范围使用，暂停待查"}, &g)
	if g.SuspendGrant.Status != "SUSPENDED" {
		t.Fatalf("suspended: %+v", g)
	}
	resp = dept.do(shareAccessQuery, map[string]any{"id": e.ID})
	if len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" {
		t.Fatalf("shareAccess under a suspended grant: %s %+v", resp.Data, resp.Errors)
	}
	var back struct{ ReinstateGrant struct{ Status string } }
	auth.query(`mutation($id: ID!) { reinstateGrant(id: $id, reason: "核查无误") { status } }`, map[string]any{"id": r.Grant.ID}, &back)
	dept.query(shareAccessQuery, map[string]any{"id": e.ID}, &sa)
	if back.ReinstateGrant.Status != "ACTIVE" || sa.Resource.ShareAccess == nil {
		t.Fatalf("reinstated: %+v %+v", back, sa)
	}
	// WZ 22: revoked, for good.
	auth.query(`mutation($id: ID!) { revokeGrant(id: $id, reason: "对外提供共享数据") { status } }`, map[string]any{"id": r.Grant.ID}, &struct{}{})
	auth.queryErr(`mutation($id: ID!) { reinstateGrant(id: $id, reason: "x") { status } }`, map[string]any{"id": r.Grant.ID}, "FAILED_PRECONDITION")
	if resp := dept.do(shareAccessQuery, map[string]any{"id": e.ID}); len(resp.Errors) != 1 {
		t.Fatalf("shareAccess under a revoked grant: %s", resp.Data)
	}
	// Past its last day a grant expires on its own.
	u := findEntry(t, a, "UNCONDITIONAL", "QUERY", 1)
	uin := requestInput(u, "QUERY", u.DataItems[0].ID)
	uin["until"] = "2026-03-31"
	ug := dept.request(t, submitRequest, map[string]any{"in": uin}).Grant
	type grantList struct {
		Grants struct {
			TotalCount int
			Nodes      []struct{ ID, Status string }
		}
	}
	var grants grantList
	const byStatus = `query($s: GrantStatus) { grants(filter: {status: $s}) { totalCount nodes { id status } } }`
	auth.query(byStatus, map[string]any{"s": "EXPIRED"}, &grants)
	if grants.Grants.TotalCount != 0 {
		t.Fatalf("expired before the day: %+v", grants)
	}
	clock.set("2026-03-31 23:59")
	auth.query(byStatus, map[string]any{"s": "ACTIVE"}, &grants)
	if grants.Grants.TotalCount != 1 || grants.Grants.Nodes[0].ID != ug.ID {
		t.Fatalf("active on its last evening: %+v", grants)
	}
	clock.set("2026-04-01 00:00")
	auth.query(byStatus, map[string]any{"s": "EXPIRED"}, &grants)
	if grants.Grants.TotalCount != 1 || grants.Grants.Nodes[0].ID != ug.ID || grants.Grants.Nodes[0].Status != "EXPIRED" {
		t.Fatalf("expired grants on 04-01: %+v", grants)
	}
	auth.query(byStatus, map[string]any{"s": "REVOKED"}, &grants)
	if grants.Grants.TotalCount != 1 || grants.Grants.Nodes[0].ID != r.Grant.ID {
		t.Errorf("revoked grants: %+v", grants)
	}
}

// departmentClaims is a token of a department's staff.
func departmentClaims(creditCode string) auth.Claims {
	return auth.Claims{Sub: "staff-" + creditCode[len(creditCode)-4:], Role: domain.RoleDepartment, Department: creditCode}
}

// bystander is a department that is neither 公安局 nor e's source.
func bystander(e demoEntry) auth.Claims {
	for _, code := range []string{mzjCode, "11441400MB2C90995A"} {
		if code != e.Source.CreditCode {
			return departmentClaims(code)
		}
	}
	panic("unreachable")
}

// MZ 21: unconditional data is granted at once; WZ 21: BULK waits for the
// authority after the source; MZ 21: a NONE entry refuses QUERY.
func TestShareRequestPaths(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept, auth := a.as(gaj), a.as(authority)

	u := findEntry(t, a, "UNCONDITIONAL", "QUERY", 1)
	r := dept.request(t, submitRequest, map[string]any{"in": requestInput(u, "QUERY", u.DataItems[0].ID)})
	if r.Status != "GRANTED" || r.Deadline != nil || r.Grant == nil || r.Grant.Status != "ACTIVE" {
		t.Fatalf("unconditional: %+v", r)
	}

	n := findEntry(t, a, "NONE", "", 1)
	err := dept.queryErr(submitRequest, map[string]any{"in": requestInput(n, "QUERY", n.DataItems[0].ID)}, "BAD_USER_INPUT")
	if !contains(err.Message, "MZ 21") || !contains(err.Message, "only VERIFY") {
		t.Errorf("NONE refusal %q", err.Message)
	}
	if r := dept.request(t, submitRequest, map[string]any{"in": requestInput(n, "VERIFY", n.DataItems[0].ID)}); r.Status != "PENDING_SOURCE" {
		t.Errorf("NONE verification %+v", r)
	}

	b := findEntry(t, a, "", "BULK", 1)
	src := a.as(departmentClaims(b.Source.CreditCode))
	r = dept.request(t, submitRequest, map[string]any{"in": requestInput(b, "BULK", b.DataItems[0].ID)})
	if r.Status != "PENDING_SOURCE" {
		t.Fatalf("bulk submitted %+v", r)
	}
	r = src.request(t, decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"})
	if r.Status != "PENDING_AUTHORITY" || r.Grant != nil {
		t.Fatalf("bulk after the source: %+v", r)
	}
	src.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"}, "FORBIDDEN")
	r = auth.request(t, decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"})
	if r.Status != "GRANTED" || r.Grant == nil || r.Grant.Mode != "BULK" {
		t.Fatalf("bulk after the authority: %+v", r)
	}

	// Withdrawn while pending; the public and persons see no requests.
	c := findEntry(t, a, "CONDITIONAL", "QUERY", 1)
	r = dept.request(t, submitRequest, map[string]any{"in": requestInput(c, "QUERY", c.DataItems[0].ID)})
	a.as(departmentClaims(c.Source.CreditCode)).queryErr(`mutation($id: ID!) { r: withdrawShareRequest(id: $id) { status } }`, map[string]any{"id": r.ID}, "FORBIDDEN")
	r = dept.request(t, `mutation($id: ID!) { r: withdrawShareRequest(id: $id) { `+requestFields+` } }`, map[string]any{"id": r.ID})
	if r.Status != "WITHDRAWN" {
		t.Fatalf("withdrawn %+v", r)
	}
	a.public().queryErr(`{ shareRequests { totalCount } }`, nil, "FORBIDDEN")
	a.public().queryErr(`{ grants { totalCount } }`, nil, "FORBIDDEN")
	// A third department sees none of 公安局's requests.
	var list struct{ ShareRequests struct{ TotalCount int } }
	third := 0
	for _, e := range []demoEntry{u, n, b, c} {
		var l struct{ ShareRequests struct{ TotalCount int } }
		a.as(bystander(e)).query(`query($r: ID) { shareRequests(filter: {resourceId: $r}) { totalCount } }`, map[string]any{"r": e.ID}, &l)
		third += l.ShareRequests.TotalCount
	}
	dept.query(`{ shareRequests { totalCount } }`, nil, &list)
	if list.ShareRequests.TotalCount != 4 || third != 0 {
		t.Errorf("公安局 sees %d requests (want its 4), bystanders %d", list.ShareRequests.TotalCount, third)
	}
}

// An unanswered request past its deadline is listed as overdue; one key
// from two concurrent tries files one request.
func TestShareRequestOverdueAndRetries(t *testing.T) {
	clock := &testClock{}
	clock.set("2025-09-30 15:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	dept, auth := a.as(gaj), a.as(authority)
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 1)
	in := requestInput(e, "QUERY", e.DataItems[0].ID)
	in["idempotencyKey"], in["until"] = "retry-1", "2025-12-31"
	var wg sync.WaitGroup
	ids := make([]string, 3)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out struct{ R *struct{ ID string } }
			resp := dept.do(submitRequest, map[string]any{"in": in})
			resp.decode(t, &out)
			if out.R != nil {
				ids[i] = out.R.ID
			}
		}()
	}
	wg.Wait()
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("three tries with one key: %v", ids)
	}
	const overdue = `{ shareRequests(filter: {overdue: true}) { totalCount nodes { overdue deadline { dueDate workingDaysLeft } } } }`
	var list struct {
		ShareRequests struct {
			TotalCount int
			Nodes      []struct {
				Overdue  bool
				Deadline struct {
					DueDate         string
					WorkingDaysLeft int
				}
			}
		}
	}
	auth.query(overdue, nil, &list)
	if list.ShareRequests.TotalCount != 0 {
		t.Fatalf("overdue at once: %+v", list)
	}
	// 7 working days after 2025-09-30: 10-09, 10-10, 10-11 (make-up), 10-13, 10-14, 10-15, 10-16.
	clock.set("2025-10-17 09:00")
	auth.query(overdue, nil, &list)
	if list.ShareRequests.TotalCount != 1 || !list.ShareRequests.Nodes[0].Overdue || list.ShareRequests.Nodes[0].Deadline.DueDate != "2025-10-16" ||
		list.ShareRequests.Nodes[0].Deadline.WorkingDaysLeft != -1 {
		t.Fatalf("overdue on 10-17: %+v", list)
	}
	dept.query(overdue, nil, &list)
	if list.ShareRequests.TotalCount != 1 {
		t.Errorf("the requester sees %d overdue", list.ShareRequests.TotalCount)
	}
}

// argRecorder keeps every statement's arguments.
type argRecorder struct {
	mu   sync.Mutex
	args [][]any
	sql  []string
}

func (r *argRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.args, r.sql = append(r.args, d.Args), append(r.sql, d.SQL)
	r.mu.Unlock()
	return ctx
}
func (r *argRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// A data service asks before it serves: allowed only within the grant's
// scenario, items, mode, purpose and validity (MZ 22, MZ 19), denied
// beyond each with the shortfall named, or once suspended (NY 41); each
// answer is recorded with its scenario and purpose, the subject only as
// its keyed hash.
func TestAccessDecisions(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-02-13 10:00")
	rec := &argRecorder{}
	a := newAPIWith(t, storetest.Options{Demo: true, Tracer: rec}, server.Config{Clock: clock.Now})
	dept, auth := a.as(gaj), a.as(authority)
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 2)
	src := a.as(departmentClaims(e.Source.CreditCode))
	both := []string{e.DataItems[0].ID, e.DataItems[1].ID}
	in := requestInput(e, "QUERY", both...)
	in["until"] = "2026-06-30"
	r := dept.request(t, submitRequest, map[string]any{"in": in})
	r = src.request(t, decideRequest, map[string]any{"id": r.ID, "d": "APPROVE", "items": both[:1], "mode": "VERIFY"})
	scenario, purpose := in["scenario"].(string), in["purpose"].(string)

	const ask = `query($r: ID!, $items: [ID!]!, $mode: ShareMode!, $sc: String!, $p: String, $s: String) {
		accessDecision(resourceId: $r, itemIds: $items, mode: $mode, scenario: $sc, purpose: $p, subject: $s) {
			allow reason scenario purpose items { id } grant { id purpose } gaps { kind article detail items { id name } } } }`
	type decision struct {
		AccessDecision struct {
			Allow             bool
			Reason            string
			Scenario, Purpose string
			Items             []struct{ ID string }
			Grant             *struct{ ID, Purpose string }
			Gaps              []struct {
				Kind, Article, Detail string
				Items                 []struct{ ID, Name string }
			}
		}
	}
	const subject = "441402198507150012"
	decide := func(items []string, mode, scenario string, purpose any) decision {
		t.Helper()
		var d decision
		dept.query(ask, map[string]any{"r": e.ID, "items": items, "mode": mode, "sc": scenario, "p": purpose, "s": subject}, &d)
		return d
	}
	gapKinds := func(d decision) []string {
		var k []string
		for _, g := range d.AccessDecision.Gaps {
			k = append(k, g.Kind)
		}
		return k
	}
	d := decide(both[:1], "VERIFY", scenario, purpose)
	if !d.AccessDecision.Allow || d.AccessDecision.Grant == nil || d.AccessDecision.Grant.ID != r.Grant.ID || len(d.AccessDecision.Items) != 1 ||
		len(d.AccessDecision.Gaps) != 0 || d.AccessDecision.Grant.Purpose != purpose || d.AccessDecision.Scenario != scenario {
		t.Fatalf("within the grant: %+v", d)
	}
	// The scenario, however spaced, is the grant's; no purpose is asked of a grant holder.
	if d := decide(both[:1], "VERIFY", " "+scenario+"\u3000", nil); !d.AccessDecision.Allow {
		t.Fatalf("the grant's scenario, spaced: %+v", d)
	}
	// MZ 22: an item the grant does not cover is named, with the one it does.
	d = decide(both, "VERIFY", scenario, purpose)
	if g := d.AccessDecision.Gaps; d.AccessDecision.Allow || len(d.AccessDecision.Items) != 1 || !slices.Equal(gapKinds(d), []string{"ITEMS"}) ||
		len(g[0].Items) != 1 || g[0].Items[0].ID != both[1] || g[0].Article != "MZ 22" ||
		!contains(d.AccessDecision.Reason, "does not cover "+e.DataItems[1].Name) || !contains(d.AccessDecision.Reason, "covers "+e.DataItems[0].Name) {
		t.Fatalf("more items than granted: %+v", d)
	}
	d = decide(both[:1], "QUERY", scenario, purpose)
	if d.AccessDecision.Allow || !slices.Equal(gapKinds(d), []string{"MODE"}) || !contains(d.AccessDecision.Reason, "allows VERIFY, not QUERY") {
		t.Fatalf("a wider mode than granted: %+v", d)
	}
	d = decide(both, "QUERY", scenario, purpose)
	if d.AccessDecision.Allow || !slices.Equal(gapKinds(d), []string{"MODE", "ITEMS"}) {
		t.Fatalf("a wider mode and more items: %+v", d)
	}
	// MZ 22: the grant is for its scenario only.
	d = decide(both[:1], "VERIFY", "招商引资项目审核", purpose)
	if d.AccessDecision.Allow || d.AccessDecision.Grant != nil || !slices.Equal(gapKinds(d), []string{"SCENARIO"}) ||
		!contains(d.AccessDecision.Reason, scenario) || !contains(d.AccessDecision.Reason, "招商引资项目审核") {
		t.Fatalf("another scenario: %+v", d)
	}
	// MZ 19: a stated purpose must be the grant's.
	d = decide(both[:1], "VERIFY", scenario, "商业营销")
	if d.AccessDecision.Allow || !slices.Equal(gapKinds(d), []string{"PURPOSE"}) || !contains(d.AccessDecision.Reason, "商业营销") {
		t.Fatalf("another purpose: %+v", d)
	}
	if err := dept.queryErr(ask, map[string]any{"r": e.ID, "items": both[:1], "mode": "VERIFY", "sc": " ", "s": subject}, "BAD_USER_INPUT"); !contains(err.Message, "MZ 22") {
		t.Errorf("no scenario: %s", err.Message)
	}
	dept.queryErr(ask, map[string]any{"r": e.ID, "items": both[:1], "mode": "VERIFY", "sc": scenario}, "BAD_USER_INPUT")
	for _, who := range []*api{a.public(), a.as(zhang), a.as(auditor), auth} {
		who.queryErr(ask, map[string]any{"r": e.ID, "items": both[:1], "mode": "VERIFY", "sc": scenario, "s": subject}, "FORBIDDEN")
	}

	// NY 41: suspended, the same question is denied; reinstated, allowed.
	const status = `mutation($id: ID!, $why: String!) { %s(id: $id, reason: $why) { status } }`
	auth.query(fmt.Sprintf(status, "suspendGrant"), map[string]any{"id": r.Grant.ID, "why": "超范围使用"}, &struct{}{})
	d = decide(both[:1], "VERIFY", scenario, purpose)
	if d.AccessDecision.Allow || !slices.Equal(gapKinds(d), []string{"SUSPENDED"}) || !contains(d.AccessDecision.Reason, "NY 41") || !contains(d.AccessDecision.Reason, "超范围使用") {
		t.Fatalf("under a suspended grant: %+v", d)
	}
	auth.query(fmt.Sprintf(status, "reinstateGrant"), map[string]any{"id": r.Grant.ID, "why": "已整改"}, &struct{}{})
	// Past its last day the grant allows nothing.
	clock.set("2026-07-01 09:00")
	d = decide(both[:1], "VERIFY", scenario, purpose)
	if d.AccessDecision.Allow || !slices.Equal(gapKinds(d), []string{"EXPIRED"}) || !contains(d.AccessDecision.Reason, "2026-06-30") {
		t.Fatalf("after the last day: %+v", d)
	}

	// Recorded: each decision with its scenario and purpose, and the keyed
	// hash, never the subject.
	hash := domain.ProtectSubject(testSubjectKey, subject)
	recorded := 0
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i, sql := range rec.sql {
		for _, arg := range rec.args[i] {
			if s, ok := arg.(string); ok && contains(s, subject) {
				t.Fatalf("the subject was sent to the database in clear: %s", sql)
			}
		}
		if contains(sql, "INSERT INTO access_decisions") {
			recorded++
			if h, ok := rec.args[i][8].([]byte); !ok || !bytes.Equal(h, hash) {
				t.Errorf("decision recorded with subject hash %v, want %x", rec.args[i][8], hash)
			}
		}
	}
	if recorded != 9 {
		t.Errorf("%d decisions recorded, want 9", recorded)
	}
	conn, err := pgx.Connect(context.Background(), a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var scenarios []string
	rows, _ := conn.Query(context.Background(), `SELECT scenario || '/' || purpose FROM access_decisions ORDER BY id`)
	if scenarios, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	want := []string{scenario + "/" + purpose, scenario + "/", scenario + "/" + purpose, scenario + "/" + purpose, scenario + "/" + purpose,
		"招商引资项目审核/" + purpose, scenario + "/商业营销", scenario + "/" + purpose, scenario + "/" + purpose}
	if len(scenarios) < len(want) || !slices.Equal(scenarios[len(scenarios)-len(want):], want) {
		t.Errorf("recorded scenarios and purposes %q, want %q at the end", scenarios, want)
	}
}

// MZ 39: the using department reports on each half-year of a grant; a
// half-year over without a report is missing, and so listed.
func TestUsageReports(t *testing.T) {
	clock := &testClock{}
	clock.set("2025-03-03 10:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	dept, auth := a.as(gaj), a.as(authority)
	u := findEntry(t, a, "UNCONDITIONAL", "QUERY", 1)
	in := requestInput(u, "QUERY", u.DataItems[0].ID)
	in["until"] = "2026-12-31"
	g := dept.request(t, submitRequest, map[string]any{"in": in}).Grant
	if g == nil {
		t.Fatal("no grant")
	}
	const report = `mutation($g: ID!, $p: String!, $s: String!, $o: String!, $m: String!) {
		fileUsageReport(grantId: $g, period: $p, scenario: $s, outcome: $o, securityMeasures: $m) { period filedAt } }`
	const status = `query($id: ID!) { node(id: $id) { ... on Grant { missingUsageReports usageReports { period outcome } } } }`
	const missing = `{ grants(filter: {usageReportMissing: true}) { totalCount } }`
	type grantOut struct {
		Node struct {
			MissingUsageReports []string
			UsageReports        []struct{ Period, Outcome string }
		}
	}
	var n struct{ Grants struct{ TotalCount int } }
	auth.query(missing, nil, &n)
	if n.Grants.TotalCount != 0 {
		t.Fatalf("missing in the first half-year: %d", n.Grants.TotalCount)
	}
	r := map[string]any{"g": g.ID, "p": "2025-H2", "s": "户籍迁移审批", "o": "核验 3200 次，减少群众跑动", "m": "专网访问，日志留存六个月"}
	dept.queryErr(report, r, "BAD_USER_INPUT") // a period not begun
	r["p"] = "2025-H1"
	a.as(mzj).queryErr(report, r, "NOT_FOUND")
	if u.Source.CreditCode != gajCode {
		a.as(departmentClaims(u.Source.CreditCode)).queryErr(report, r, "FORBIDDEN") // the source sees the grant, but does not report on it
	}

	// 2025-H1 is over on 07-01 without a report.
	clock.set("2025-07-01 09:00")
	var s grantOut
	dept.query(status, map[string]any{"id": g.ID}, &s)
	if strings.Join(s.Node.MissingUsageReports, " ") != "2025-H1" {
		t.Fatalf("missing on 07-01: %+v", s)
	}
	auth.query(missing, nil, &n)
	if n.Grants.TotalCount != 1 {
		t.Fatalf("grants missing a report: %d", n.Grants.TotalCount)
	}
	dept.query(report, r, &struct{}{})
	dept.queryErr(report, r, "CONFLICT")
	dept.query(status, map[string]any{"id": g.ID}, &s)
	if len(s.Node.MissingUsageReports) != 0 || len(s.Node.UsageReports) != 1 || s.Node.UsageReports[0].Period != "2025-H1" {
		t.Fatalf("after filing: %+v", s)
	}
	auth.query(missing, nil, &n)
	if n.Grants.TotalCount != 0 {
		t.Fatalf("still missing: %d", n.Grants.TotalCount)
	}
	// Revoked in 2026-H1: reports are owed up to it, none after.
	clock.set("2026-03-02 09:00")
	auth.query(`mutation($id: ID!) { revokeGrant(id: $id, reason: "职能调整，不再需要") { status } }`, map[string]any{"id": g.ID}, &struct{}{})
	clock.set("2027-01-05 09:00")
	dept.query(status, map[string]any{"id": g.ID}, &s)
	if strings.Join(s.Node.MissingUsageReports, " ") != "2025-H2 2026-H1" {
		t.Fatalf("missing after the revocation: %+v", s)
	}
	auth.query(missing, nil, &n)
	if n.Grants.TotalCount != 1 {
		t.Fatalf("grants missing a report after the revocation: %d", n.Grants.TotalCount)
	}
}
