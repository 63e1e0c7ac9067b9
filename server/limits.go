package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citydata/catalogue/domain"
)

// Limits bound what one request may ask for (OWASP's GraphQL cheat sheet,
// with GraphQL Armor's defaults as a guide). A limit of zero or less is not
// checked; start from DefaultLimits.
//
// There is no batch limit: the server offers no batching (a JSON array
// body is refused by the transport).
type Limits struct {
	// MaxDepth bounds the number of fields on the longest path of the
	// operation, fragments expanded: { a { b } } has depth 2. Introspection
	// counts too, except __Type.ofType (see operationStats).
	MaxDepth int
	// MaxCost bounds the operation's cost: each field costs 1, times the
	// sizes of the lists above it. The nodes and edges of a connection hold
	// its page, `first` (20 when absent, as in the resolvers); totalCount
	// and pageInfo are counted once. Any other list field (dataItems,
	// themeDatabases, departments, ...) counts as 10, and _entities as its
	// number of representations, except from the federation gateway (see
	// MaxEntities). Introspection is not priced: it is gated,
	// bounded by the schema, and gqlparser's MaxIntrospectionDepth rule
	// stops it recursing.
	MaxCost int
	// MaxEntities bounds the representations one _entities field takes.
	// A request carrying the gateway secret is the gateway's batch, the
	// references of many of its clients' rows resolved in one statement
	// per key: its _entities is priced as one entity, not times its
	// representations, so MaxCost bounds the selection and MaxEntities the
	// batch. The gateway applies its own limits to its clients' operations.
	MaxEntities int
	// MaxAliases bounds the aliased fields, fragments expanded.
	MaxAliases int
	// MaxTokens bounds the tokens the parser reads from the query.
	MaxTokens int
	// MaxBodyBytes bounds the request body; see LimitBody.
	MaxBodyBytes int64
	// MaxUploadBytes bounds a multipart request (evidence files, the
	// GraphQL multipart request spec); see LimitBody.
	MaxUploadBytes int64
}

// DefaultLimits returns the limits the service runs with.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:     12,
		MaxCost:      20000,
		MaxEntities:  2000,
		MaxAliases:   30,
		MaxTokens:    5000,
		MaxBodyBytes: 1 << 20,
		// Every evidence file a report may carry at its largest, and room
		// for the operation.
		MaxUploadBytes: domain.MaxEvidenceFiles*domain.MaxEvidenceFileBytes + 1<<20,
	}
}

const (
	// defaultPageSize is what a connection field's `first` is when the
	// query leaves it out (the schema's default, and the resolvers').
	defaultPageSize = 20
	// listSize is what a list field without `first` is assumed to hold.
	listSize = 10
)

var registerCodes sync.Once

// Harden applies l to srv, turns field suggestions off unless dev, gates
// introspection and refuses mutations to viewers who may change nothing
// (domain.MayMutate: auditors). __schema, __type and federation's _service
// are answered only when dev is true or mayIntrospect(ctx) says so
// (mayIntrospect may be nil: nobody). __typename is always allowed.
//
// Refusals come before execution, as errors with extensions.code
// BAD_USER_INPUT (a limit; the message names it, the query's value and the
// limit, e.g. "query depth 14 exceeds the limit of 12") or FORBIDDEN
// (introspection, a mutation by an auditor). The token limit is the parser's own and fails with
// GRAPHQL_PARSE_FAILED ("exceeded token limit of 5000"). Both codes are
// registered with gqlgen as request (protocol) errors so that the transports
// answer them with a 4xx status as they do parse and validation errors;
// wrap the handler in GraphQLOverHTTP to get the status codes of the
// GraphQL-over-HTTP spec (200 under application/json, 400 or 403 under
// application/graphql-response+json).
//
// Call Harden after GraphQL, which adds extension.Introspection: Harden's
// extension runs after it and has the last word on introspection.
//
// refused, when not nil, hears of each mutation refused before it runs
// (its root fields), so the refusal is audited like any other.
//
// fromGateway (may be nil: never) tells a request from the federation
// gateway, whose _entities is priced as one batch (Limits.MaxEntities).
// Every request's _entities representations are checked before they are
// resolved (checkEntities): a malformed one is BAD_USER_INPUT.
func Harden(srv *handler.Server, l Limits, dev bool, mayIntrospect, fromGateway func(ctx context.Context) bool, refused func(ctx context.Context, action string, err error)) {
	if l.MaxTokens > 0 {
		srv.SetParserTokenLimit(l.MaxTokens)
	}
	srv.SetDisableSuggestion(!dev)
	registerCodes.Do(func() {
		errcode.RegisterErrorType(string(domain.EInvalid), errcode.KindProtocol)
		errcode.RegisterErrorType(string(domain.EForbidden), errcode.KindProtocol)
	})
	srv.Use(&guard{limits: l, dev: dev, mayIntrospect: mayIntrospect, fromGateway: fromGateway, refused: refused})
}

// guard is the gqlgen extension that checks each operation, after parsing
// and validation and with its variables coerced, before it executes.
type guard struct {
	limits        Limits
	dev           bool
	mayIntrospect func(ctx context.Context) bool
	fromGateway   func(ctx context.Context) bool
	refused       func(ctx context.Context, action string, err error)
	schema        *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*guard)(nil)

func (g *guard) ExtensionName() string { return "Harden" }

func (g *guard) Validate(es graphql.ExecutableSchema) error {
	g.schema = es.Schema()
	return nil
}

func (g *guard) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil && oc.Doc != nil {
		op = oc.Doc.Operations.ForName(oc.OperationName)
	}
	if op == nil {
		return nil // gqlgen has refused it already
	}
	if op.Operation == ast.Mutation {
		if err := domain.MayMutate(domain.ViewerFrom(ctx)); err != nil {
			if g.refused != nil {
				var fields []string
				for _, s := range op.SelectionSet {
					if f, ok := s.(*ast.Field); ok {
						fields = append(fields, f.Name)
					}
				}
				g.refused(ctx, strings.Join(fields, ","), err)
			}
			return refusal(domain.ErrorCode(err), domain.ErrorMessage(err))
		}
	}
	if op.Operation == ast.Subscription && !onWebsocket(ctx) {
		// Over HTTP a subscription would hold the request open until its
		// first event; it streams only on a websocket.
		return refusal(domain.EInvalid, "subscriptions are served over a websocket (graphql-transport-ws) at /graphql, not over HTTP")
	}
	gateway := g.fromGateway != nil && g.fromGateway(ctx)
	st := operationStats(g.schema, oc.Doc, op, oc.Variables, gateway)

	// SECURITY: introspection (and federation's SDL) only for development,
	// the data authority and auditors; extension.Introspection, added by
	// GraphQL, has turned it on for everyone, so this decides it.
	allowed := g.dev || (st.introspects && g.mayIntrospect != nil && g.mayIntrospect(ctx))
	oc.DisableIntrospection = !allowed
	if st.introspects && !allowed {
		return refusal(domain.EForbidden, "introspection (__schema, __type, _service) is only for the data authority and auditors; development mode allows it to all")
	}

	if err := checkEntities(g.schema, oc.Doc, op, oc.Variables); err != nil {
		return err
	}

	l := g.limits
	switch {
	case l.MaxEntities > 0 && st.entities > l.MaxEntities:
		return refusal(domain.EInvalid, fmt.Sprintf("_entities has %d representations, more than the limit of %d: send them in smaller batches", st.entities, l.MaxEntities))
	case l.MaxDepth > 0 && st.depth > l.MaxDepth:
		return refusal(domain.EInvalid, fmt.Sprintf("query depth %d exceeds the limit of %d", st.depth, l.MaxDepth))
	case l.MaxAliases > 0 && st.aliases > l.MaxAliases:
		return refusal(domain.EInvalid, fmt.Sprintf("query alias count %d exceeds the limit of %d", st.aliases, l.MaxAliases))
	case l.MaxCost > 0 && st.cost > l.MaxCost:
		return refusal(domain.EInvalid, fmt.Sprintf("query cost %d exceeds the limit of %d (each field costs 1, times the page sizes (first) and list sizes above it: ask for smaller pages or fewer nested lists)", st.cost, l.MaxCost))
	}
	return nil
}

func refusal(code domain.Code, msg string) *gqlerror.Error {
	err := &gqlerror.Error{Message: msg}
	errcode.Set(err, string(code))
	return err
}

// stats sums up a selection set, relative to where it stands: cost as if
// the lists above it held one element, depth counted from its fields.
// pageCost is the cost inside a connection's nodes and edges, which the
// connection field multiplies by its page size.
type stats struct {
	cost        int
	pageCost    int
	depth       int
	aliases     int
	introspects bool
	// entities is the largest number of representations of one _entities.
	entities int
}

// operationStats measures op. Named fragments are expanded where they are
// spread, but each is measured once: its stats do not depend on where it is
// spread (its cost scales with the sizes above the spread), so a document
// that spreads fragments within fragments cannot make the walk exponential.
//
// __Type.ofType adds no depth: a type reference's chain of list and
// non-null wrappers is bounded by the schema, and the standard introspection
// query (graphql-js's, which GraphiQL sends) nests it nine deep, which would
// put it at depth 15; every other introspection field counts, so recursion
// through fields, types or interfaces does.
//
// batchEntities prices _entities as one entity, whatever its number of
// representations (the gateway's batch; see Limits.MaxEntities).
func operationStats(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, batchEntities bool) stats {
	w := &statsWalker{schema: schema, doc: doc, vars: vars, batchEntities: batchEntities, fragments: map[fragmentKey]*stats{}}
	return w.selectionSet(op.SelectionSet, false)
}

type statsWalker struct {
	schema        *ast.Schema
	doc           *ast.QueryDocument
	vars          map[string]any
	batchEntities bool
	fragments     map[fragmentKey]*stats // nil entry: being measured (a cycle, which validation refuses)
}

type fragmentKey struct {
	name            string
	inIntrospection bool
}

func (w *statsWalker) selectionSet(set ast.SelectionSet, inIntrospection bool) stats {
	var s stats
	for _, sel := range set {
		var c stats
		switch sel := sel.(type) {
		case *ast.Field:
			c = w.field(sel, inIntrospection)
		case *ast.InlineFragment:
			c = w.selectionSet(sel.SelectionSet, inIntrospection)
		case *ast.FragmentSpread:
			c = w.fragment(sel, inIntrospection)
		}
		s.cost = addSat(s.cost, c.cost)
		s.pageCost = addSat(s.pageCost, c.pageCost)
		s.depth = max(s.depth, c.depth)
		s.aliases = addSat(s.aliases, c.aliases)
		s.introspects = s.introspects || c.introspects
		s.entities = max(s.entities, c.entities)
	}
	return s
}

func (w *statsWalker) fragment(spread *ast.FragmentSpread, inIntrospection bool) stats {
	key := fragmentKey{spread.Name, inIntrospection}
	if s, seen := w.fragments[key]; seen {
		if s == nil {
			return stats{}
		}
		return *s
	}
	w.fragments[key] = nil
	var s stats
	if def := w.fragmentDef(spread); def != nil {
		s = w.selectionSet(def.SelectionSet, inIntrospection)
	}
	w.fragments[key] = &s
	return s
}

func (w *statsWalker) fragmentDef(spread *ast.FragmentSpread) *ast.FragmentDefinition {
	if spread.Definition != nil {
		return spread.Definition
	}
	if w.doc != nil {
		return w.doc.Fragments.ForName(spread.Name)
	}
	return nil
}

func (w *statsWalker) field(f *ast.Field, inIntrospection bool) stats {
	s := stats{depth: 1}
	if f.Alias != "" && f.Alias != f.Name {
		s.aliases = 1
	}
	switch {
	case f.Name == "__schema" || f.Name == "__type":
		s.introspects = true
		inIntrospection = true
	case f.Name == "_service" && w.isQueryRoot(f.ObjectDefinition):
		s.introspects = true
	}
	if !inIntrospection {
		s.cost = 1
	}
	if w.isEntities(f) {
		s.entities = w.representations(f)
	}
	if len(f.SelectionSet) == 0 {
		return s
	}
	c := w.selectionSet(f.SelectionSet, inIntrospection)
	if inIntrospection && f.Name == "ofType" {
		s.depth = c.depth
	} else {
		s.depth = addSat(1, c.depth)
	}
	s.aliases = addSat(s.aliases, c.aliases)
	s.introspects = s.introspects || c.introspects
	s.entities = max(s.entities, c.entities)
	if inIntrospection {
		return s
	}
	switch {
	case w.isPage(f):
		// The list of a connection: its size is the connection's page.
		s.pageCost = addSat(c.cost, c.pageCost)
	case f.Definition != nil && f.Definition.Arguments.ForName("first") != nil:
		// A connection: its page multiplies what its nodes and edges hold.
		s.cost = addSat(s.cost, addSat(c.cost, mulSat(w.pageSize(f), c.pageCost)))
	default:
		s.cost = addSat(s.cost, mulSat(w.size(f), addSat(c.cost, c.pageCost)))
	}
	return s
}

// isPage tells a connection's nodes and edges.
func (w *statsWalker) isPage(f *ast.Field) bool {
	return (f.Name == "nodes" || f.Name == "edges") && f.ObjectDefinition != nil &&
		strings.HasSuffix(f.ObjectDefinition.Name, "Connection")
}

func (w *statsWalker) isQueryRoot(def *ast.Definition) bool {
	return def != nil && w.schema != nil && w.schema.Query != nil && def.Name == w.schema.Query.Name
}

func (w *statsWalker) isEntities(f *ast.Field) bool {
	return f.Name == "_entities" && w.isQueryRoot(f.ObjectDefinition)
}

// representations is how many representations an _entities field takes.
func (w *statsWalker) representations(f *ast.Field) int {
	reps, _ := w.argValue(f, "representations").([]any)
	return len(reps)
}

// pageSize is a connection field's `first`, its default when absent.
func (w *statsWalker) pageSize(f *ast.Field) int {
	argDef := f.Definition.Arguments.ForName("first")
	if n, ok := w.intArg(f, argDef); ok {
		return max(n, 0)
	}
	return defaultPageSize
}

// size is how many times a field that is not a connection resolves its
// selection set.
func (w *statsWalker) size(f *ast.Field) int {
	def := f.Definition
	if def == nil {
		return 1
	}
	if w.isEntities(f) {
		if w.batchEntities {
			return 1
		}
		return w.representations(f)
	}
	if def.Type != nil && def.Type.Elem != nil {
		return listSize
	}
	return 1
}

// intArg is f's argument argDef as an int, from the query, its variables
// or the argument's default.
func (w *statsWalker) intArg(f *ast.Field, argDef *ast.ArgumentDefinition) (int, bool) {
	v := w.argValue(f, argDef.Name)
	if v == nil && argDef.DefaultValue != nil && f.Arguments.ForName(argDef.Name) == nil {
		v, _ = argDef.DefaultValue.Value(w.vars)
	}
	return toInt(v)
}

func (w *statsWalker) argValue(f *ast.Field, name string) any {
	arg := f.Arguments.ForName(name)
	if arg == nil {
		return nil
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil {
		return nil
	}
	return v
}

func toInt(v any) (int, bool) {
	var n int64
	switch v := v.(type) {
	case int:
		return v, true
	case int32:
		n = int64(v)
	case int64:
		n = v
	case float64:
		if math.IsNaN(v) {
			return 0, false
		}
		n = int64(max(min(v, math.MaxInt32), math.MinInt32))
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			return 0, false
		}
		n = i
	case string:
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		n = i
	default:
		return 0, false
	}
	return int(max(min(n, math.MaxInt32), math.MinInt32)), true
}

// addSat and mulSat saturate instead of overflowing, so no query can wrap
// its cost around to a small number.
func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func mulSat(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

// LimitBody refuses a request whose body is larger than max bytes with 413
// and a GraphQL-shaped error (extensions.code BAD_USER_INPUT, the message
// says the limit), before next sees it. gqlgen reads the body whole, and
// answers a read error with 200, so the body is read here, through
// http.MaxBytesReader, and handed on in memory. max <= 0 means no limit.
//
// A multipart request (file uploads) is bounded by maxUpload instead and
// streamed, not held: gqlgen's multipart transport spills large files to
// temporary files.
func LimitBody(max, maxUpload int64, next http.Handler) http.Handler {
	if max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" && maxUpload > 0 {
			if r.ContentLength > maxUpload {
				writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, domain.EInvalid, bodyTooLarge(maxUpload))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, domain.EInvalid, bodyTooLarge(max))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, domain.EInvalid, bodyTooLarge(max))
				return
			}
			writeGraphQLError(w, r, http.StatusBadRequest, domain.EInvalid, "could not read the request body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// signedInUploads refuses a multipart request (evidence files) from a
// viewer without a token before gqlgen reads its parts: only signed-in
// persons and departments report data errors, so nobody else may make the
// server read up to the upload limit.
func signedInUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" &&
			domain.ViewerFrom(r.Context()).Role == domain.RolePublic {
			writeGraphQLError(w, r, http.StatusUnauthorized, domain.EUnauthenticated,
				"file uploads need a token: sign in to report a data error with evidence")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func bodyTooLarge(max int64) string {
	return fmt.Sprintf("request body exceeds the limit of %s", formatBytes(max))
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
