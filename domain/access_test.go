package domain

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMask(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"441402198507150012", "441402********0012"}, // ID card: first 6, last 4
		{"44140219850715001X", "441402********001X"},
		{"11441400MB2C91576U", "114414********576U"}, // credit code
		{"13800138000", "138****8000"},               // mobile
		{"张三", "张*"},
		{"欧阳娜娜", "欧***"},
		{"广东省梅州市梅江区江南路1号", "广东省梅**********"}, // 14 characters: first third kept
		{"", ""},
		{"男", "*"},
	} {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAccessTo(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	const source, other, holder = 1, 2, 3
	res := func(st ShareType, ot OpenType) *Resource {
		return &Resource{ID: 10, SourceDepartmentID: source, ShareType: st, OpenType: ot, Status: StatusPublished}
	}
	grants := Rights{Grants: map[int64]*Grant{10: {ID: 7, ResourceID: 10, ValidUntil: &future}}}
	expired := Rights{Grants: map[int64]*Grant{10: {ID: 7, ResourceID: 10, ValidUntil: &past}}}
	approved := Rights{OpenApproved: map[int64]bool{10: true}}

	public := Viewer{Role: RolePublic}
	person := Viewer{Role: RolePerson, DataSubject: "441402198507150012"}
	src := Viewer{Role: RoleDepartment, DepartmentID: source}
	dept := Viewer{Role: RoleDepartment, DepartmentID: other}
	hold := Viewer{Role: RoleDepartment, DepartmentID: holder}
	authority := Viewer{Role: RoleAuthority}
	auditor := Viewer{Role: RoleAuditor}

	// want: share, open, sample, internal, mask, canRequest
	type want struct{ share, open, sample, internal, mask, canRequest bool }
	all := want{true, true, true, true, false, false}
	tests := []struct {
		name   string
		v      Viewer
		rights Rights
		st     ShareType
		ot     OpenType
		want   want
	}{
		// The source, the authority and auditors see everything, unmasked.
		{"source NONE/NONE", src, Rights{}, ShareNone, OpenNone, all},
		{"authority NONE/NONE", authority, Rights{}, ShareNone, OpenNone, all},
		{"auditor CONDITIONAL/CONDITIONAL", auditor, Rights{}, ShareConditional, OpenConditional, all},
		// MZ 21: unconditional share is visible to any department.
		{"dept UNCONDITIONAL/NONE", dept, Rights{}, ShareUnconditional, OpenNone, want{true, false, true, false, true, true}},
		// MZ 21-22: conditional share needs an active grant.
		{"dept CONDITIONAL/NONE no grant", dept, Rights{}, ShareConditional, OpenNone, want{false, false, false, false, true, true}},
		{"dept CONDITIONAL/NONE grant", hold, grants, ShareConditional, OpenNone, want{true, false, true, false, true, false}},
		{"dept CONDITIONAL/NONE expired grant", hold, expired, ShareConditional, OpenNone, want{false, false, false, false, true, true}},
		// MZ 21: NONE share only to the source, even with a (VERIFY) grant.
		{"dept NONE/NONE grant", hold, grants, ShareNone, OpenNone, want{false, false, false, false, true, true}},
		{"dept NONE/UNCONDITIONAL", dept, Rights{}, ShareNone, OpenUnconditional, want{false, true, true, false, true, true}},
		// NY 46: unconditional open is visible to everyone.
		{"public CONDITIONAL/UNCONDITIONAL", public, Rights{}, ShareConditional, OpenUnconditional, want{false, true, true, false, true, false}},
		{"person NONE/UNCONDITIONAL", person, Rights{}, ShareNone, OpenUnconditional, want{false, true, true, false, true, false}},
		// NY 46: conditional open needs an approved open request.
		{"public UNCONDITIONAL/CONDITIONAL", public, Rights{}, ShareUnconditional, OpenConditional, want{false, false, false, false, true, false}},
		{"person UNCONDITIONAL/CONDITIONAL", person, Rights{}, ShareUnconditional, OpenConditional, want{false, false, false, false, true, true}},
		{"person approved", person, approved, ShareUnconditional, OpenConditional, want{false, true, true, false, true, false}},
		// Sharing is between departments: a person never sees shareAccess.
		{"person with stray grant", person, grants, ShareUnconditional, OpenNone, want{false, false, false, false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AccessTo(tt.v, res(tt.st, tt.ot), tt.rights, now)
			got := want{a.Share, a.Open, a.Sample, a.Internal, a.MaskSample, a.CanRequest}
			if got != tt.want {
				t.Errorf("AccessTo = %+v, want %+v (reason %q)", got, tt.want, a.Reason)
			}
			if a.Reason == "" {
				t.Error("no reason given")
			}
			for _, g := range Gates {
				if a.Why(g) == "" {
					t.Errorf("no reason given for gate %s", g)
				}
			}
			for _, g := range Gates {
				if a.Allows(g) != map[Gate]bool{GateShare: got.share, GateOpen: got.open, GateSample: got.sample, GateInternal: got.internal}[g] {
					t.Errorf("Allows(%s) disagrees with the fields", g)
				}
			}
		})
	}
}

// Every role × share type × open type: internal fields are only for
// overseers, the sample follows the gates, and nobody else sees the
// sample unmasked.
func TestAccessInvariants(t *testing.T) {
	now := time.Now()
	for _, role := range []Role{RolePublic, RolePerson, RoleDepartment, RoleAuthority, RoleAuditor} {
		for _, st := range []ShareType{ShareUnconditional, ShareConditional, ShareNone} {
			for _, ot := range []OpenType{OpenUnconditional, OpenConditional, OpenNone} {
				for _, own := range []bool{false, true} {
					v := Viewer{Role: role, DepartmentID: 5}
					r := &Resource{ID: 1, SourceDepartmentID: 6, ShareType: st, OpenType: ot}
					if own {
						r.SourceDepartmentID = 5
					}
					a := AccessTo(v, r, Rights{}, now)
					name := fmt.Sprintf("%s/%s/%s/own=%v", role, st, ot, own)
					over := role == RoleAuthority || role == RoleAuditor || role == RoleDepartment && own
					if a.Internal != over || a.MaskSample == over {
						t.Errorf("%s: internal=%v mask=%v, want internal=%v", name, a.Internal, a.MaskSample, over)
					}
					if a.Sample != (a.Share || a.Open) {
						t.Errorf("%s: sample=%v with share=%v open=%v", name, a.Sample, a.Share, a.Open)
					}
					if !over && st == ShareNone && a.Share {
						t.Errorf("%s: NONE share visible", name)
					}
					if !over && ot != OpenUnconditional && role != RoleDepartment && a.Open {
						t.Errorf("%s: open gate without approval", name)
					}
				}
			}
		}
	}
}

// A refusal names the rule of the gate refused, not another gate's: a
// department refused an internal field of an unconditionally shared entry
// is told about internal fields, not about sharing.
func TestAccessWhy(t *testing.T) {
	now := time.Now()
	dept := Viewer{Role: RoleDepartment, DepartmentID: 2}
	person := Viewer{Role: RolePerson, DataSubject: "441402198507150012"}
	r := func(st ShareType, ot OpenType) *Resource {
		return &Resource{ID: 1, SourceDepartmentID: 1, ShareType: st, OpenType: ot}
	}
	for _, tt := range []struct {
		name string
		v    Viewer
		r    *Resource
		gate Gate
		want string
	}{
		{"dept internal", dept, r(ShareUnconditional, OpenUnconditional), GateInternal, "internal fields are for the source department"},
		{"dept share conditional", dept, r(ShareConditional, OpenNone), GateShare, "request it from the source department"},
		{"dept share none", dept, r(ShareNone, OpenUnconditional), GateShare, "only verification"},
		{"dept open conditional", dept, r(ShareUnconditional, OpenConditional), GateOpen, "departments obtain data by sharing"},
		{"dept open none", dept, r(ShareUnconditional, OpenNone), GateOpen, "not open (NY 44)"},
		{"dept sample", dept, r(ShareConditional, OpenNone), GateSample, "only where shareAccess or openAccess is visible"},
		{"person share", person, r(ShareUnconditional, OpenUnconditional), GateShare, "between government departments"},
		{"person open conditional", person, r(ShareUnconditional, OpenConditional), GateOpen, "apply with purpose and scope"},
		{"public open conditional", Viewer{Role: RolePublic}, r(ShareUnconditional, OpenConditional), GateOpen, "sign in to apply"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := AccessTo(tt.v, tt.r, Rights{}, now)
			if a.Allows(tt.gate) {
				t.Fatalf("gate %s is open; the case expects a refusal", tt.gate)
			}
			if got := a.Why(tt.gate); !strings.Contains(got, tt.want) {
				t.Errorf("Why(%s) = %q, want it to say %q", tt.gate, got, tt.want)
			}
		})
	}
}
