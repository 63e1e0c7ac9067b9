package domain

import (
	"bytes"
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
	grant := func(id int64, mode ShareMode, status GrantStatus, vu *time.Time, items ...int64) *ShareGrant {
		return &ShareGrant{Grant: Grant{ID: id, ItemIDs: items, Mode: mode, Scenario: "低保审批", ValidUntil: vu}, Status: status, StatusReason: "超范围使用"}
	}
	entry := func(st ShareType) *Resource {
		return &Resource{ID: 1, SourceDepartmentID: source, ShareType: st, Status: StatusPublished, ShareModes: []ShareMode{ModeVerify, ModeQuery}}
	}
	q := AccessQuery{ResourceID: 1, ItemIDs: []int64{11, 12}, Mode: ModeQuery, Subject: "441402198507150012"}
	for _, tt := range []struct {
		name   string
		v      Viewer
		r      *Resource
		grants []*ShareGrant
		q      AccessQuery
		allow  bool
		items  int
		grant  int64
		why    string
	}{
		{"the source", Viewer{Role: RoleDepartment, DepartmentID: source}, entry(ShareNone), nil, q, true, 2, 0, "own data"},
		{"unconditional", v, entry(ShareUnconditional), nil, q, true, 2, 0, "MZ 21"},
		{"unconditional, a mode not offered", v, &Resource{ID: 1, SourceDepartmentID: source, ShareType: ShareUnconditional, Status: StatusPublished, ShareModes: []ShareMode{ModeVerify}}, nil, q, false, 0, 0, "shared by VERIFY, not QUERY"},
		{"unconditional bulk needs a grant", v, entry(ShareUnconditional), nil, AccessQuery{ItemIDs: q.ItemIDs, Mode: ModeBulk}, false, 0, 0, "WZ 21"},
		{"conditional without a grant", v, entry(ShareConditional), nil, q, false, 0, 0, "request it"},
		{"conditional with a grant", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12, 13)}, q, true, 2, 7, "MZ 22"},
		{"a QUERY grant allows VERIFY", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11, 12)}, AccessQuery{ItemIDs: q.ItemIDs, Mode: ModeVerify, Subject: "x"}, true, 2, 7, ""},
		{"a VERIFY grant refuses QUERY", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeVerify, GrantActive, &until, 11, 12)}, q, false, 0, 7, "allows VERIFY, not QUERY"},
		{"fewer items granted", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11)}, q, false, 1, 7, "only 1 of the 2"},
		{"the grant covering most wins", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &until, 11), grant(8, ModeQuery, GrantActive, &until, 11, 12)}, q, true, 2, 8, ""},
		{"suspended", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantSuspended, &until, 11, 12)}, q, false, 0, 7, "NY 41"},
		{"revoked", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantRevoked, &until, 11, 12)}, q, false, 0, 7, "WZ 22"},
		{"expired", v, entry(ShareConditional), []*ShareGrant{grant(7, ModeQuery, GrantActive, &past, 11, 12)}, q, false, 0, 7, "expired"},
		{"none without a grant", v, entry(ShareNone), nil, AccessQuery{ItemIDs: q.ItemIDs, Mode: ModeVerify, Subject: "x"}, false, 0, 0, "MZ 21"},
		{"none with a VERIFY grant", v, entry(ShareNone), []*ShareGrant{grant(7, ModeVerify, GrantActive, &until, 11, 12)}, AccessQuery{ItemIDs: q.ItemIDs, Mode: ModeVerify, Subject: "x"}, true, 2, 7, ""},
		{"not published", v, &Resource{ID: 1, SourceDepartmentID: source, ShareType: ShareUnconditional, Status: StatusRetired}, nil, q, false, 0, 0, "published"},
	} {
		d := DecideAccess(tt.v, tt.r, tt.grants, tt.q, now)
		var gid int64
		if d.Grant != nil {
			gid = d.Grant.ID
		}
		if d.Allow != tt.allow || len(d.ItemIDs) != tt.items || gid != tt.grant || !strings.Contains(d.Reason, tt.why) || d.Reason == "" {
			t.Errorf("%s: allow %v, items %v, grant %d, %q", tt.name, d.Allow, d.ItemIDs, gid, d.Reason)
		}
	}
}

func TestValidateAccessQuery(t *testing.T) {
	items := []int64{11, 12}
	for _, tt := range []struct {
		q    AccessQuery
		want string
	}{
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeQuery, Subject: "441402198507150012"}, ""},
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeBulk}, ""},
		{AccessQuery{ItemIDs: []int64{11}, Mode: ModeVerify}, "WZ 25"},
		{AccessQuery{Mode: ModeQuery, Subject: "x"}, "name the items"},
		{AccessQuery{ItemIDs: []int64{99}, Mode: ModeQuery, Subject: "x"}, "not an item"},
		{AccessQuery{ItemIDs: []int64{11}, Mode: "COPY", Subject: "x"}, "not VERIFY"},
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
