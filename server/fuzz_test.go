package server_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store/storetest"
)

// fuzzPost sends one GraphQL request through the real handler and holds
// the service to its promise for any input: no 5xx, a JSON answer, and no
// INTERNAL error (bad input is the caller's, with a code saying so).
func fuzzPost(t *testing.T, a *api, query string, vars map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return // not representable as a request
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("status %d for variables %s: %s", rec.Code, mustJSON(vars), rec.Body)
	}
	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("not JSON (status %d) for variables %s: %s", rec.Code, mustJSON(vars), rec.Body)
	}
	for _, e := range resp.Errors {
		if e.code() == "" || e.code() == string(domain.EInternal) {
			t.Fatalf("error %q (code %q) for variables %s", e.Message, e.code(), mustJSON(vars))
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// FuzzEntities sends arbitrary `_Any` representations to _entities, as a
// federation gateway would on a client's behalf, as the public and as the
// authority.
func FuzzEntities(f *testing.F) {
	a := newAPI(f, storetest.Options{})
	viewers := []*api{a.public(), a.as(authority)}
	for _, s := range []struct {
		typename, rep string
	}{
		{"Resource", `{"code": "441400-GA-001"}`},
		{"Resource", `{"id": "UmVzb3VyY2U6MQ"}`},
		{"Resource", `{"code": 12}`},
		{"Resource", `{"code": null}`},
		{"Resource", `{"code": ["a"]}`},
		{"Resource", `{}`},
		{"Department", `{"creditCode": "11441400007045121H"}`},
		{"Department", `{"id": "RGVwYXJ0bWVudDox"}`},
		{"Department", `{"creditCode": "梅州"}`},
		{"ThemeDatabase", `{"id": "VGhlbWVEYXRhYmFzZTox"}`},
		{"ThemeDatabase", `{"id": "UmVzb3VyY2U6MQ"}`},
		{"Grant", `{"id": "x"}`},
		{"", `{"__typename": "Resource", "code": "441400-GA-001"}`},
		{"", `"just a string"`},
		{"", `[1, 2]`},
		{"", `null`},
		{"Resource", `{"code": "\u0000"}`},
	} {
		f.Add(s.typename, []byte(s.rep), false)
	}
	const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { __typename
	  ... on Resource { code name } ... on Department { creditCode name } ... on ThemeDatabase { name } } }`
	f.Fuzz(func(t *testing.T, typename string, rep []byte, asAuthority bool) {
		var v any
		if err := json.Unmarshal(rep, &v); err != nil {
			v = map[string]any{"__typename": typename, "code": string(rep)}
		} else if m, ok := v.(map[string]any); ok && typename != "" {
			m["__typename"] = typename
		}
		viewer := viewers[0]
		if asAuthority {
			viewer = viewers[1]
		}
		fuzzPost(t, viewer, query, map[string]any{"reps": []any{v}})
	})
}

// FuzzResourceList sends arbitrary filters, orderings and after cursors
// to the resource list: a search text, an ID filter, enum values, and
// cursors both opaque and built from the JSON a client can see through the
// base64.
func FuzzResourceList(f *testing.F) {
	a := newAPI(f, storetest.Options{}).as(authority)
	cursor := func(order, value string, id int64) string {
		b, _ := json.Marshal(map[string]any{"o": order, "v": value, "i": id})
		return base64.RawURLEncoding.EncodeToString(b)
	}
	f.Add("户籍", "", "NAME", "ASC", "CONDITIONAL", "", "", int64(0))
	f.Add("", cursor("NAME", "户籍登记数据", 3), "NAME", "ASC", "", "", "", int64(0))
	f.Add("", "", "UPDATED_AT", "DESC", "", "UPDATED_AT:DESC", "not a time", int64(5))
	f.Add("", "", "PUBLISHED_AT", "ASC", "", "PUBLISHED_AT", "-infinity", int64(5))
	f.Add("", "", "CODE", "ASC", "", "CODE", "441400-GA-001", int64(1))
	f.Add("%_\\", "", "CODE", "ASC", "NONE", "", "", int64(0))
	f.Add("a\x00b", "", "NAME", "DESC", "", "", "", int64(0))
	f.Add("", "not a cursor", "SIDEWAYS", "UP", "MAYBE", "", "", int64(0))
	f.Add("", "", "UPDATED_AT", "ASC", "", "UPDATED_AT", "294277-01-01T00:00:00Z", int64(9223372036854775807))
	f.Add(" ", "", "NAME", "ASC", "", "NAME", "\x00", int64(2))
	f.Add("", "", "NAME", "AsC", "conditional", "", "", int64(0))
	f.Add("", "", "", "", "", "NEWEST", "12x", int64(1))
	const query = `query($first: Int, $after: String, $filter: ResourceFilter, $order: ResourceOrder) {
	  resources(first: $first, after: $after, filter: $filter, orderBy: $order) {
	    totalCount pageInfo { hasNextPage endCursor } nodes { code name } } }`
	f.Fuzz(func(t *testing.T, search, after, field, direction, shareType, cursorOrder, cursorValue string, cursorID int64) {
		filter := map[string]any{}
		if search != "" {
			filter["search"] = search
		}
		if shareType != "" {
			filter["shareType"] = shareType
		}
		if cursorOrder != "" {
			// A cursor a client made by hand, in the shape it can read.
			after = cursor(cursorOrder, cursorValue, cursorID)
		}
		vars := map[string]any{"first": 5, "filter": filter, "order": map[string]any{"field": field, "direction": direction}}
		if after != "" {
			vars["after"] = after
		}
		fuzzPost(t, a, query, vars)
	})
}
