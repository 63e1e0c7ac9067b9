package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/citydata/catalogue/domain"
)

// noOperation is gqlgen's message for a request without a query (or with
// nothing but comments in it); TestGraphQLOverHTTPStatusCodes pins it.
const noOperation = "no operation provided"

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// GraphQLOverHTTP brings gqlgen's answers to requests refused before
// execution in line with the GraphQL-over-HTTP spec (graphql-http's server
// audit checks them). Successful responses and execution results pass
// through untouched and unbuffered; only the small error responses that
// gqlgen sends with an explicit 4xx status are rewritten:
//
//   - Under application/json, a request error (parse, validation, variable
//     coercion, or a Harden refusal) gets 200, not gqlgen's 422: the spec
//     wants 200 for every well-formed request under that media type. A
//     request without a query is not well-formed: 400.
//   - Under application/graphql-response+json it stays 400 (gqlgen's),
//     except FORBIDDEN, which becomes 403, and UNAUTHENTICATED, 401.
//   - Such responses lose their "data": null: a request that failed before
//     execution has no data entry (GraphQL spec, Response). Their errors
//     all get a code (see rewriteErrorBody).
//   - A mutation sent with GET gets 405 with Allow: POST (gqlgen: 406).
//   - A request no transport takes gets 415 (a POST that is not
//     application/json) or 405 (another method) with a JSON error and
//     Content-Type, where gqlgen sends 400 "transport not supported" with
//     no Content-Type at all.
func GraphQLOverHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &compatWriter{ResponseWriter: w, r: r}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// compatWriter passes a response through unless it starts with a status
// that may need rewriting, in which case it holds the body back for finish.
type compatWriter struct {
	http.ResponseWriter
	r           *http.Request
	wroteHeader bool
	held        bool
	status      int
	body        bytes.Buffer
}

func (cw *compatWriter) WriteHeader(status int) {
	if cw.wroteHeader {
		return
	}
	cw.wroteHeader = true
	switch status {
	case http.StatusBadRequest, http.StatusNotAcceptable, http.StatusUnprocessableEntity:
		cw.held = true
		cw.status = status
		return
	}
	cw.ResponseWriter.WriteHeader(status)
}

func (cw *compatWriter) Write(b []byte) (int, error) {
	if !cw.wroteHeader {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.held {
		return cw.body.Write(b)
	}
	return cw.ResponseWriter.Write(b)
}

func (cw *compatWriter) Flush() {
	if cw.held {
		return
	}
	if f, ok := cw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (cw *compatWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

func (cw *compatWriter) finish() {
	if !cw.held {
		return
	}
	h := cw.Header()
	status, body := cw.status, cw.body.Bytes()
	mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type"))

	if mediaType == "" {
		// gqlgen's own refusal when no transport takes the request: it
		// sets no Content-Type (every transport sets one first).
		switch {
		case cw.r.Method == http.MethodPost:
			status = http.StatusUnsupportedMediaType
			body = errorBody(domain.EInvalid, "a POST request must have Content-Type: application/json")
		case cw.r.Method != http.MethodGet:
			status = http.StatusMethodNotAllowed
			h.Set("Allow", "GET, POST")
			body = errorBody(domain.EInvalid, fmt.Sprintf("method %s is not allowed: use GET or POST", cw.r.Method))
		}
		h.Set("Content-Type", responseMediaType(cw.r))
		cw.send(status, body)
		return
	}

	body, code, message := rewriteErrorBody(body)
	switch {
	case status == http.StatusNotAcceptable && cw.r.Method == http.MethodGet:
		// gqlgen's GET transport refuses a mutation with 406; the spec
		// says 405.
		status = http.StatusMethodNotAllowed
		h.Set("Allow", "POST")
	case mediaType == mediaJSON && status == http.StatusUnprocessableEntity:
		status = http.StatusOK
		if message == noOperation {
			// No query at all is not a well-formed request.
			status = http.StatusBadRequest
		}
	case mediaType == mediaGraphQLResponse && status == http.StatusBadRequest:
		switch code {
		case string(domain.EForbidden):
			status = http.StatusForbidden
		case string(domain.EUnauthenticated):
			status = http.StatusUnauthorized
		}
	}
	cw.send(status, body)
}

func (cw *compatWriter) send(status int, body []byte) {
	cw.Header().Del("Content-Length")
	cw.ResponseWriter.WriteHeader(status)
	_, _ = cw.ResponseWriter.Write(body)
}

// rewriteErrorBody drops "data": null from the body of a request refused
// before execution, gives each error without a code BAD_USER_INPUT, and
// returns the first error's code and message. gqlgen's transports send
// errors without a code when they cannot decode the request (GET's
// variables), and presentError turns those of the POST transport (a body
// that is not a JSON object) into INTERNAL "internal error"; in a 4xx
// response that is always the client's request, so it says so. A body that
// is not a JSON object comes back as it was.
func rewriteErrorBody(body []byte) (out []byte, code, message string) {
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(body, &resp); err != nil {
		return body, "", ""
	}
	var errs []map[string]json.RawMessage
	_ = json.Unmarshal(resp["errors"], &errs)
	changed := false
	for i, e := range errs {
		var ext map[string]any
		_ = json.Unmarshal(e["extensions"], &ext)
		c, _ := ext["code"].(string)
		switch c {
		case "":
			c = string(domain.EInvalid)
		case string(domain.EInternal):
			c = string(domain.EInvalid)
			e["message"], _ = json.Marshal("the request is not a GraphQL request: send a JSON object with a query string")
		}
		if ext == nil {
			ext = map[string]any{}
		}
		if ext["code"] != c {
			ext["code"] = c
			e["extensions"], _ = json.Marshal(ext)
			changed = true
		}
		if i == 0 {
			code = c
			_ = json.Unmarshal(e["message"], &message)
		}
	}
	if changed {
		resp["errors"], _ = json.Marshal(errs)
	}
	if data, ok := resp["data"]; ok && bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		delete(resp, "data")
		changed = true
	}
	if !changed {
		return body, code, message
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return body, code, message
	}
	return out, code, message
}

// writeGraphQLError answers r with a GraphQL response holding one error.
func writeGraphQLError(w http.ResponseWriter, r *http.Request, status int, code domain.Code, msg string) {
	w.Header().Set("Content-Type", responseMediaType(r))
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(code, msg))
}

func errorBody(code domain.Code, msg string) []byte {
	b, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{
			"message":    msg,
			"extensions": map[string]any{"code": string(code)},
		}},
	})
	return b
}

// responseMediaType picks the response's media type from r's Accept header
// as gqlgen's transports do: application/json unless the client asks for
// application/graphql-response+json first, or accepts neither.
func responseMediaType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}
