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
