package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// rawResponse is a response as the client sees it.
type rawResponse struct {
	status      int
	contentType string
	allow       string
	body        map[string]json.RawMessage
	code        string // the first error's extensions.code
	text        string
}

func send(t *testing.T, h http.Handler, method, target, contentType, accept, body string) rawResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := rawResponse{
		status:      rec.Code,
		contentType: rec.Header().Get("Content-Type"),
		allow:       rec.Header().Get("Allow"),
		text:        rec.Body.String(),
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r.body); err != nil {
		t.Fatalf("%s %s: body is not a JSON object (status %d): %s", method, target, rec.Code, rec.Body)
	}
	var errs []gqlError
	_ = json.Unmarshal(r.body["errors"], &errs)
	if len(errs) > 0 {
		r.code = errs[0].code()
	}
	return r
}

const (
	jsonType     = "application/json"
	responseType = "application/graphql-response+json"
)

func TestGraphQLOverHTTPStatusCodes(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	gql := func(query string, vars map[string]any) string {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return string(b)
	}
	deep := parents(11)
	for _, tc := range []struct {
		name, accept, body string
		status             int
		code               string // "" for success
	}{
		{"ok json", jsonType, gql(`{ __typename }`, nil), 200, ""},
		{"ok graphql-response", responseType, gql(`{ __typename }`, nil), 200, ""},
		{"ok no accept", "", gql(`{ __typename }`, nil), 200, ""},
		{"parse json", jsonType, gql(`{`, nil), 200, "GRAPHQL_PARSE_FAILED"},
		{"parse graphql-response", responseType, gql(`{`, nil), 400, "GRAPHQL_PARSE_FAILED"},
		{"validation json", jsonType, gql(`{ nosuch }`, nil), 200, "GRAPHQL_VALIDATION_FAILED"},
		{"validation graphql-response", responseType, gql(`{ nosuch }`, nil), 400, "GRAPHQL_VALIDATION_FAILED"},
		{"coercion json", jsonType, gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": nil}), 200, "BAD_USER_INPUT"},
		{"coercion graphql-response", responseType, gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": nil}), 400, "BAD_USER_INPUT"},
		{"depth json", jsonType, gql(deep, nil), 200, "BAD_USER_INPUT"},
		{"depth graphql-response", responseType, gql(deep, nil), 400, "BAD_USER_INPUT"},
		{"introspection json", jsonType, gql(`{ __schema { queryType { name } } }`, nil), 200, "FORBIDDEN"},
		{"introspection graphql-response", responseType, gql(`{ __schema { queryType { name } } }`, nil), 403, "FORBIDDEN"},
		// Not a well-formed request: 400 whatever the media type, and the
		// client's fault, not an internal error.
		{"bad JSON json", jsonType, `{ "query": `, 400, "BAD_USER_INPUT"},
		{"bad JSON graphql-response", responseType, `{ "query": `, 400, "BAD_USER_INPUT"},
		{"no query json", jsonType, `{"qeury":"{ __typename }"}`, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"no query graphql-response", responseType, `{"variables":{}}`, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"batch", jsonType, `[{"query":"{ __typename }"}]`, 400, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, a.handler, http.MethodPost, "/graphql", jsonType, tc.accept, tc.body)
			if r.status != tc.status {
				t.Errorf("status = %d, want %d; body %s", r.status, tc.status, r.text)
			}
			wantType := jsonType
			if tc.accept == responseType {
				wantType = responseType
			}
			if !strings.HasPrefix(r.contentType, wantType) {
				t.Errorf("Content-Type = %q, want %s", r.contentType, wantType)
			}
			_, hasData := r.body["data"]
			_, hasErrors := r.body["errors"]
			switch {
			case tc.status == 200 && tc.code == "":
				if !hasData || hasErrors {
					t.Errorf("want data and no errors: %s", r.text)
				}
			default:
				// Refused before execution: errors, and no data entry.
				if hasData || !hasErrors {
					t.Errorf("want errors and no data entry: %s", r.text)
				}
				if tc.code != "" && r.code != tc.code {
					t.Errorf("code = %q, want %q", r.code, tc.code)
				}
			}
		})
	}
}

func TestGraphQLOverHTTPRequests(t *testing.T) {
	a := newAPI(t, storetest.Options{})

	// A query by GET is served.
	r := send(t, a.handler, http.MethodGet, "/graphql?query="+url.QueryEscape(`{ __typename }`), "", jsonType, "")
	if r.status != 200 || string(r.body["data"]) != `{"__typename":"Query"}` {
		t.Errorf("GET query: %d %s", r.status, r.text)
	}
	// Undecodable GET variables: gqlgen says so without a code.
	r = send(t, a.handler, http.MethodGet, "/graphql?query="+url.QueryEscape(`{ __typename }`)+"&variables=%7B", "", jsonType, "")
	if r.status != http.StatusBadRequest || r.code != "BAD_USER_INPUT" {
		t.Errorf("GET bad variables: %d %s", r.status, r.text)
	}
	// POST without Content-Type, or with one no transport takes: 415.
	for _, ct := range []string{"", "text/plain", "application/graphql"} {
		r = send(t, a.handler, http.MethodPost, "/graphql", ct, "", `{"query":"{ __typename }"}`)
		if r.status != http.StatusUnsupportedMediaType || r.contentType != jsonType || r.code != "BAD_USER_INPUT" {
			t.Errorf("POST Content-Type %q: %d %q %s", ct, r.status, r.contentType, r.text)
		}
	}
	// Another method: 405 with Allow.
	r = send(t, a.handler, http.MethodPut, "/graphql", jsonType, "", `{"query":"{ __typename }"}`)
	if r.status != http.StatusMethodNotAllowed || r.allow != "GET, POST" {
		t.Errorf("PUT: %d Allow %q %s", r.status, r.allow, r.text)
	}
}

// The rewrites that the catalogue's schema cannot provoke (it has no
// mutations), and what must pass untouched, against stand-in handlers.
func TestGraphQLOverHTTPRewrites(t *testing.T) {
	reply := func(status int, contentType, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			if status != 0 {
				w.WriteHeader(status)
			}
			_, _ = io.WriteString(w, body)
		})
	}
	t.Run("mutation by GET", func(t *testing.T) {
		h := server.GraphQLOverHTTP(reply(http.StatusNotAcceptable, responseType, `{"errors":[{"message":"GET requests only allow query operations"}]}`))
		r := send(t, h, http.MethodGet, "/graphql?query=mutation", "", responseType, "")
		if r.status != http.StatusMethodNotAllowed || r.allow != "POST" {
			t.Errorf("got %d Allow %q", r.status, r.allow)
		}
	})
	t.Run("execution result with null data", func(t *testing.T) {
		// An error on a non-null root field nulls data during execution:
		// the data entry stays, and so does 200.
		const body = `{"errors":[{"message":"internal error","path":["resources"],"extensions":{"code":"INTERNAL"}}],"data":null}`
		h := server.GraphQLOverHTTP(reply(0, responseType, body))
		r := send(t, h, http.MethodPost, "/graphql", jsonType, responseType, `{}`)
		if r.status != 200 || r.text != body {
			t.Errorf("got %d %s", r.status, r.text)
		}
	})
	t.Run("other statuses", func(t *testing.T) {
		const body = `{"errors":[{"message":"x"}],"data":null}`
		h := server.GraphQLOverHTTP(reply(http.StatusInternalServerError, jsonType, body))
		r := send(t, h, http.MethodPost, "/graphql", jsonType, jsonType, `{}`)
		if r.status != 500 || r.text != body {
			t.Errorf("got %d %s", r.status, r.text)
		}
	})
	t.Run("unauthenticated", func(t *testing.T) {
		h := server.GraphQLOverHTTP(reply(http.StatusBadRequest, responseType, `{"errors":[{"message":"who?","extensions":{"code":"UNAUTHENTICATED"}}],"data":null}`))
		r := send(t, h, http.MethodPost, "/graphql", jsonType, responseType, `{}`)
		if r.status != http.StatusUnauthorized || r.code != "UNAUTHENTICATED" {
			t.Errorf("got %d %s", r.status, r.text)
		}
	})
}
