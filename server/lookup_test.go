package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citydata/catalogue/demo"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// firstPublic returns a published, openly listed demo resource.
func firstPublic() demo.Resource {
	for _, r := range demo.Catalogue.Resources {
		if r.Status == domain.StatusPublished && r.OpenType != domain.OpenNone {
			return r
		}
	}
	panic("demo has no public resource")
}

// firstHidden returns a demo resource the public may not see.
func firstHidden() demo.Resource {
	for _, r := range demo.Catalogue.Resources {
		if r.OpenType == domain.OpenNone {
			return r
		}
	}
	panic("demo has no resource with open type NONE")
}

func TestLookups(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	pub := firstPublic()

	var byCode struct {
		Resource struct {
			ID, Code         string
			SourceDepartment struct{ ID, CreditCode string }
			DataItems        []struct{ ID, Name string }
		}
	}
	a.query(`query($c: String) { resource(code: $c) { id code sourceDepartment { id creditCode } dataItems { id name } } }`,
		map[string]any{"c": pub.Code}, &byCode)
	if byCode.Resource.Code != pub.Code {
		t.Fatalf("resource(code) = %+v", byCode.Resource)
	}

	var byID struct{ Resource struct{ Code string } }
	a.query(`query($id: ID) { resource(id: $id) { code } }`, map[string]any{"id": byCode.Resource.ID}, &byID)
	if byID.Resource.Code != pub.Code {
		t.Errorf("resource(id) = %q, want %q", byID.Resource.Code, pub.Code)
	}

	var dept struct{ Department struct{ ID, Name string } }
	a.query(`query($c: String) { department(creditCode: $c) { id name } }`, map[string]any{"c": byCode.Resource.SourceDepartment.CreditCode}, &dept)
	if dept.Department.ID != byCode.Resource.SourceDepartment.ID {
		t.Errorf("department(creditCode) = %+v, want id %s", dept.Department, byCode.Resource.SourceDepartment.ID)
	}

	// node(id) answers every kind with the right type.
	var nodes struct {
		R, D, I struct {
			Typename string `json:"__typename"`
			ID       string
		}
	}
	a.query(`query($r: ID!, $d: ID!, $i: ID!) {
	  r: node(id: $r) { __typename id ... on Resource { code } }
	  d: node(id: $d) { __typename id ... on Department { name } }
	  i: node(id: $i) { __typename id ... on DataItem { name } }
	}`, map[string]any{"r": byCode.Resource.ID, "d": dept.Department.ID, "i": byCode.Resource.DataItems[0].ID}, &nodes)
	if nodes.R.Typename != "Resource" || nodes.D.Typename != "Department" || nodes.I.Typename != "DataItem" {
		t.Errorf("node types = %s %s %s", nodes.R.Typename, nodes.D.Typename, nodes.I.Typename)
	}
	if nodes.R.ID != byCode.Resource.ID {
		t.Errorf("node(id).id = %s, want %s", nodes.R.ID, byCode.Resource.ID)
	}

	var theme struct {
		ThemeDatabases struct {
			Nodes []struct {
				ID, Code, Kind string
				LeadDepartment struct{ Name string }
				Departments    []struct{ Name string }
				Resources      struct {
					TotalCount int
					Nodes      []struct{ Code string }
				}
			}
		}
	}
	a.query(`{ themeDatabases(first: 20) { nodes { id code kind leadDepartment { name }
	  departments { name } resources(first: 50) { totalCount nodes { code } } } } }`, nil, &theme)
	themes := 0
	for _, th := range theme.ThemeDatabases.Nodes {
		if th.Kind != "BASE" {
			themes++
		}
	}
	if themes < 3 {
		t.Fatalf("want at least 3 theme or special databases, got %d", themes)
	}
	for _, th := range theme.ThemeDatabases.Nodes {
		if th.Kind != "BASE" && len(th.Departments) < 2 {
			t.Errorf("theme %s draws on %d departments, want several", th.Code, len(th.Departments))
		}
		if th.Resources.TotalCount != len(th.Resources.Nodes) || th.Resources.TotalCount == 0 {
			t.Errorf("theme %s: totalCount %d, nodes %d", th.Code, th.Resources.TotalCount, len(th.Resources.Nodes))
		}
	}
}

func TestHiddenResourcesDoNotExistForThePublic(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	hidden := firstHidden()
	e := a.queryErr(`query($c: String) { resource(code: $c) { id } }`, map[string]any{"c": hidden.Code}, "NOT_FOUND")
	if !strings.Contains(e.Message, hidden.Code) {
		t.Errorf("message %q does not name the code", e.Message)
	}
	// The authority sees it, and its ID is then NOT_FOUND for the public.
	var r struct{ Resource struct{ ID string } }
	a.as(authority).query(`query($c: String) { resource(code: $c) { id } }`, map[string]any{"c": hidden.Code}, &r)
	a.queryErr(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": r.Resource.ID}, "NOT_FOUND")
	var ents struct {
		Entities []*struct{ Code string } `json:"_entities"`
	}
	a.query(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Resource { code } } }`,
		map[string]any{"reps": []any{map[string]any{"__typename": "Resource", "id": r.Resource.ID}}}, &ents)
	if len(ents.Entities) != 1 || ents.Entities[0] != nil {
		t.Errorf("_entities for a hidden resource = %+v, want [null]", ents.Entities)
	}
}

func TestBadInput(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	tests := []struct {
		name, query string
		vars        map[string]any
		code, says  string
	}{
		{"malformed cursor", `{ resources(after: "nonsense") { totalCount } }`, nil, "BAD_USER_INPUT", "not a cursor"},
		{"cursor of another ordering", `query($a: String) { resources(after: $a, orderBy: {field: NAME}) { totalCount } }`,
			map[string]any{"a": firstCursor(a)}, "BAD_USER_INPUT", "sorted by"},
		{"first over 100", `{ resources(first: 101) { totalCount } }`, nil, "BAD_USER_INPUT", "between 0 and 100"},
		{"negative first", `{ departments(first: -1) { totalCount } }`, nil, "BAD_USER_INPUT", "between 0 and 100"},
		{"nested first over 100", `{ departments(first: 1) { nodes { resources(first: 500) { totalCount } } } }`, nil, "BAD_USER_INPUT", "between 0 and 100"},
		{"unknown enum literal", `{ resources(filter: {shareType: SOMETIMES}) { totalCount } }`, nil, "BAD_USER_INPUT", "SOMETIMES"},
		{"unknown enum variable", `query($f: ResourceFilter) { resources(filter: $f) { totalCount } }`,
			map[string]any{"f": map[string]any{"openType": "MAYBE"}}, "BAD_USER_INPUT", "MAYBE"},
		{"invalid credit code", `{ department(creditCode: "91350100M000100Y44") { id } }`, nil, "BAD_USER_INPUT", "check character"},
		{"short credit code", `{ department(creditCode: "123") { id } }`, nil, "BAD_USER_INPUT", "18"},
		{"unknown credit code", `{ department(creditCode: "91350100M000100Y43") { id } }`, nil, "NOT_FOUND", "91350100M000100Y43"},
		{"garbage id", `{ node(id: "garbage") { id } }`, nil, "BAD_USER_INPUT", "not a valid ID"},
		{"unknown id", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": domain.NodeID(domain.KindResource, 999999)}, "NOT_FOUND", "no object"},
		{"id of the wrong kind", `query($id: ID) { resource(id: $id) { id } }`, map[string]any{"id": domain.NodeID(domain.KindDepartment, 1)}, "BAD_USER_INPUT", "is a Department"},
		{"neither id nor code", `{ resource { id } }`, nil, "BAD_USER_INPUT", "exactly one"},
		{"unknown theme database", `query($id: ID!) { themeDatabase(id: $id) { id } }`, map[string]any{"id": domain.NodeID(domain.KindThemeDatabase, 999999)}, "NOT_FOUND", "ThemeDatabase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := a.queryErr(tt.query, tt.vars, tt.code)
			if !strings.Contains(e.Message, tt.says) {
				t.Errorf("message %q does not say %q", e.Message, tt.says)
			}
		})
	}
}

func firstCursor(a *api) string {
	var p resourcePage
	a.query(listQuery, map[string]any{"first": 1}, &p)
	return p.Resources.Edges[0].Cursor
}

func TestHealth(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	for _, path := range []string{"/healthz", "/readyz"} {
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s = %d %s", path, rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "/graphql") {
		t.Errorf("GraphiQL page: %d", rec.Code)
	}
}

// A failure inside the server reaches the client as "internal error" with
// code INTERNAL, and its detail reaches only the log.
func TestInternalErrorsAreMasked(t *testing.T) {
	var logs bytes.Buffer
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	a.db.Close() // every statement now fails inside pgx
	e := a.queryErr(`{ resources(first: 5) { totalCount nodes { code } } }`, nil, "INTERNAL")
	if e.Message != "internal error" {
		t.Errorf("message = %q, want \"internal error\"", e.Message)
	}
	if !strings.Contains(logs.String(), "closed pool") {
		t.Errorf("log lacks the detail (closed pool):\n%s", logs.String())
	}
}
