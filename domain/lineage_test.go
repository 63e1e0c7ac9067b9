package domain

import (
	"strings"
	"testing"
)

func TestValidateLineage(t *testing.T) {
	ok := LineageQuery{StartKind: KindThemeDatabase, StartID: 1, Direction: LineageBoth, Depth: 4}
	tests := []struct {
		name string
		edit func(*LineageQuery)
		want string
	}{
		{"ok", func(*LineageQuery) {}, ""},
		{"from a department", func(q *LineageQuery) { q.StartKind = KindDepartment }, ""},
		{"from an element", func(q *LineageQuery) { q.StartKind = KindDataElement }, ""},
		{"from a grant", func(q *LineageQuery) { q.StartKind = KindGrant }, "not a Grant"},
		{"depth 0", func(q *LineageQuery) { q.Depth = 0 }, "between 1 and 6"},
		{"depth 7", func(q *LineageQuery) { q.Depth = MaxLineageDepth + 1 }, "between 1 and 6"},
		{"sideways", func(q *LineageQuery) { q.Direction = "SIDEWAYS" }, "UPSTREAM, DOWNSTREAM or BOTH"},
	}
	for _, tt := range tests {
		q := ok
		tt.edit(&q)
		err := ValidateLineage(q)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || ErrorCode(err) != EInvalid) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// Grants are shown on lineage edges to departments, the authority and
// auditors, never to the public or persons.
func TestLineageGrants(t *testing.T) {
	for _, tt := range []struct {
		v    Viewer
		show bool
		all  bool
	}{
		{Public, false, false}, {Viewer{Role: RolePerson, Subject: "p"}, false, false},
		{Viewer{Role: RoleDepartment, DepartmentID: 3}, true, false},
		{Viewer{Role: RoleAuthority}, true, true}, {Viewer{Role: RoleAuditor}, true, true},
	} {
		s, show := LineageGrants(tt.v)
		if show != tt.show || show && s.All != tt.all {
			t.Errorf("%s: show %v all %v", tt.v.Role, show, s.All)
		}
	}
}
