package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/resolvers"
)

// postJSON answers every request as gqlgen's POST transport does: status,
// media type and body, for successes, protocol errors and bodies that do
// not decode, whatever the client accepts.
func TestPostJSONAnswersAsGqlgenPOST(t *testing.T) {
	serve := func(tr graphql.Transport) *handler.Server {
		srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{}}))
		srv.AddTransport(tr)
		return srv
	}
	theirs, ours := serve(transport.POST{}), serve(postJSON{})
	for _, body := range []string{
		`{"query":"{ __typename }"}`,
		`{"query":"query Q($n: Int) { __typename }","variables":{"n":1},"operationName":"Q"}`,
		`{"query":"{ noSuchField }"}`,
		`{"query":"{ __typename "}`,
		`{"query":""}`,
		`{}`,
		`{"query":"{ __typename }","operationName":"Missing"}`,
		`not json`,
		`["a list"]`,
	} {
		for _, accept := range []string{"", "application/json", "application/graphql-response+json", "*/*", "text/html", "application/graphql-response+json, application/json;q=0.9"} {
			do := func(h http.Handler) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if accept != "" {
					req.Header.Set("Accept", accept)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			want, got := do(theirs), do(ours)
			if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") || got.Body.String() != want.Body.String() {
				t.Errorf("%s, Accept %q:\n got %d %s %s\nwant %d %s %s", body, accept,
					got.Code, got.Header().Get("Content-Type"), got.Body, want.Code, want.Header().Get("Content-Type"), want.Body)
			}
		}
	}
}
