package domain

import (
	"strings"
	"testing"
	"time"
)

// Every status × event pair, for a QUERY and a BULK decision.
func TestRequestTransition(t *testing.T) {
	const refused = ShareRequestStatus("")
	type pair struct{ query, bulk ShareRequestStatus }
	want := map[ShareRequestStatus]map[RequestEvent]pair{
		RequestPendingSource: {
			// WZ 21: the source approving BULK passes it to the authority.
			EventSourceApprove: {RequestGranted, RequestPendingAuthority}, EventSourceReject: {RequestRejected, RequestRejected},
			EventAuthorityApprove: {refused, refused}, EventAuthorityReject: {refused, refused},
			EventWithdraw: {RequestWithdrawn, RequestWithdrawn},
			// MZ 42: a sharing dispute's resolution orders the grant.
			EventOrderGrant: {RequestGranted, RequestGranted},
		},
		RequestPendingAuthority: {
			EventSourceApprove: {refused, refused}, EventSourceReject: {refused, refused},
			EventAuthorityApprove: {RequestGranted, RequestGranted}, EventAuthorityReject: {RequestRejected, RequestRejected},
			EventWithdraw: {RequestWithdrawn, RequestWithdrawn}, EventOrderGrant: {RequestGranted, RequestGranted},
		},
	}
	for _, s := range []ShareRequestStatus{RequestGranted, RequestRejected, RequestWithdrawn} {
		want[s] = map[RequestEvent]pair{}
		for _, e := range RequestEvents {
			want[s][e] = pair{refused, refused}
		}
	}
	// MZ 42: the resolution of a dispute may overturn a refusal.
	want[RequestRejected][EventOrderGrant] = pair{RequestGranted, RequestGranted}
	if len(want) != len(RequestStatuses) {
		t.Fatalf("the test covers %d statuses of %d", len(want), len(RequestStatuses))
	}
	for _, s := range RequestStatuses {
		for _, e := range RequestEvents {
			w := want[s][e]
			for _, c := range []struct {
				mode ShareMode
				want ShareRequestStatus
			}{{ModeQuery, w.query}, {ModeBulk, w.bulk}} {
				got, err := RequestTransition(s, e, c.mode)
				switch {
				case c.want == refused && (err == nil || ErrorCode(err) != EPrecondition || !strings.Contains(err.Error(), "allows")):
					t.Errorf("%s × %s (%s) = %s, %v; want FAILED_PRECONDITION saying what it allows", s, e, c.mode, got, err)
				case c.want != refused && (err != nil || got != c.want):
					t.Errorf("%s × %s (%s) = %s, %v; want %s", s, e, c.mode, got, err, c.want)
				}
			}
		}
	}
}

// MZ 22, NY 12: least privilege: narrower, never wider.
func TestNarrowTerms(t *testing.T) {
	asked := ShareTerms{ItemIDs: []int64{1, 2, 3}, Mode: ModeQuery, Until: Date{2026, 12, 31}}
	for _, tt := range []struct {
		name    string
		decided ShareTerms
		want    ShareTerms
		err     string
	}{
		{"as asked", ShareTerms{}, asked, ""},
		{"fewer items", ShareTerms{ItemIDs: []int64{3, 1}}, ShareTerms{ItemIDs: []int64{1, 3}, Mode: ModeQuery, Until: asked.Until}, ""},
		{"narrower mode, earlier day", ShareTerms{Mode: ModeVerify, Until: Date{2026, 6, 30}}, ShareTerms{ItemIDs: asked.ItemIDs, Mode: ModeVerify, Until: Date{2026, 6, 30}}, ""},
		{"an item not asked", ShareTerms{ItemIDs: []int64{1, 4}}, asked, "was not asked for"},
		{"no items", ShareTerms{ItemIDs: []int64{}}, asked, "at least one item"},
		{"wider mode", ShareTerms{Mode: ModeBulk}, asked, "gives more than the QUERY"},
		{"later day", ShareTerms{Until: Date{2027, 1, 1}}, asked, "later than"},
	} {
		got, err := NarrowTerms(asked, tt.decided)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err != "" && (ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "MZ 22")):
			t.Errorf("%s: %v, want %q citing MZ 22", tt.name, err, tt.err)
		case tt.err == "" && (got.Mode != tt.want.Mode || got.Until != tt.want.Until || !equalIDs(got.ItemIDs, tt.want.ItemIDs)):
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOpenShareRequest(t *testing.T) {
	const user, source = 5, 6
	today := Date{2026, 3, 10}
	dept := Viewer{Role: RoleDepartment, DepartmentID: user}
	ok := ShareRequestInput{ResourceID: 1, Purpose: "低保资格核查", Scenario: "最低生活保障审批", ItemIDs: []int64{11}, Mode: ModeQuery, Until: Date{2026, 12, 31}}
	res := func(st ShareType, modes ...ShareMode) RequestedResource {
		return RequestedResource{SourceDepartmentID: source, ShareType: st, ShareModes: modes, ItemIDs: []int64{11, 12}}
	}
	for _, tt := range []struct {
		name   string
		v      Viewer
		change func(*ShareRequestInput)
		r      RequestedResource
		want   ShareRequestStatus
		err    string
	}{
		{"unconditional: granted at once (MZ 21)", dept, nil, res(ShareUnconditional, ModeQuery), RequestGranted, ""},
		{"unconditional bulk: source and authority (WZ 21)", dept, func(in *ShareRequestInput) { in.Mode = ModeBulk }, res(ShareUnconditional, ModeQuery, ModeBulk), RequestPendingSource, ""},
		{"conditional: the source decides (MZ 22)", dept, nil, res(ShareConditional, ModeQuery), RequestPendingSource, ""},
		{"none: verify only (MZ 21)", dept, func(in *ShareRequestInput) { in.Mode = ModeVerify }, res(ShareNone), RequestPendingSource, ""},
		{"none refuses query (MZ 21)", dept, nil, res(ShareNone), "", "only VERIFY"},
		{"a mode the entry does not offer", dept, func(in *ShareRequestInput) { in.Mode = ModeBulk }, res(ShareConditional, ModeQuery), "", "shared by QUERY, not BULK"},
		{"own entry", Viewer{Role: RoleDepartment, DepartmentID: source}, nil, res(ShareConditional, ModeQuery), "", "your own department"},
		{"no purpose", dept, func(in *ShareRequestInput) { in.Purpose = " " }, res(ShareConditional, ModeQuery), "", "MZ 21: state the purpose"},
		{"no scenario", dept, func(in *ShareRequestInput) { in.Scenario = "" }, res(ShareConditional, ModeQuery), "", "scenario"},
		{"no items", dept, func(in *ShareRequestInput) { in.ItemIDs = nil }, res(ShareConditional, ModeQuery), "", "data items"},
		{"another entry's item", dept, func(in *ShareRequestInput) { in.ItemIDs = []int64{99} }, res(ShareConditional, ModeQuery), "", "not an item of this entry"},
		{"until passed", dept, func(in *ShareRequestInput) { in.Until = Date{2026, 3, 9} }, res(ShareConditional, ModeQuery), "", "has passed"},
		{"until today", dept, func(in *ShareRequestInput) { in.Until = today }, res(ShareConditional, ModeQuery), RequestPendingSource, ""},
		{"a person", Viewer{Role: RolePerson}, nil, res(ShareConditional, ModeQuery), "", "FORBIDDEN"},
		{"an auditor", Viewer{Role: RoleAuditor}, nil, res(ShareConditional, ModeQuery), "", "FORBIDDEN"},
	} {
		in := ok
		if tt.change != nil {
			tt.change(&in)
		}
		got, err := OpenShareRequest(tt.v, in, tt.r, today)
		switch {
		case tt.err == "FORBIDDEN":
			if ErrorCode(err) != EForbidden {
				t.Errorf("%s: %v, want FORBIDDEN", tt.name, err)
			}
		case tt.err != "":
			if ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
			}
		case err != nil || got != tt.want:
			t.Errorf("%s: %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
}

func TestMayDecideRequest(t *testing.T) {
	const requester, source = 5, 6
	for _, tt := range []struct {
		v   Viewer
		e   RequestEvent
		may bool
	}{
		{Viewer{Role: RoleDepartment, DepartmentID: source}, EventSourceApprove, true},
		{Viewer{Role: RoleDepartment, DepartmentID: source}, EventSourceReject, true},
		{Viewer{Role: RoleDepartment, DepartmentID: requester}, EventSourceApprove, false},
		{Viewer{Role: RoleAuthority}, EventSourceApprove, false},
		{Viewer{Role: RoleAuthority}, EventAuthorityApprove, true},
		{Viewer{Role: RoleDepartment, DepartmentID: source}, EventAuthorityApprove, false},
		{Viewer{Role: RoleDepartment, DepartmentID: requester}, EventWithdraw, true},
		{Viewer{Role: RoleDepartment, DepartmentID: source}, EventWithdraw, false},
		{Viewer{Role: RoleAuditor}, EventAuthorityReject, false},
	} {
		err := MayDecideRequest(tt.v, tt.e, source, requester)
		if (err == nil) != tt.may || err != nil && ErrorCode(err) != EForbidden {
			t.Errorf("%s/%d %s: %v, want allowed %v", tt.v.Role, tt.v.DepartmentID, tt.e, err, tt.may)
		}
	}
	if ValidateRejection("超出职责范围", "") == nil || ValidateRejection("", "QY 16") == nil || ValidateRejection("超出职责范围", "《条例》第十条") != nil {
		t.Error("a rejection needs a reason and a basis (QY 16(2), WZ 20)")
	}
}

// NY 41, WZ 22: every grant status × event pair.
func TestGrantTransition(t *testing.T) {
	want := map[GrantStatus]map[GrantEvent]GrantStatus{
		GrantActive:    {EventSuspend: GrantSuspended, EventReinstate: "", EventRevoke: GrantRevoked},
		GrantSuspended: {EventSuspend: "", EventReinstate: GrantActive, EventRevoke: GrantRevoked},
		GrantRevoked:   {EventSuspend: "", EventReinstate: "", EventRevoke: ""},
	}
	for s, row := range want {
		for _, e := range GrantEvents {
			got, err := GrantTransition(s, e)
			if w := row[e]; w == "" && ErrorCode(err) != EPrecondition || w != "" && (err != nil || got != w) {
				t.Errorf("%s × %s = %s, %v; want %q", s, e, got, err, w)
			}
		}
	}
	if MayChangeGrant(Viewer{Role: RoleAuthority}, "滥用") != nil || ErrorCode(MayChangeGrant(Viewer{Role: RoleAuthority}, " ")) != EInvalid ||
		ErrorCode(MayChangeGrant(Viewer{Role: RoleDepartment, DepartmentID: 6}, "x")) != EForbidden ||
		ErrorCode(MayChangeGrant(Viewer{Role: RoleAuditor}, "x")) != EForbidden {
		t.Error("only the authority changes a grant, with a reason")
	}
	until := GrantValidUntil(Date{2026, 3, 10})
	g := &ShareGrant{Grant: Grant{ValidUntil: &until}, Status: GrantActive}
	if g.StatusAt(time.Date(2026, 3, 10, 23, 59, 0, 0, ChinaTime)) != GrantActive || g.StatusAt(time.Date(2026, 3, 11, 0, 0, 0, 0, ChinaTime)) != GrantExpired {
		t.Error("a grant allows access through its last day, China time, then expires on its own")
	}
	g.Status = GrantSuspended
	if g.StatusAt(time.Date(2026, 3, 12, 0, 0, 0, 0, ChinaTime)) != GrantSuspended {
		t.Error("a suspended grant stays suspended after its day")
	}
}

func TestRequestEventFor(t *testing.T) {
	for _, tt := range []struct {
		s    ShareRequestStatus
		d    Decision
		want RequestEvent
	}{
		{RequestPendingSource, DecisionApprove, EventSourceApprove},
		{RequestPendingSource, DecisionReject, EventSourceReject},
		{RequestPendingAuthority, DecisionApprove, EventAuthorityApprove},
		{RequestPendingAuthority, DecisionReject, EventAuthorityReject},
		{RequestPendingSource, DecisionWithdraw, EventWithdraw},
		{RequestPendingAuthority, DecisionWithdraw, EventWithdraw},
	} {
		if got := RequestEventFor(tt.s, tt.d); got != tt.want {
			t.Errorf("%s %s = %s, want %s", tt.s, tt.d, got, tt.want)
		}
	}
}

func TestValidateGrantTerms(t *testing.T) {
	today := Date{2026, 3, 10}
	r := RequestedResource{ShareType: ShareConditional, ShareModes: []ShareMode{ModeVerify, ModeQuery}, ItemIDs: []int64{1, 2}}
	none := RequestedResource{ShareType: ShareNone, ItemIDs: []int64{1, 2}}
	for _, tt := range []struct {
		name string
		t    ShareTerms
		r    RequestedResource
		want string
	}{
		{"valid", ShareTerms{ItemIDs: []int64{1}, Mode: ModeQuery, Until: today}, r, ""},
		{"passed", ShareTerms{ItemIDs: []int64{1}, Mode: ModeQuery, Until: Date{2026, 3, 9}}, r, "has passed"},
		{"removed item", ShareTerms{ItemIDs: []int64{3}, Mode: ModeQuery, Until: today}, r, "no longer an item"},
		{"mode not offered", ShareTerms{ItemIDs: []int64{1}, Mode: ModeBulk, Until: today}, r, "shared by VERIFY, QUERY, not BULK"},
		{"NONE: verify only", ShareTerms{ItemIDs: []int64{1}, Mode: ModeQuery, Until: today}, none, "MZ 21"},
		{"NONE: verify", ShareTerms{ItemIDs: []int64{1}, Mode: ModeVerify, Until: today}, none, ""},
	} {
		err := ValidateGrantTerms(tt.t, tt.r, today)
		if tt.want == "" && err != nil || tt.want != "" && (ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
