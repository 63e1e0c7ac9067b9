package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/citydata/catalogue/demo"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

const entitiesQuery = `query($reps: [_Any!]!) { _entities(representations: $reps) {
  __typename ... on Resource { id code name } ... on Department { id name } } }`

type entity struct {
	Typename string `json:"__typename"`
	ID, Code string
	Name     string
}

type entitiesResult struct {
	Entities []*entity `json:"_entities"`
}

// someResources lists the first n resources as the authority sees them.
func someResources(t *testing.T, a *api, n int) []entity {
	t.Helper()
	var list struct {
		Resources struct{ Nodes []entity }
	}
	a.as(authority).query(`query($n: Int) { resources(first: $n) { nodes { id code name } } }`, map[string]any{"n": n}, &list)
	if len(list.Resources.Nodes) != n {
		t.Fatalf("%d resources, want %d", len(list.Resources.Nodes), n)
	}
	return list.Resources.Nodes
}

// A batch may mix Resource's two keys in any order: each representation
// is resolved by the key it carries, in its place.
func TestEntitiesMixedKeys(t *testing.T) {
	a := newAPI(t, storetest.Options{}).as(authority)
	rs := someResources(t, a, 4)
	byID := func(r entity) map[string]any { return map[string]any{"__typename": "Resource", "id": r.ID} }
	byCode := func(r entity) map[string]any { return map[string]any{"__typename": "Resource", "code": r.Code} }
	for _, tc := range []struct {
		name string
		reps []map[string]any
		want []string // codes; "" for null
	}{
		{"id first", []map[string]any{byID(rs[0]), byCode(rs[1]), byID(rs[2]), byCode(rs[3])}, []string{rs[0].Code, rs[1].Code, rs[2].Code, rs[3].Code}},
		{"code first", []map[string]any{byCode(rs[0]), byID(rs[1]), byCode(rs[2]), byID(rs[3])}, []string{rs[0].Code, rs[1].Code, rs[2].Code, rs[3].Code}},
		{"one entry by both keys", []map[string]any{byCode(rs[2]), byID(rs[2])}, []string{rs[2].Code, rs[2].Code}},
		{"with unknown keys and a department", []map[string]any{
			byID(rs[1]),
			{"__typename": "Resource", "code": "NO-SUCH-CODE"},
			{"__typename": "Department", "id": domain.NodeID(domain.KindDepartment, 1)},
			{"__typename": "Resource", "id": domain.NodeID(domain.KindResource, 999999)},
			byCode(rs[0]),
		}, []string{rs[1].Code, "", "Department", "", rs[0].Code}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reps := make([]any, len(tc.reps))
			for i, r := range tc.reps {
				reps[i] = r
			}
			var out entitiesResult
			a.in(t).query(entitiesQuery, map[string]any{"reps": reps}, &out)
			if len(out.Entities) != len(tc.want) {
				t.Fatalf("%d entities for %d representations", len(out.Entities), len(tc.want))
			}
			for i, want := range tc.want {
				e := out.Entities[i]
				switch {
				case want == "":
					if e != nil {
						t.Errorf("entity %d = %+v, want null", i, e)
					}
				case want == "Department":
					if e == nil || e.Typename != "Department" || e.Name == "" {
						t.Errorf("entity %d = %+v, want a department", i, e)
					}
				case e == nil || e.Typename != "Resource" || e.Code != want || e.Name == "":
					t.Errorf("entity %d = %+v, want resource %s", i, e, want)
				}
			}
		})
	}
}

// Every malformed representation is the caller's error, said plainly,
// before anything is resolved.
func TestEntitiesBadRepresentations(t *testing.T) {
	a := newAPI(t, storetest.Options{}).as(authority)
	rs := someResources(t, a, 1)
	good := map[string]any{"__typename": "Resource", "code": rs[0].Code}
	for _, tc := range []struct {
		name string
		rep  any
		want []string // in the message
	}{
		{"missing __typename", map[string]any{"code": rs[0].Code}, []string{"representations[1]", "has no __typename", "Department, Resource, ThemeDatabase"}},
		{"null __typename", map[string]any{"__typename": nil, "code": rs[0].Code}, []string{"has no __typename"}},
		{"__typename not a string", map[string]any{"__typename": 7, "code": rs[0].Code}, []string{"not a string"}},
		{"unknown type", map[string]any{"__typename": "Dataset", "id": "x"}, []string{`"Dataset"`, "does not have", "Department, Resource, ThemeDatabase"}},
		{"not an entity", map[string]any{"__typename": "DataItem", "id": "x"}, []string{"DataItem", "not an entity"}},
		{"unknown key field", map[string]any{"__typename": "Resource", "slug": "x"}, []string{`"slug"`, "not a key field of Resource", "send id or code"}},
		{"a field of another key's type", map[string]any{"__typename": "Department", "code": rs[0].Code}, []string{`"code"`, "not a key field of Department", "send id"}},
		{"null key", map[string]any{"__typename": "Resource", "code": nil}, []string{"null code"}},
		{"null id beside a code", map[string]any{"__typename": "Resource", "id": nil, "code": rs[0].Code}, []string{"null id"}},
		{"key not a string", map[string]any{"__typename": "Resource", "code": 42}, []string{"code that is not a string"}},
		{"no key at all", map[string]any{"__typename": "ThemeDatabase"}, []string{"(ThemeDatabase) carries no key", "send id"}},
		{"not an object", "Resource", []string{"not an object"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := a.in(t).queryErr(entitiesQuery, map[string]any{"reps": []any{good, tc.rep}}, "BAD_USER_INPUT")
			for _, w := range tc.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q lacks %q", e.Message, w)
				}
			}
		})
	}
	// Inline in the query, not only in variables.
	e := a.queryErr(`{ _entities(representations: [{__typename: "Resource", slug: "x"}]) { __typename } }`, nil, "BAD_USER_INPUT")
	if !strings.Contains(e.Message, "not a key field") {
		t.Errorf("inline: message %q", e.Message)
	}
	// An ID of another kind is refused too, by the resolver.
	e = a.queryErr(entitiesQuery, map[string]any{"reps": []any{map[string]any{"__typename": "Resource", "id": domain.NodeID(domain.KindDepartment, 1)}}}, "BAD_USER_INPUT")
	if !strings.Contains(e.Message, "not a Resource") {
		t.Errorf("wrong kind of ID: message %q", e.Message)
	}
}

// Hidden rows are null for the viewer who may not see them, found for one
// who may, and a gated field is FORBIDDEN at its path.
func TestEntitiesFollowTheViewer(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	hidden := firstHidden()
	var conditional demo.Resource
	for _, r := range demo.Catalogue.Resources {
		if r.OpenType == domain.OpenConditional && r.ShareType == domain.ShareConditional {
			conditional = r
			break
		}
	}
	reps := map[string]any{"reps": []any{
		map[string]any{"__typename": "Resource", "code": hidden.Code},
		map[string]any{"__typename": "Resource", "code": conditional.Code},
	}}
	const q = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Resource { code shareAccess { modes } } } }`
	type ent struct{ Code string }
	var out struct {
		Entities []*ent `json:"_entities"`
	}
	resp := a.public().do(q, reps)
	resp.decode(t, &out)
	if len(out.Entities) != 2 || out.Entities[0] != nil {
		t.Fatalf("public: entities %+v, want the hidden one null", out.Entities)
	}
	var forbidden bool
	for _, e := range resp.Errors {
		if e.code() == "FORBIDDEN" && len(e.Path) == 3 && e.Path[0] == "_entities" && e.Path[1] == float64(1) && e.Path[2] == "shareAccess" {
			forbidden = true
		} else {
			t.Errorf("public: unexpected error %+v", e)
		}
	}
	if !forbidden {
		t.Errorf("public: no FORBIDDEN at _entities.1.shareAccess; errors %+v", resp.Errors)
	}

	out.Entities = nil
	a.as(authority).query(q, reps, &out)
	if len(out.Entities) != 2 || out.Entities[0] == nil || out.Entities[0].Code != hidden.Code || out.Entities[1] == nil {
		t.Errorf("authority: entities %+v, want both", out.Entities)
	}
}

// The gateway's batch of 1,000 references with a nested selection is one
// batch to the cost limit; a client's is not, and no batch is above
// MaxEntities.
func TestEntitiesGatewayBatch(t *testing.T) {
	const secret = "gateway-secret-for-the-tests"
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{GatewaySecret: secret}).as(authority)
	gateway := withGatewaySecret(a, secret)
	rs := someResources(t, a, 100)
	reps := func(n int) map[string]any {
		out := make([]any, n)
		for i := range out {
			r := rs[i%len(rs)]
			if i%2 == 0 {
				out[i] = map[string]any{"__typename": "Resource", "id": r.ID}
			} else {
				out[i] = map[string]any{"__typename": "Resource", "code": r.Code}
			}
		}
		return map[string]any{"reps": out}
	}
	const q = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Resource {
	  code name dataItems { name } sourceDepartment { name } themeDatabases { name } } } }`
	var out struct {
		Entities []*struct {
			Code             string
			DataItems        []struct{ Name string }
			SourceDepartment struct{ Name string }
		} `json:"_entities"`
	}
	gateway.query(q, reps(1000), &out)
	if len(out.Entities) != 1000 {
		t.Fatalf("%d entities, want 1000", len(out.Entities))
	}
	for i, e := range out.Entities {
		if e == nil || e.Code != rs[i%len(rs)].Code || len(e.DataItems) == 0 || e.SourceDepartment.Name == "" {
			t.Fatalf("entity %d = %+v, want %s with its items and department", i, e, rs[i%len(rs)].Code)
		}
	}

	// The same from a client (a wrong secret is no secret) is priced per
	// representation.
	for name, c := range map[string]*api{"client": a, "wrong secret": withGatewaySecret(a, "not-the-secret")} {
		e := c.queryErr(q, reps(1000), "BAD_USER_INPUT")
		if !strings.Contains(e.Message, "query cost") {
			t.Errorf("%s: message %q does not name the cost limit", name, e.Message)
		}
	}
	// MaxEntities holds for the gateway too.
	e := gateway.queryErr(q, reps(2001), "BAD_USER_INPUT")
	if !strings.Contains(e.Message, "2001 representations") || !strings.Contains(e.Message, "limit of 2000") {
		t.Errorf("2001 representations: message %q", e.Message)
	}
}

// in returns a copy of a that reports to t (a subtest's), so a failed
// request stops that subtest, not its parent.
func (a *api) in(t testing.TB) *api {
	cp := *a
	cp.t = t
	return &cp
}

// withGatewaySecret returns a copy of a that sends the gateway's header.
func withGatewaySecret(a *api, secret string) *api {
	cp := *a
	h := a.handler
	cp.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(server.GatewaySecretHeader, secret)
		h.ServeHTTP(w, r)
	})
	return &cp
}
