package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

func TestDefaultLimits(t *testing.T) {
	l := server.DefaultLimits()
	if l.MaxDepth != 12 || l.MaxCost != 20000 || l.MaxAliases != 30 || l.MaxTokens != 5000 || l.MaxBodyBytes != 1<<20 {
		t.Errorf("DefaultLimits() = %+v", l)
	}
}

func TestHardenedAcceptsOrdinaryQueries(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	var page resourcePage
	a.query(listQuery, map[string]any{"first": 20}, &page)
	if len(page.Resources.Edges) == 0 {
		t.Fatal("no resources")
	}
	// Nested pages within the cost limit, and __typename, which is not
	// introspection.
	var out struct {
		Typename    string `json:"__typename"`
		Departments struct {
			Nodes []struct {
				Name      string
				Resources struct {
					TotalCount int
					Nodes      []struct {
						Code           string
						DataItems      []struct{ Name string }
						ThemeDatabases []struct{ Name string }
					}
				}
			}
		}
	}
	a.query(`{ __typename departments(first: 5) { nodes { name resources(first: 5) { totalCount nodes { code dataItems { name } themeDatabases { name } } } } } }`, nil, &out)
	if out.Typename != "Query" || len(out.Departments.Nodes) != 5 {
		t.Errorf("got __typename %q and %d departments", out.Typename, len(out.Departments.Nodes))
	}
}

// parents nests n parent fields under the first department.
func parents(n int) string {
	return `{ departments(first: 1) { nodes { ` + strings.Repeat("parent { ", n) + "name" + strings.Repeat(" }", n) + " } } }"
}

func TestDepthLimit(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	// departments, nodes, 9 parents, name: 12 fields deep.
	var out map[string]any
	a.query(parents(9), nil, &out)

	e := a.queryErr(parents(11), nil, "BAD_USER_INPUT")
	if e.Message != "query depth 14 exceeds the limit of 12" {
		t.Errorf("message = %q", e.Message)
	}

	// Fragments are expanded, not counted as a level of their own.
	q := `query { departments(first: 1) { nodes { ...P } } }
	fragment P on Department { parent { parent { parent { ...Q } } } }
	fragment Q on Department { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } }`
	e = a.queryErr(q, nil, "BAD_USER_INPUT")
	if e.Message != "query depth 13 exceeds the limit of 12" {
		t.Errorf("message = %q", e.Message)
	}
}

func TestAliasLimit(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	aliases := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a%d: __typename ", i)
		}
		return b.String()
	}
	var out map[string]any
	a.query("{ "+aliases(30)+"}", nil, &out)

	e := a.queryErr("{ "+aliases(31)+"}", nil, "BAD_USER_INPUT")
	if e.Message != "query alias count 31 exceeds the limit of 30" {
		t.Errorf("message = %q", e.Message)
	}
	// A fragment's aliases count each time it is spread.
	e = a.queryErr("{ ...F x: __typename ... on Query { ...F } } fragment F on Query { "+aliases(16)+"}", nil, "BAD_USER_INPUT")
	if !strings.HasPrefix(e.Message, "query alias count 33 ") {
		t.Errorf("message = %q", e.Message)
	}
}

func TestCostWeighsFirst(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	const q = `query($d: Int, $r: Int) { departments(first: $d) { totalCount nodes {
	  resources(first: $r) { totalCount nodes { dataItems { name } themeDatabases { name } } } } } }`
	// departments: 1 + totalCount 1 + nodes 1 + 100 × (resources: 1 + 1 + 1
	// + 100 × (dataItems 1 + 10 + themeDatabases 1 + 10)) = 220303.
	e := a.queryErr(q, map[string]any{"d": 100, "r": 100}, "BAD_USER_INPUT")
	if !strings.HasPrefix(e.Message, "query cost 220303 exceeds the limit of 20000") {
		t.Errorf("message = %q", e.Message)
	}
	// The same shape with small pages is cheap.
	var out map[string]any
	a.query(q, map[string]any{"d": 5, "r": 5}, &out)
	// Without first, pages are 20 as in the resolvers: 1+1+1+20 × (3 + 20 × 22) = 8863.
	a.query(q, nil, &out)
	// first written in the query counts as from a variable.
	e = a.queryErr(strings.NewReplacer("$d", "100", "$r", "50", "query($d: Int, $r: Int)", "query").Replace(q), nil, "BAD_USER_INPUT")
	if !strings.HasPrefix(e.Message, "query cost 110303 exceeds the limit of 20000") {
		t.Errorf("message = %q", e.Message)
	}
	// A plain list counts as 10: 30 theme databases × departments (10) × resources (20 × ...).
	e = a.queryErr(`{ themeDatabases(first: 30) { nodes { departments { resources { nodes { dataItems { name } sample { fields { value } } } } } } } }`, nil, "BAD_USER_INPUT")
	if !strings.Contains(e.Message, "exceeds the limit of 20000") {
		t.Errorf("message = %q", e.Message)
	}
}

func TestTokenLimit(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	e := a.queryErr("{ "+strings.Repeat("__typename ", 5000)+"}", nil, "GRAPHQL_PARSE_FAILED")
	if e.Message != "exceeded token limit of 5000" {
		t.Errorf("message = %q", e.Message)
	}
}

func TestBodyLimit(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	big, _ := json.Marshal(map[string]any{"query": "{ __typename }" + strings.Repeat(" ", 1<<20)})
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(big))
			req.Header.Set("Content-Type", "application/json")
			if chunked {
				// No Content-Length: the limit is found while reading.
				req.ContentLength = -1
				req.Body = io.NopCloser(bytes.NewReader(big))
			}
			rec := httptest.NewRecorder()
			a.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status = %d, want 413; body %s", rec.Code, rec.Body)
			}
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) != 1 {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if e := resp.Errors[0]; e.code() != "BAD_USER_INPUT" || e.Message != "request body exceeds the limit of 1 MiB" {
				t.Errorf("error = %+v", e)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
	// Just under the limit is served.
	ok, _ := json.Marshal(map[string]any{"query": "{ __typename }" + strings.Repeat(" ", 1<<20-40)})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(ok))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"__typename":"Query"`) {
		t.Errorf("%d bytes: status %d, body %s", len(ok), rec.Code, rec.Body)
	}
}

var introspectionQueries = []string{
	`{ __schema { queryType { name } } }`,
	`{ __type(name: "Resource") { fields { name } } }`,
	`{ _service { sdl } }`,
	`{ ...F } fragment F on Query { __schema { types { name } } }`,
	`{ resources(first: 1) { nodes { code } } ... on Query { __type(name: "Query") { name } } }`,
	standardIntrospectionQuery,
}

func TestIntrospectionGate(t *testing.T) {
	const gatewaySecret = "gateway-secret-for-the-tests"
	prod := newAPIWith(t, storetest.Options{Demo: true}, server.Config{GatewaySecret: gatewaySecret})
	dev := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Dev: true})
	withHeader := func(a *api, value string) *api {
		cp := *a
		h := a.handler
		cp.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set(server.GatewaySecretHeader, value)
			h.ServeHTTP(w, r)
		})
		return &cp
	}
	for _, tc := range []struct {
		name    string
		a       *api
		allowed bool
	}{
		{"public", prod.public(), false},
		{"person", prod.as(auth.Claims{Sub: "p", Role: domain.RolePerson, Subject: "441402198507150012"}), false},
		{"department", prod.as(auth.Claims{Sub: "d", Role: domain.RoleDepartment, Department: "11441400007045121H"}), false},
		{"gateway with a wrong secret", withHeader(prod.public(), "not-the-secret"), false},
		{"authority", prod.as(authority), true},
		{"auditor", prod.as(auditor), true},
		{"gateway", withHeader(prod.public(), gatewaySecret), true},
		{"development", dev.public(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range introspectionQueries {
				if !tc.allowed {
					e := tc.a.queryErr(q, nil, "FORBIDDEN")
					if !strings.Contains(e.Message, "introspection") || !strings.Contains(e.Message, "authority and auditors") {
						t.Errorf("%.40s: message = %q", q, e.Message)
					}
					continue
				}
				resp := tc.a.do(q, nil)
				if len(resp.Errors) > 0 || resp.status != http.StatusOK {
					t.Errorf("%.40s: status %d, errors %+v", q, resp.status, resp.Errors)
				}
			}
			// __typename is not introspection.
			var out struct {
				Typename string `json:"__typename"`
			}
			tc.a.query(`{ __typename }`, nil, &out)
			if out.Typename != "Query" {
				t.Errorf("__typename = %q", out.Typename)
			}
			if tc.allowed {
				var out struct {
					Schema struct {
						Types []struct{ Name string }
					} `json:"__schema"`
				}
				tc.a.query(standardIntrospectionQuery, nil, &out)
				if len(out.Schema.Types) < 20 {
					t.Errorf("introspection found %d types", len(out.Schema.Types))
				}
			}
		})
	}
}

func TestNoSuggestionsOutsideDevelopment(t *testing.T) {
	const q = `{ resourcez(first: 1) { totalCount } }`
	e := newAPI(t, storetest.Options{}).queryErr(q, nil, "GRAPHQL_VALIDATION_FAILED")
	if strings.Contains(e.Message, "Did you mean") || strings.Contains(e.Message, `"resources"`) {
		t.Errorf("message suggests fields: %q", e.Message)
	}
	e = newAPIWith(t, storetest.Options{Demo: true}, server.Config{Dev: true}).queryErr(q, nil, "GRAPHQL_VALIDATION_FAILED")
	if !strings.Contains(e.Message, "Did you mean") {
		t.Errorf("development: message = %q, want a suggestion", e.Message)
	}
}

// standardIntrospectionQuery is graphql-js 16's getIntrospectionQuery with
// every option on, as GraphiQL sends it; ofType nests nine deep.
const standardIntrospectionQuery = `query IntrospectionQuery {
  __schema {
    description
    queryType {
      name
      kind
    }
    mutationType {
      name
      kind
    }
    subscriptionType {
      name
      kind
    }
    types {
      ...FullType
    }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) {
        ...InputValue
      }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) {
      ...InputValue
    }
    type {
      ...TypeRef
    }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) {
    ...InputValue
  }
  interfaces {
    ...TypeRef
  }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes {
    ...TypeRef
  }
}

fragment InputValue on __InputValue {
  name
  description
  type {
    ...TypeRef
  }
  defaultValue
  isDeprecated
  deprecationReason
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    name
    kind
    ofType {
      name
      kind
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`
