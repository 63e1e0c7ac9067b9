package server_test

import (
	"strings"
	"testing"

	"github.com/citydata/catalogue/store/storetest"
)

func TestServiceSDL(t *testing.T) {
	a := newAPI(t, storetest.Options{}).as(authority) // the gateway's view
	var s struct {
		Service struct{ SDL string } `json:"_service"`
	}
	a.query(`{ _service { sdl } }`, nil, &s)
	for _, want := range []string{
		`type Resource implements Node @key(fields: "id") @key(fields: "code")`,
		`type Department implements Node @key(fields: "id")`,
		`type ThemeDatabase implements Node @key(fields: "id")`,
		`@link(url: "https://specs.apollo.dev/federation/v2`,
		// Value types another subgraph may define too (INVALID_FIELD_SHARING otherwise).
		`type PageInfo @shareable`,
		`type ResourceConnection @shareable`,
		`type ResourceEdge @shareable`,
	} {
		if !strings.Contains(s.Service.SDL, want) {
			t.Errorf("_service.sdl lacks %q", want)
		}
	}
}

func TestEntitiesResolveInOrder(t *testing.T) {
	counter := &statementCounter{}
	a := newAPI(t, storetest.Options{Tracer: counter})
	var list struct {
		Resources struct {
			Nodes []struct {
				ID, Code         string
				SourceDepartment struct{ ID string }
			}
		}
		ThemeDatabases struct{ Nodes []struct{ ID, Code string } }
	}
	a.query(`{ resources(first: 4) { nodes { id code sourceDepartment { id } } } themeDatabases(first: 2) { nodes { id code } } }`, nil, &list)
	rs, ts := list.Resources.Nodes, list.ThemeDatabases.Nodes
	reps := []any{
		map[string]any{"__typename": "Resource", "id": rs[2].ID},
		map[string]any{"__typename": "ThemeDatabase", "id": ts[1].ID},
		map[string]any{"__typename": "Resource", "id": rs[0].ID},
		map[string]any{"__typename": "Department", "id": rs[1].SourceDepartment.ID},
		map[string]any{"__typename": "Resource", "id": rs[1].ID},
		map[string]any{"__typename": "ThemeDatabase", "id": ts[0].ID},
		map[string]any{"__typename": "Resource", "id": "UmVzb3VyY2U6OTk5OTk5"}, // Resource:999999
	}
	var ents struct {
		Entities []*struct {
			Typename  string `json:"__typename"`
			ID        string
			Code      string
			DataItems []struct{ Name string }
		} `json:"_entities"`
	}
	counter.n.Store(0)
	a.query(`query($reps: [_Any!]!) { _entities(representations: $reps) {
	  __typename
	  ... on Resource { id code dataItems { name } }
	  ... on ThemeDatabase { id code }
	  ... on Department { id }
	} }`, map[string]any{"reps": reps}, &ents)
	want := []struct{ typ, id string }{
		{"Resource", rs[2].ID}, {"ThemeDatabase", ts[1].ID}, {"Resource", rs[0].ID},
		{"Department", rs[1].SourceDepartment.ID}, {"Resource", rs[1].ID}, {"ThemeDatabase", ts[0].ID},
	}
	if len(ents.Entities) != len(reps) {
		t.Fatalf("%d entities for %d representations", len(ents.Entities), len(reps))
	}
	for i, w := range want {
		e := ents.Entities[i]
		if e == nil || e.Typename != w.typ || e.ID != w.id {
			t.Errorf("entity %d = %+v, want %s %s", i, e, w.typ, w.id)
		}
		if e != nil && e.Typename == "Resource" && len(e.DataItems) == 0 {
			t.Errorf("entity %d has no data items", i)
		}
	}
	if ents.Entities[6] != nil {
		t.Errorf("unknown id resolved to %+v, want null", ents.Entities[6])
	}
	// Resources, their data items, departments, theme databases: not
	// one statement per representation.
	if n := counter.n.Load(); n > 4 {
		t.Errorf("_entities for %d representations took %d statements, want at most 4", len(reps), n)
	}
}

// Resource is also an entity on its code, for gateways that know entries
// by their catalogue code.
func TestEntitiesByCode(t *testing.T) {
	a := newAPI(t, storetest.Options{Demo: true})
	var ents struct {
		Entities []*struct{ Code, Name string } `json:"_entities"`
	}
	a.query(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Resource { code name } } }`,
		map[string]any{"reps": []any{
			map[string]any{"__typename": "Resource", "code": "NO-SUCH-CODE"},
			map[string]any{"__typename": "Resource", "code": "441400-GA-001"},
		}}, &ents)
	if len(ents.Entities) != 2 || ents.Entities[0] != nil || ents.Entities[1] == nil || ents.Entities[1].Name != "户籍登记数据" {
		t.Fatalf("_entities by code = %+v, want [null, 户籍登记数据]", ents.Entities)
	}
}
