package domain

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDecideAccess(t *testing.T) {
	const user, source = 5, 6
	v := Viewer{Role: RoleDepartment, DepartmentID: user}
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, ChinaTime)
	until := GrantValidUntil(Date{2026, 6, 30})
	past := GrantValidUntil(Date{2026, 3, 9})
	names := map[int64]string{11: "身份证号", 12: "姓名", 13: "住址"}
	const scenario, purpose = "低保审批", "核验低保申请人家庭成员"
	grant := func(id int64, mode ShareMode, status GrantStatus, vu *time.Time, items ...int64) *ShareGrant {
		return &ShareGrant{Grant: Grant{ID: id, ItemIDs: items, Mode: mode, Scenario: scenario, Purpose: purpose, ValidUntil: vu}, Status: status, StatusReason: "超范围使用"}
	}
	elsewhere := func(g *ShareGrant, scenario string) *ShareGrant { g.Scenario = scenario; return g }
	entry := func(st ShareType, modes ...ShareMode) *Resource {
		if modes == nil {
			modes = []ShareMode{ModeVerify, ModeQuery}
		}
		return &Resource{ID: 1, SourceDepartmentID: source, ShareType: st, Status: StatusPublished, ShareModes: modes}
	}
	ask := func(mode ShareMode, items ...int64) AccessQuery {
		if items == nil {
			items = []int64{11, 12}
		}
		return AccessQuery{ResourceID: 1, ItemIDs: items, Mode: mode, Scenario: scenario, Purpose: purpose, Subject: "441402198507150012"}
	}
	with := func(q AccessQuery, f func(*AccessQuery)) AccessQuery { f(&q); return q }
	q := ask(ModeQuery)
	for _, tt := range []struct {
		name   string
		v      Viewer
		r      *Resource
		grants []*ShareGrant
		q      AccessQuery
		allow  bool
		items  []int64
		grant  int64
		gaps   []AccessGapKind
		why    []string // every one must be in the reason
	}{
		{"the source", Viewer{Role: RoleDepartment, DepartmentID: source}, entry(ShareNone), nil, q, true, []int64{11, 12}, 0, nil, []string{"own data"}},
		{"not published", v, &Resource{ID: 1, SourceDepartmentID: source, ShareType: ShareUnconditional, Status: StatusRetired}, nil, q, false, nil, 0,
			[]AccessGapKind{GapNotPublished}, []string{"published"}},
		// MZ 21: unconditional data needs no grant, only a purpose and an offered mode.
		{"unconditional", v, entry(ShareUnconditional), nil, q, true, []int64{11, 12}, 0, nil, []string{"MZ 21"}},
		{"unconditional without a purpose", v, entry(ShareUnconditional), nil, with(q, func(q *AccessQuery) { q.Purpose = " " }), false, nil, 0,
			[]AccessGapKind{GapPurposeRequired}, []string{"MZ 21", "give purpose"}},
		{"unconditional, a mode not offered", v, entry(ShareUnconditional, ModeVerify), nil, q, false, nil, 0,
			[]AccessGapKind{GapModeNotOffered}, []string{"shared by VERIFY, not QUERY"}},
		// WZ 21: BULK always needs a grant.
		{"unconditional bulk needs a grant", v, entry(ShareUnconditional), nil, ask(ModeBulk), false, nil, 0, []AccessGapKind{GapBulk}, []string{"WZ 21"}},
		{"conditional without a grant", v, entry(ShareConditional), nil, q, false, nil, 0, []AccessGapKind{GapNoGrant}, []string{"request it"}},
		{"none without a grant", v, entry(ShareNone), nil, ask(ModeVerify), false, nil, 0, []AccessGapKind{GapNoGrant}, []string{"MZ 21", "VERIFY"}},
		// MZ 22: within the grant's scenario, items, mode and validity.
		{"conditional with a grant", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12, 13)}, q, true, []int64{11, 12}, 7, nil,
			[]string{"MZ 22", "身份证号, 姓名", scenario, "2026-06-30"}},
		{"a QUERY grant allows VERIFY", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12)}, ask(ModeVerify), true, []int64{11, 12}, 7, nil, nil},
		{"a grant with no end", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, nil, 11, 12)}, q, true, []int64{11, 12}, 7, nil, []string{"no end"}},
		{"scenario written with other spacing", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12)},
			with(q, func(q *AccessQuery) { q.Scenario = "\u3000低保审批 " }), true, []int64{11, 12}, 7, nil, nil},
		{"a grant for another scenario", v, entry(ShareConditional), []*ShareGrant{elsewhere(grant(7, ModeQuery, GrantActive, &until, 11, 12), "户籍迁移")}, q, false, nil, 0,
			[]AccessGapKind{GapScenario}, []string{"MZ 22", `"户籍迁移"`, `not "低保审批"`}},
		{"unconditional needs no grant for the scenario", v, entry(ShareUnconditional), []*ShareGrant{elsewhere(grant(7, ModeQuery, GrantActive, &until, 11, 12), "户籍迁移")}, q, true, []int64{11, 12}, 0, nil, []string{"MZ 21"}},
		{"a VERIFY grant refuses QUERY", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeVerify, GrantActive, &until, 11, 12)}, q, false, nil, 7,
			[]AccessGapKind{GapMode}, []string{"allows VERIFY, not QUERY"}},
		{"items the grant does not cover, by name", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11)}, q, false, []int64{11}, 7,
			[]AccessGapKind{GapItems}, []string{"does not cover 姓名", "covers 身份证号", "MZ 22"}},
		{"none of the items", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 13)}, q, false, nil, 7,
			[]AccessGapKind{GapItems}, []string{"does not cover 身份证号, 姓名"}},
		{"items and mode both short", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeVerify, GrantActive, &until, 11)}, q, false, nil, 7,
			[]AccessGapKind{GapMode, GapItems}, []string{"allows VERIFY, not QUERY", "does not cover 姓名"}},
		{"the grant covering most wins", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11), grant(8, ModeQuery, GrantActive, &until, 11, 12)}, q, true, []int64{11, 12}, 8, nil, nil},
		{"the nearest grant explains", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeVerify, GrantActive, &until, 13), grant(8, ModeQuery, GrantActive, &until, 11)}, q, false, []int64{11}, 8,
			[]AccessGapKind{GapItems}, []string{"grant " + NodeID(KindGrant, 8)}},
		{"another purpose", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12)}, with(q, func(q *AccessQuery) { q.Purpose = "招商引资" }), false, nil, 7,
			[]AccessGapKind{GapPurpose}, []string{"MZ 19", `"招商引资"`}},
		{"no purpose stated with a grant", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12)}, with(q, func(q *AccessQuery) { q.Purpose = "" }), true, []int64{11, 12}, 7, nil, nil},
		// NY 41, WZ 22: a suspended or revoked grant allows nothing.
		{"suspended", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantSuspended, &until, 11, 12)}, q, false, nil, 7,
			[]AccessGapKind{GapSuspended}, []string{"NY 41", "超范围使用"}},
		{"revoked", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantRevoked, &until, 11, 12)}, q, false, nil, 7, []AccessGapKind{GapRevoked}, []string{"WZ 22"}},
		{"expired", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &past, 11, 12)}, q, false, nil, 7,
			[]AccessGapKind{GapExpired}, []string{"expired at the end of 2026-03-09"}},
		{"expired and short of items", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &past, 11)}, q, false, nil, 7,
			[]AccessGapKind{GapExpired, GapItems}, []string{"expired", "does not cover 姓名"}},
		{"an active grant beats an expired one", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &past, 11, 12), grant(8, ModeQuery, GrantActive, &until, 11, 12)}, q, true, []int64{11, 12}, 8, nil, nil},
		{"none with a VERIFY grant", v, entry(ShareNone), []*ShareGrant{grant(7, ModeVerify, GrantActive, &until, 11, 12)}, ask(ModeVerify), true, []int64{11, 12}, 7, nil, nil},
		{"bulk under a bulk grant", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeBulk, GrantActive, &until, 11, 12)}, ask(ModeBulk), true, []int64{11, 12}, 7, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := DecideAccess(tt.v, tt.r, names, tt.grants, tt.q, now)
			var gid int64
			if d.Grant != nil {
				gid = d.Grant.ID
			}
			var kinds []AccessGapKind
			for _, g := range d.Gaps {
				kinds = append(kinds, g.Kind)
				if g.Article == "" || g.Detail == "" {
					t.Errorf("a gap without its article or detail: %+v", g)
				}
			}
			if d.Allow != tt.allow || !slices.Equal(d.ItemIDs, tt.items) && len(d.ItemIDs)+len(tt.items) > 0 || gid != tt.grant || !slices.Equal(kinds, tt.gaps) || d.Reason == "" {
				t.Errorf("allow %v, items %v, grant %d, gaps %v, %q", d.Allow, d.ItemIDs, gid, kinds, d.Reason)
			}
			for _, w := range tt.why {
				if !strings.Contains(d.Reason, w) {
					t.Errorf("the reason %q does not say %q", d.Reason, w)
				}
			}
			if d.Allow == (len(d.Gaps) > 0) {
				t.Errorf("allowed %v with gaps %v", d.Allow, kinds)
			}
			if strings.Contains(d.Reason, "not QUERY") && tt.q.Mode == ModeQuery && slices.Contains(kinds, GapItems) && !slices.Contains(kinds, GapMode) {
				t.Errorf("names the mode when the items are short: %q", d.Reason)
			}
		})
	}
	// A gap of items lists exactly the items missing.
	d := DecideAccess(v, entry(ShareConditional), names, []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 12)}, ask(ModeQuery, 11, 12, 13), now)
	if len(d.Gaps) != 1 || !slices.Equal(d.Gaps[0].ItemIDs, []int64{11, 13}) {
		t.Errorf("the missing items: %+v", d.Gaps)
	}
}

func TestSameUse(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"低保审批", "低保审批", true},
		{" 低保审批\u3000", "低保审批", true},
		{"Social  Aid", "social aid", true},
		{"低保审批", "低保复核", false},
		{"低保 审批", "低保审批", false},
	} {
		if SameUse(tt.a, tt.b) != tt.same {
			t.Errorf("SameUse(%q, %q) = %v", tt.a, tt.b, !tt.same)
		}
	}
}

func TestValidateAccessQuery(t *testing.T) {
	items := []int64{11, 12}
	for _, tt := range []struct {
		q    AccessQuery
		want string
	}{
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeQuery, Scenario: "s", Subject: "441402198507150012"}, ""},
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeBulk, Scenario: "s"}, ""},
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeVerify, Scenario: "s"}, "WZ 25"},
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeVerify, Scenario: " ", Subject: "x"}, "MZ 22"},
		{AccessQuery{Mode: ModeQuery, Scenario: "s", Subject: "x"}, "name the items"},
		{AccessQuery{ItemIDs: []int64{99}, Mode: ModeQuery, Scenario: "s", Subject: "x"}, "not an item"},
		{AccessQuery{ItemIDs: []int64{11}, Mode: "COPY", Scenario: "s", Subject: "x"}, "not VERIFY"},
	} {
		err := ValidateAccessQuery(tt.q, items)
		if tt.want == "" && err != nil || tt.want != "" && (ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: %v, want %q", tt.q, err, tt.want)
		}
	}
	if MayAskAccess(Viewer{Role: RoleDepartment, DepartmentID: 1}) != nil || ErrorCode(MayAskAccess(Viewer{Role: RoleAuditor})) != EForbidden || ErrorCode(MayAskAccess(Public)) != EForbidden {
		t.Error("only departments ask for access decisions")
	}
}

func TestProtectSubject(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	a := ProtectSubject(k1, "44140219900101002x")
	if !bytes.Equal(a, ProtectSubject(k1, " 44140219900101002X ")) {
		t.Error("the same identifier, written differently, must match")
	}
	if bytes.Equal(a, ProtectSubject(k2, "44140219900101002X")) || bytes.Equal(a, ProtectSubject(k1, "441402199001010038")) {
		t.Error("another key or another identifier must not match")
	}
	if bytes.Contains(a, []byte("441402")) || len(a) != 32 {
		t.Error("the identifier must not be readable from its hash")
	}
}
