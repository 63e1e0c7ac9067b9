package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// postJSON is gqlgen's POST transport with a cheaper way of writing a
// successful response. gqlgen writes every response with json.Marshal,
// which checks and copies the whole data object again (encoding/json
// compacts what a Marshaler returns): a twelfth of a list's CPU (issue
// #20). A response without errors or extensions is written here as
// {"data":…} around the data gqlgen produced; every other request and
// response, including each refusal before execution, is gqlgen's own.
type postJSON struct {
	transport.POST
}

var _ graphql.Transport = postJSON{}

func (h postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		h.POST.Do(w, r, exec)
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		// gqlgen's answer to a body that does not decode, from the same
		// body; nothing has run yet.
		h.POST.Do(w, r, exec)
		return
	}
	ctx := r.Context()
	start := graphql.Now()
	contentType := responseContentType(r)
	w.Header().Set("Content-Type", contentType)
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	oc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		// As gqlgen's POST: a request that is not a valid operation is a
		// protocol error (400 or 422 by media type), others are 200.
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			if contentType == "application/graphql-response+json" {
				w.WriteHeader(http.StatusBadRequest)
			} else {
				w.WriteHeader(http.StatusUnprocessableEntity)
			}
		}
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
}

// writeResponse writes resp as gqlgen would, without encoding data again
// when it is all there is.
func writeResponse(w http.ResponseWriter, resp *graphql.Response) {
	if resp != nil && len(resp.Errors) == 0 && len(resp.Extensions) == 0 && resp.Label == "" &&
		resp.Path == nil && resp.HasNext == nil && len(resp.Data) > 0 {
		// Its length is known: without it, a response larger than
		// net/http's buffer is sent chunked, one more write to the
		// socket for the last chunk.
		w.Header().Set("Content-Length", strconv.Itoa(len(`{"data":}`)+len(resp.Data)))
		// Three writes rather than a copy: the ResponseWriter buffers.
		_, _ = io.WriteString(w, `{"data":`)
		_, _ = w.Write(resp.Data)
		_, _ = io.WriteString(w, "}")
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		// What gqlgen does too: data that does not encode is a bug.
		panic(err)
	}
	_, _ = w.Write(b)
}

// responseContentType is gqlgen's choice of response media type (its
// transport.POST without ResponseHeaders): application/json when the
// client accepts it first or accepts anything, else
// application/graphql-response+json.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case "application/graphql-response+json":
			return "application/graphql-response+json"
		}
	}
	return "application/graphql-response+json"
}
