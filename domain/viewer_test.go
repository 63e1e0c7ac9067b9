package domain

import "testing"

func TestRoleGates(t *testing.T) {
	for _, tc := range []struct {
		role                  Role
		introspect, mayMutate bool
	}{
		{RolePublic, false, true},
		{RolePerson, false, true},
		{RoleDepartment, false, true},
		{RoleAuthority, true, true},
		{RoleAuditor, true, false},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			v := Viewer{Role: tc.role}
			if got := MayIntrospect(v); got != tc.introspect {
				t.Errorf("MayIntrospect = %v, want %v", got, tc.introspect)
			}
			err := MayMutate(v)
			if (err == nil) != tc.mayMutate {
				t.Errorf("MayMutate = %v, want allowed=%v", err, tc.mayMutate)
			}
			if err != nil && ErrorCode(err) != EForbidden {
				t.Errorf("MayMutate code = %s, want FORBIDDEN", ErrorCode(err))
			}
		})
	}
}

// ResourceScope.Contains agrees with the rows rule of the visibility
// issue: the public sees published, open entries; a department every
// published entry and its own; overseers everything.
func TestScopeContains(t *testing.T) {
	const own, other = 1, 2
	type row struct {
		status ResourceStatus
		open   OpenType
		source int64
	}
	for _, tt := range []struct {
		v    Viewer
		r    row
		want bool
	}{
		{Public, row{StatusPublished, OpenUnconditional, other}, true},
		{Public, row{StatusPublished, OpenNone, other}, false},
		{Public, row{StatusDraft, OpenUnconditional, other}, false},
		{Viewer{Role: RolePerson}, row{StatusPublished, OpenConditional, other}, true},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, row{StatusPublished, OpenNone, other}, true},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, row{StatusDraft, OpenNone, other}, false},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, row{StatusDraft, OpenNone, own}, true},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, row{StatusRetired, OpenNone, own}, true},
		{Viewer{Role: RoleAuthority}, row{StatusSubmitted, OpenNone, other}, true},
		{Viewer{Role: RoleAuditor}, row{StatusRetired, OpenNone, other}, true},
	} {
		r := &Resource{Status: tt.r.status, OpenType: tt.r.open, SourceDepartmentID: tt.r.source}
		if got := ResourceScopeFor(tt.v).Contains(r); got != tt.want {
			t.Errorf("%s (department %d) sees %+v: %v, want %v", tt.v.Role, tt.v.DepartmentID, tt.r, got, tt.want)
		}
	}
}
