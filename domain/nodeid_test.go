package domain

import "testing"

func TestNodeIDRoundTrip(t *testing.T) {
	for _, kind := range []NodeKind{KindResource, KindDepartment, KindThemeDatabase, KindDataItem, KindDataElement} {
		gid := NodeID(kind, 42)
		k, id, err := ParseNodeID(gid)
		if err != nil || k != kind || id != 42 {
			t.Errorf("ParseNodeID(NodeID(%s, 42)) = %s, %d, %v", kind, k, id, err)
		}
	}
}

func TestParseNodeIDRejects(t *testing.T) {
	for _, gid := range []string{"", "42", "!!!", NodeID(KindResource, 0), "UmVzb3VyY2U6eA"} {
		if _, _, err := ParseNodeID(gid); ErrorCode(err) != EInvalid {
			t.Errorf("ParseNodeID(%q) error = %v, want %s", gid, err, EInvalid)
		}
	}
	if _, err := ParseNodeIDOf(KindDepartment, NodeID(KindResource, 1)); ErrorCode(err) != EInvalid {
		t.Errorf("a Resource ID taken as a Department: error = %v, want %s", err, EInvalid)
	}
}

func TestResourceScopeFor(t *testing.T) {
	tests := []struct {
		viewer Viewer
		want   ResourceScope
	}{
		{Public, ResourceScope{PublishedOnly: true, ExcludeOpenNone: true}},
		{Viewer{Role: RolePerson, DataSubject: "x"}, ResourceScope{PublishedOnly: true, ExcludeOpenNone: true}},
		{Viewer{Role: RoleDepartment, DepartmentID: 7}, ResourceScope{PublishedOnly: true, OwnDepartmentID: 7}},
		{Viewer{Role: RoleAuthority}, ResourceScope{All: true}},
		{Viewer{Role: RoleAuditor}, ResourceScope{All: true}},
		{Viewer{Role: "UNKNOWN"}, ResourceScope{PublishedOnly: true, ExcludeOpenNone: true}},
	}
	for _, tt := range tests {
		t.Run(string(tt.viewer.Role), func(t *testing.T) {
			if got := ResourceScopeFor(tt.viewer); got != tt.want {
				t.Errorf("ResourceScopeFor(%+v) = %+v, want %+v", tt.viewer, got, tt.want)
			}
		})
	}
}
