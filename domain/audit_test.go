package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Every field is covered by the hash: changing any one changes it.
func TestAuditHashCoversEveryField(t *testing.T) {
	base := AuditEvent{ID: 7, At: time.Date(2026, 3, 2, 9, 0, 0, 123456789, ChinaTime), RequestID: "r", Actor: Actor{"s", RoleDepartment, 3},
		Action: "a", TargetKind: KindResource, TargetID: 4, ResourceID: 4, DepartmentID: 3, Outcome: AuditOK, Code: "", Message: "m",
		Before: "{}", After: "{}", Details: "{}", PrevHash: []byte("p")}
	h := string(base.ComputeHash())
	edits := map[string]func(*AuditEvent){
		"id": func(e *AuditEvent) { e.ID++ }, "at": func(e *AuditEvent) { e.At = e.At.Add(time.Microsecond) },
		"request": func(e *AuditEvent) { e.RequestID = "x" }, "actor": func(e *AuditEvent) { e.Actor.Subject = "x" },
		"role": func(e *AuditEvent) { e.Actor.Role = RoleAuthority }, "actor dept": func(e *AuditEvent) { e.Actor.DepartmentID = 9 },
		"action": func(e *AuditEvent) { e.Action = "b" }, "kind": func(e *AuditEvent) { e.TargetKind = KindGrant },
		"target": func(e *AuditEvent) { e.TargetID = 5 }, "resource": func(e *AuditEvent) { e.ResourceID = 5 },
		"dept": func(e *AuditEvent) { e.DepartmentID = 5 }, "outcome": func(e *AuditEvent) { e.Outcome = AuditRefused },
		"code": func(e *AuditEvent) { e.Code = EForbidden }, "message": func(e *AuditEvent) { e.Message = "n" },
		"before": func(e *AuditEvent) { e.Before = "" }, "after": func(e *AuditEvent) { e.After = "[]" },
		"details": func(e *AuditEvent) { e.Details = `{"a":1}` }, "prev": func(e *AuditEvent) { e.PrevHash = []byte("q") },
		// Length prefixes: moving a byte between fields is a change.
		"shift": func(e *AuditEvent) { e.Before, e.After = "{}{", "}" },
	}
	for name, edit := range edits {
		e := base
		edit(&e)
		if string(e.ComputeHash()) == h {
			t.Errorf("%s: the hash did not change", name)
		}
	}
	// Nanoseconds PostgreSQL does not keep do not count.
	e := base
	e.At = e.At.Truncate(time.Microsecond)
	if string(e.ComputeHash()) != h {
		t.Error("sub-microsecond time changed the hash")
	}
}

func TestChainVerifier(t *testing.T) {
	chain := func(n int) []*AuditEvent {
		var out []*AuditEvent
		var prev []byte
		for i := 1; i <= n; i++ {
			e := &AuditEvent{ID: int64(i), Action: "a", Outcome: AuditOK, PrevHash: prev}
			e.Hash = e.ComputeHash()
			prev = e.Hash
			out = append(out, e)
		}
		return out
	}
	tests := []struct {
		name   string
		tamper func([]*AuditEvent) []*AuditEvent
		broken int64
		reason string
	}{
		{"intact", func(c []*AuditEvent) []*AuditEvent { return c }, 0, ""},
		{"edited", func(c []*AuditEvent) []*AuditEvent { c[1].Message = "x"; return c }, 2, "altered"},
		{"deleted", func(c []*AuditEvent) []*AuditEvent { return append(c[:1], c[2:]...) }, 3, "missing"},
		{"replaced", func(c []*AuditEvent) []*AuditEvent {
			c[1].Message = "x"
			c[1].Hash = c[1].ComputeHash()
			return c
		}, 3, "previous hash"},
		{"truncated", func(c []*AuditEvent) []*AuditEvent { return c[:3] }, 4, "at the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := chain(4)
			head := c[3]
			var v ChainVerifier
			var b *ChainBreak
			for _, e := range tt.tamper(c) {
				if b = v.Check(e); b != nil {
					break
				}
			}
			if b == nil {
				b = v.End(head.ID, head.Hash)
			}
			if tt.broken == 0 {
				if b != nil {
					t.Fatalf("intact chain broken: %+v", b)
				}
				return
			}
			if b == nil || b.ID != tt.broken || !strings.Contains(b.Reason, tt.reason) {
				t.Fatalf("break %+v, want at %d (%s)", b, tt.broken, tt.reason)
			}
		})
	}
}

// NY 33: events are kept at least six months.
func TestValidatePurge(t *testing.T) {
	today := Date{2026, 9, 15}
	for _, tt := range []struct {
		cutoff Date
		ok     bool
	}{
		{Date{2026, 3, 1}, true}, {Date{2026, 3, 15}, true}, {Date{2026, 3, 16}, false}, {Date{2026, 9, 1}, false},
	} {
		err := ValidatePurge(tt.cutoff, today)
		if (err == nil) != tt.ok || err != nil && !strings.Contains(err.Error(), "NY 33") {
			t.Errorf("purge before %s on %s: %v", tt.cutoff, today, err)
		}
	}
}

func TestAuditOutcomeOf(t *testing.T) {
	for _, tt := range []struct {
		err     error
		outcome AuditOutcome
		code    Code
	}{
		{nil, AuditOK, ""},
		{Errorf(EForbidden, "no"), AuditRefused, EForbidden},
		{Errorf(EInvalid, "bad"), AuditRefused, EInvalid},
		{errors.New("connection reset"), AuditFailed, EInternal},
	} {
		if o, c := AuditOutcomeOf(tt.err); o != tt.outcome || c != tt.code {
			t.Errorf("%v: %s %s", tt.err, o, c)
		}
	}
}

// WZ 25: a subject's identifier never reaches the log; long text is cut.
func TestSanitizeAuditArgs(t *testing.T) {
	got := SanitizeAuditArgs(map[string]any{"subject": "441402198507150012", "input": map[string]any{"Subject": "x", "note": strings.Repeat("长", 2100)},
		"items": []any{map[string]any{"subject": "y"}}, "mode": "QUERY", "none": nil})
	in := got["input"].(map[string]any)
	if got["subject"] != "[protected]" || in["Subject"] != "[protected]" || got["items"].([]any)[0].(map[string]any)["subject"] != "[protected]" ||
		got["mode"] != "QUERY" || got["none"] != nil || len([]rune(in["note"].(string))) != maxAuditString+1 {
		t.Errorf("sanitized %+v", got)
	}
}

// WZ 25: a person actor is kept as the keyed hash of their subject, and an
// auditor's filter by the identifier finds them.
func TestAuditActorOf(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	p := AuditActorOf(Viewer{Role: RolePerson, Subject: "441402198507150012"}, key)
	if !strings.HasPrefix(p.Subject, "person:") || strings.Contains(p.Subject, "441402198507150012") {
		t.Errorf("a person actor %q", p.Subject)
	}
	if s := AuditActorOf(Viewer{Role: RoleDepartment, Subject: "li.wei", DepartmentID: 2}, key); s.Subject != "li.wei" || s.DepartmentID != 2 {
		t.Errorf("a staff actor %+v", s)
	}
	if got := AuditActorsFor(" 441402198507150012 ", key); len(got) != 2 || got[1] != p.Subject {
		t.Errorf("the filter %v does not find %s", got, p.Subject)
	}
	if got := AuditActorsFor(p.Subject, key); len(got) != 1 || got[0] != p.Subject {
		t.Errorf("a protected filter %v", got)
	}
	if AuditActorsFor("  ", key) != nil {
		t.Error("an empty filter")
	}
}
