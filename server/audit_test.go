package server_test

import (
	"encoding/csv"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

type auditEvent struct {
	Seq                  int
	At, RequestID        string
	Actor                struct{ Subject, Role string }
	Action, Outcome      string
	Code                 *string
	Message              string
	TargetKind, TargetID *string
	Resource             *struct{ ID string }
	Department           *struct{ CreditCode string }
	Before, After        *string
	Details              *string
	PrevHash, Hash       string
}

const auditQuery = `query($f: AuditFilter, $first: Int) { auditEvents(filter: $f, first: $first) { totalCount nodes {
	seq at requestId actor { subject role } action outcome code message targetKind targetId resource { id }
	department { creditCode } before after details prevHash hash } } }`

func (a *api) audit(t *testing.T, filter map[string]any) []auditEvent {
	t.Helper()
	var out struct {
		AuditEvents struct{ Nodes []auditEvent }
	}
	a.query(auditQuery, map[string]any{"f": filter, "first": 100}, &out)
	return out.AuditEvents.Nodes
}

// NY 33, WZ 34: mutations, access decisions and refused attempts are
// audit events with actor, action, target, outcome and, for a catalogue
// change, the entry before and after; the log is for auditors and the
// authority, as a page or a streamed CSV; the chain verifies.
func TestAuditTrail(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-02-13 10:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	dept, aud := a.as(gaj), a.as(auditor)
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 1)
	src := a.as(departmentClaims(e.Source.CreditCode))

	in := requestInput(e, "QUERY", e.DataItems[0].ID)
	r := dept.request(t, submitRequest, map[string]any{"in": in})
	a.as(bystander(e)).queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"}, "NOT_FOUND")
	dept.queryErr(decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"}, "FORBIDDEN")
	src.request(t, decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"})

	// The submission: who, what, on which entry, committed with the request.
	got := aud.audit(t, map[string]any{"action": "submitShareRequest"})
	if len(got) != 1 {
		t.Fatalf("submitShareRequest events: %+v", got)
	}
	s := got[0]
	if s.Actor.Subject != gaj.Sub || s.Actor.Role != "DEPARTMENT" || s.Outcome != "OK" || deref(s.TargetKind) != "ShareRequest" ||
		deref(s.TargetID) != r.ID || s.Resource == nil || s.Resource.ID != e.ID || s.Department == nil ||
		s.Department.CreditCode != e.Source.CreditCode || s.RequestID == "" || !strings.HasPrefix(s.At, "2026-02-13T") ||
		!contains(deref(s.Details), `"scenario"`) || len(s.Hash) != 64 {
		t.Errorf("the submission's event %+v", s)
	}
	// Refused attempts, each with its code and what the user was told.
	refused := aud.audit(t, map[string]any{"action": "decideShareRequest", "outcome": "REFUSED"})
	if len(refused) != 2 || deref(refused[0].Code) != "FORBIDDEN" || deref(refused[1].Code) != "NOT_FOUND" ||
		refused[0].Message == "" || deref(refused[0].TargetID) != r.ID {
		t.Errorf("refused decisions %+v", refused)
	}
	if ok := aud.audit(t, map[string]any{"action": "decideShareRequest", "outcome": "OK"}); len(ok) != 1 || ok[0].Actor.Subject != departmentClaims(e.Source.CreditCode).Sub {
		t.Errorf("the approval %+v", ok)
	}

	// An access decision about a person: audited, the person not named.
	const ask = `query($r: ID!, $items: [ID!]!, $s: String) { accessDecision(resourceId: $r, itemIds: $items, mode: QUERY, scenario: "户籍迁移审批", subject: $s) { allow } }`
	dept.query(ask, map[string]any{"r": e.ID, "items": []string{e.DataItems[0].ID}, "s": zhang.Subject}, &struct{}{})
	dec := aud.audit(t, map[string]any{"action": "accessDecision"})
	if len(dec) != 1 || dec[0].Outcome != "OK" || dec[0].Resource == nil || !contains(deref(dec[0].Details), `"subject":"[protected]"`) ||
		contains(deref(dec[0].Details), zhang.Subject) || !contains(deref(dec[0].Details), `"grantId"`) {
		t.Errorf("the access decision's event %+v", dec)
	}

	// A catalogue change keeps the entry before and after.
	draft := dept.mutate(t, createMutation, map[string]any{"input": draftInput("441400-GA-AUD")})
	changedIn := draftInput("441400-GA-AUD")
	changedIn["name"] = "户籍迁移登记信息"
	dept.mutate(t, updateMutation, map[string]any{"id": draft.ID, "input": changedIn, "v": draft.Version})
	upd := aud.audit(t, map[string]any{"action": "updateResource"})
	if len(upd) != 1 || !contains(deref(upd[0].Before), `"name": "户籍迁移信息"`) || !contains(deref(upd[0].After), `"name": "户籍迁移登记信息"`) {
		t.Errorf("the update's before and after: %+v", upd)
	}
	if cr := aud.audit(t, map[string]any{"action": "createResource"}); len(cr) != 1 || cr[0].Before != nil || cr[0].After == nil || deref(cr[0].TargetID) != draft.ID {
		t.Errorf("the creation's event %+v", cr)
	}

	// Filters: by actor, by department (its staff's and about its entries).
	if n := len(aud.audit(t, map[string]any{"actor": gaj.Sub})); n != 5 {
		t.Errorf("公安局's staff made %d events, want 5", n)
	}
	if n := len(aud.audit(t, map[string]any{"resourceId": e.ID})); n != 5 {
		t.Errorf("%d events about the entry, want 5", n)
	}
	aud.queryErr(auditQuery, map[string]any{"f": map[string]any{"from": "2026-02-14T00:00:00+08:00", "to": "2026-02-13T00:00:00+08:00"}}, "BAD_USER_INPUT")

	// Only auditors and the authority read the log; a refusal is audited.
	dept.queryErr(auditQuery, nil, "FORBIDDEN")
	a.public().queryErr(auditQuery, nil, "FORBIDDEN")
	if q := a.as(authority).audit(t, map[string]any{"action": "auditEvents", "outcome": "REFUSED"}); len(q) != 2 {
		t.Errorf("refused reads of the log: %+v", q)
	}

	// The chain: each event names the previous one's hash, and it verifies.
	all := aud.audit(t, nil)
	for i := 0; i+1 < len(all); i++ {
		if all[i].Seq != all[i+1].Seq+1 || all[i].PrevHash != all[i+1].Hash {
			t.Fatalf("events %d and %d are not chained: %+v %+v", all[i+1].Seq, all[i].Seq, all[i+1], all[i])
		}
	}
	var integrity struct {
		AuditIntegrity struct {
			OK               bool
			Checked, HeadSeq int
			FirstBroken      *struct{ Seq int }
		}
	}
	aud.query(`{ auditIntegrity { ok checked headSeq firstBroken { seq } } }`, nil, &integrity)
	if i := integrity.AuditIntegrity; !i.OK || i.Checked != i.HeadSeq || i.Checked < len(all) || i.FirstBroken != nil {
		t.Errorf("integrity %+v", i)
	}
	dept.queryErr(`{ auditIntegrity { ok } }`, nil, "FORBIDDEN")

	// An auditor's mutation is refused before it runs, and audited.
	aud.queryErr(createMutation, map[string]any{"input": draftInput("441400-GA-AUD2")}, "FORBIDDEN")
	if ref := aud.audit(t, map[string]any{"action": "createResource", "outcome": "REFUSED"}); len(ref) != 1 || ref[0].Actor.Role != "AUDITOR" {
		t.Errorf("the auditor's refused mutation: %+v", ref)
	}
	// A replay is an event that says so.
	keyed := requestInput(e, "QUERY", e.DataItems[0].ID)
	keyed["idempotencyKey"] = "audit-replay-1"
	first := dept.request(t, submitRequest, map[string]any{"in": keyed})
	if again := dept.request(t, submitRequest, map[string]any{"in": keyed}); again.ID != first.ID {
		t.Fatalf("the replay made %s, not %s", again.ID, first.ID)
	}
	if rep := aud.audit(t, map[string]any{"action": "submitShareRequest"}); len(rep) != 3 || !contains(deref(rep[0].Details), `"replayOf"`) ||
		contains(deref(rep[1].Details), `"replayOf"`) || deref(rep[1].TargetID) != first.ID {
		t.Errorf("the replay's event: %+v", rep)
	}
	// A person is named by the keyed hash of their subject, found by it.
	a.as(zhang).queryErr(auditQuery, nil, "FORBIDDEN")
	byPerson := aud.audit(t, map[string]any{"actor": zhang.Sub})
	if len(byPerson) != 1 || !strings.HasPrefix(byPerson[0].Actor.Subject, "person:") || contains(byPerson[0].Actor.Subject, zhang.Sub) {
		t.Errorf("a person's event: %+v", byPerson)
	}
	if whole := aud.get("/export/audit.csv"); contains(whole.Body.String(), zhang.Subject) {
		t.Errorf("the export names a person: %s", whole.Body.String())
	}

	// The CSV export streams the same rows, oldest first.
	rec := aud.get("/export/audit.csv?action=accessDecision&from=2026-02-01T00:00:00%2B08:00")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export: %d %s", rec.Code, rec.Body.String())
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "id" || rows[1][6] != "accessDecision" || strings.Contains(rec.Body.String(), zhang.Subject) {
		t.Errorf("exported %v %v", rows, err)
	}
	if _, err := hex.DecodeString(rows[1][18]); err != nil || len(rows[1][18]) != 64 {
		t.Errorf("exported hash %q", rows[1][18])
	}
	if rec := dept.get("/export/audit.csv"); rec.Code != http.StatusForbidden || !contains(rec.Body.String(), "FORBIDDEN") {
		t.Errorf("a department exports: %d %s", rec.Code, rec.Body.String())
	}
	if rec := aud.get("/export/audit.csv?from=yesterday"); rec.Code != http.StatusBadRequest || !contains(rec.Body.String(), "RFC 3339") {
		t.Errorf("a bad from: %d %s", rec.Code, rec.Body.String())
	}
	if ex := aud.audit(t, map[string]any{"action": "exportAudit"}); len(ex) != 4 || ex[0].Outcome != "REFUSED" || ex[3].Outcome != "OK" {
		t.Errorf("exports audited: %+v", ex)
	}
}

// WZ 25: a person sees which departments asked about them, when, for
// which scenario and under which grant; matched through the keyed hash.
func TestMyAccessRecords(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept := a.as(gaj)
	e := findEntry(t, a, "UNCONDITIONAL", "QUERY", 1)
	r := dept.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	const ask = `query($r: ID!, $items: [ID!]!, $s: String) { accessDecision(resourceId: $r, itemIds: $items, mode: QUERY, scenario: "户籍迁移审批", subject: $s) { allow } }`
	dept.query(ask, map[string]any{"r": e.ID, "items": []string{e.DataItems[0].ID}, "s": " " + strings.ToLower(zhang.Subject) + " "}, &struct{}{})
	dept.query(ask, map[string]any{"r": e.ID, "items": []string{e.DataItems[0].ID}, "s": chen.Subject}, &struct{}{})
	const mine = `{ myAccessRecords { totalCount nodes { at department { creditCode } resource { id } mode allowed grantId grant { id } scenario reason } } }`
	var out struct {
		MyAccessRecords struct {
			TotalCount int
			Nodes      []struct {
				Department     struct{ CreditCode string }
				Mode, Scenario string
				Allowed        bool
				GrantID        *string
				Grant          *struct{ ID string }
			}
		}
	}
	a.as(zhang).query(mine, nil, &out)
	m := out.MyAccessRecords
	if m.TotalCount != 1 || len(m.Nodes) != 1 || m.Nodes[0].Department.CreditCode != gajCode || !m.Nodes[0].Allowed ||
		m.Nodes[0].Scenario != "户籍迁移审批" || deref(m.Nodes[0].GrantID) != r.Grant.ID || m.Nodes[0].Grant != nil {
		t.Errorf("张 sees %+v", m)
	}
	a.as(auth.Claims{Sub: "someone", Role: "PERSON", Subject: "44140219700101001X"}).query(mine, nil, &out)
	if out.MyAccessRecords.TotalCount != 0 {
		t.Errorf("another person sees %d records", out.MyAccessRecords.TotalCount)
	}
	dept.queryErr(mine, nil, "FORBIDDEN")
	a.public().queryErr(mine, nil, "FORBIDDEN")
}
