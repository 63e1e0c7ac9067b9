package resolvers_test

import (
	"testing"

	"github.com/citydata/catalogue/graph"
)

// Every field of the types that carry catalogue data says who may read it:
// @access(gate:) or an explicit @public. A new field without either fails
// here, so it cannot be forgotten. Gated fields are nullable (a refused
// field resolves to null with a FORBIDDEN error). The share, open and
// sample gates are decided per resource; a Department may have INTERNAL
// fields, for itself and its overseers.
func TestEveryFieldDeclaresItsVisibility(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, name := range []string{"Resource", "DataItem", "Department"} {
		def := schema.Types[name]
		if def == nil {
			t.Fatalf("type %s not in the schema", name)
		}
		for _, f := range def.Fields {
			if len(f.Name) > 1 && f.Name[:2] == "__" {
				continue
			}
			access, public := f.Directives.ForName("access"), f.Directives.ForName("public")
			switch {
			case access == nil && public == nil:
				t.Errorf("%s.%s has neither @access nor @public: say who may read it", name, f.Name)
			case access != nil && public != nil:
				t.Errorf("%s.%s has both @access and @public", name, f.Name)
			case access != nil && f.Type.NonNull:
				t.Errorf("%s.%s is gated but non-null: a refused field must be able to resolve to null", name, f.Name)
			case access != nil && name == "DataItem",
				access != nil && name == "Department" && access.Arguments.ForName("gate").Value.Raw != "INTERNAL":
				t.Errorf("%s.%s is gated, but only Resource fields and INTERNAL Department fields may be", name, f.Name)
			}
		}
	}
	// The gated fields the visibility rules name.
	gated := map[string]string{
		"shareAccess": "SHARE", "openAccess": "OPEN", "sample": "SAMPLE",
		"contactPhone": "INTERNAL", "reviewNotes": "INTERNAL", "noneShareFiling": "INTERNAL",
	}
	for field, gate := range gated {
		f := schema.Types["Resource"].Fields.ForName(field)
		if f == nil {
			t.Errorf("Resource.%s missing", field)
			continue
		}
		d := f.Directives.ForName("access")
		if d == nil || d.Arguments.ForName("gate") == nil || d.Arguments.ForName("gate").Value.Raw != gate {
			t.Errorf("Resource.%s is not @access(gate: %s)", field, gate)
		}
	}
}
