// Command gqlgen is gqlgen's generator (`make generate`) with more steps:
// plain fields are marshalled directly, objects whose selection is all
// plain are written straight from their values, a list of them planned
// once (writerSource, with graph/plain), lists of objects are marshalled
// in one goroutine where nothing beneath them waits (sequentialSource),
// an object's @defer group is made only when a field is deferred
// (deferredGroups), and a response is written into a pooled buffer
// (dataMarshals).
//
//	go run ./tools/gqlgen [-config gqlgen.yml]
//
// gqlgen resolves every field the same way: a FieldContext, a context
// value, the field middleware chain, a panic handler and two boxings into
// `any`, about seven allocations, even for a field that only reads a
// string out of a struct. On a 50-row list that is most of the request
// (issue #20). A field is plain when nothing can happen on that path:
//
//   - it is a struct field, or a method without context, arguments or
//     error, of a non-root object;
//   - it has no resolver, no arguments and no runtime directive (so no
//     @access gate: visibility is untouched), and the schema has no
//     FIELD-location directive;
//   - its type is a non-null String, ID, Int, Boolean or enum held in a
//     Go value that cannot be nil, whose marshaller cannot fail.
//
// For each plain field the generated _Object_field function is rewritten
// to call the type's marshaller on the value. What that skips is the
// field middleware (server.New's one, AuditFields, acts on root fields
// only) and the panic handler (a field read cannot panic on a non-nil
// object). Everything else, including every gated field, keeps gqlgen's
// path.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/99designs/gqlgen/codegen/templates"
	gqlast "github.com/vektah/gqlparser/v2/ast"
)

func main() {
	configFile := flag.String("config", "gqlgen.yml", "gqlgen's configuration")
	verbose := flag.Bool("v", false, "show gqlgen's log, as `gqlgen -v` does")
	flag.Parse()
	if !*verbose {
		log.SetOutput(io.Discard)
	}
	if err := run(*configFile); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

func run(configFile string) error {
	cfg, err := config.LoadConfig(configFile)
	if err != nil {
		return err
	}
	p := &plainFields{}
	if err := api.Generate(cfg, api.AddPlugin(p)); err != nil {
		return err
	}
	sequentialFile := filepath.Join(cfg.Exec.Dir(), "sequential.generated.go")
	if p.sequential == nil {
		// The schema has a FIELD directive: gqlgen's code as it is.
		if err := os.Remove(sequentialFile); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	n, err := rewrite(cfg.Exec.Dir(), p)
	if err != nil {
		return err
	}
	src, err := format.Source(p.sequential)
	if err != nil {
		return fmt.Errorf("sequential.generated.go: %w", err)
	}
	if err := os.WriteFile(sequentialFile, src, 0o644); err != nil {
		return err
	}
	fmt.Printf("gqlgen: %d plain fields and %d plain object fields marshalled directly, %d objects and %d lists of objects written directly when all they select is plain, %d lists of objects sequential where nothing waits\n", n.fields, n.objects, n.writers, n.plainLists, n.lists)
	return nil
}

// plainFields is a gqlgen plugin that only looks: it records which fields
// are plain while gqlgen builds its data, before the code is written.
type plainFields struct {
	// fields maps a generated function's name (_Resource_code) to the
	// marshaller its field's type must use.
	fields map[string]string
	// lists maps the marshaller of a list of objects to the object's name.
	lists map[string]string
	// objects maps the function of a plain object field
	// (_Resource_sourceDepartment) to its type's marshaller and object.
	objects map[string]objectField
	// sequential is the Go source of graph/sequential.generated.go.
	sequential []byte
	// writers are the objects whose marshaller (_Object) first tries
	// writing a plain selection directly (writerSource).
	writers map[string]bool
	// plainLists maps a list marshaller to the function that first tries
	// writing the whole list directly (writerSource).
	plainLists map[string]string
	// direct maps marshallers the writers bypass to the graphql function
	// each must be calling.
	direct map[string]string
}

type objectField struct{ marshal, object string }

func (*plainFields) Name() string { return "plainfields" }

func (p *plainFields) GenerateCode(data *codegen.Data) error {
	p.fields, p.lists, p.objects = map[string]string{}, map[string]string{}, map[string]objectField{}
	if len(data.AllDirectives.LocationDirectives(string(gqlast.LocationField))) > 0 {
		return nil // a client-side field directive would run in the middleware
	}
	p.sequential = sequentialSource(data)
	writers, imports, err := writerSource(data)
	if err != nil {
		return err
	}
	p.writers, p.plainLists, p.direct = map[string]bool{}, writers.lists, writers.direct
	for _, o := range writers.objects {
		p.writers["_"+o] = true
	}
	for _, o := range data.Objects {
		for _, f := range o.Fields {
			if child := f.TypeReference.Definition.Name; plainObject(o, f) && p.writers["_"+child] {
				p.objects["_"+o.Name+"_"+f.Name] = objectField{marshal: f.TypeReference.MarshalFunc(), object: child}
			}
		}
	}
	extra := "\t\"sync\"\n\n\t\"github.com/citydata/catalogue/graph/plain\"\n"
	for _, path := range imports {
		extra += "\n\t" + strconv.Quote(path)
	}
	p.sequential = bytes.Replace(p.sequential, []byte("\t\"sync\"\n"), []byte(extra), 1)
	p.sequential = append(p.sequential, writers.src...)
	for _, ref := range data.ReferencedTypes {
		if ref.IsSlice() && ref.Definition != nil && ref.Definition.Kind == gqlast.Object && data.Objects.ByName(ref.Definition.Name) != nil {
			p.lists[ref.MarshalFunc()] = ref.Definition.Name
		}
	}
	for _, o := range data.Objects {
		for _, f := range o.Fields {
			if plain(o, f) {
				p.fields["_"+o.Name+"_"+f.Name] = f.TypeReference.MarshalFunc()
			}
		}
	}
	return nil
}

// safeScalars are the scalars whose marshallers never fail and never
// return null for a value (Float can fail on NaN; Time is null at zero).
var safeScalars = []string{"String", "ID", "Int", "Boolean"}

func plain(o *codegen.Object, f *codegen.Field) bool {
	if o.Root || o.Stream || o.Kind != gqlast.Object || strings.HasPrefix(o.Name, "__") || strings.HasPrefix(f.Name, "__") {
		return false
	}
	if f.IsResolver || len(f.Args) > 0 || f.HasDirectives() || f.IsBatch() || f.HasHaser {
		return false
	}
	switch {
	case f.IsVariable():
	case f.IsMethod() && !f.MethodHasContext && f.NoErr && !f.VOkFunc:
	default:
		return false
	}
	t := f.TypeReference
	if t == nil || t.GQL == nil || !t.GQL.NonNull || t.GQL.Elem != nil || t.IsNilable() || t.IsSlice() || t.IsPtr() {
		return false
	}
	switch t.Definition.Kind {
	case gqlast.Enum:
		return true
	case gqlast.Scalar:
		return slices.Contains(safeScalars, t.Definition.Name)
	}
	return false
}

// plainObject reports whether f is a plain object field: a read, as a
// plain field is (no resolver, arguments or directive), of a pointer to a
// non-root object (Resource.sourceDepartment). Its function is rewritten
// to write the object directly when the value is there and its selection
// is plain (plainSelection_<Object>): nothing beneath can then fail, so no
// error needs the field's path. Otherwise, a nil value or a
// selection reaching a resolver, gqlgen's path runs.
func plainObject(o *codegen.Object, f *codegen.Field) bool {
	if o.Root || o.Stream || o.Kind != gqlast.Object || strings.HasPrefix(o.Name, "__") || strings.HasPrefix(f.Name, "__") {
		return false
	}
	if f.IsResolver || len(f.Args) > 0 || f.HasDirectives() || f.IsBatch() || f.HasHaser || !f.IsVariable() {
		return false
	}
	t := f.TypeReference
	if t == nil || t.GQL == nil || t.GQL.Elem != nil || t.IsSlice() || !t.IsPtr() || t.Definition == nil || t.Definition.Kind != gqlast.Object {
		return false
	}
	return !strings.HasPrefix(t.Definition.Name, "__")
}

// rewrite replaces, in dir's generated files, the body of each plain
// field's function by a direct call of its marshaller, and each list of
// objects' MarshalSliceConcurrently by marshalList; it returns how many
// fields and lists it rewrote. A function that does not have the shape it
// expects is an error, so a new gqlgen cannot slip past it.
func rewrite(dir string, p *plainFields) (counts, error) {
	fields, lists := p.fields, p.lists
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return counts{}, err
	}
	done, listsDone, objectsDone, writersDone := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	plainListsDone, directDone := map[string]bool{}, map[string]bool{}
	groups, datas := 0, 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return counts{}, err
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return counts{}, err
		}
		type edit struct {
			from, to int
			text     string
		}
		var edits []edit
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil {
				continue
			}
			if object, ok := lists[fn.Name.Name]; ok {
				call, err := sliceCall(fn)
				if err != nil {
					return counts{}, fmt.Errorf("%s: %s: %w", name, fn.Name.Name, err)
				}
				edits = append(edits, edit{
					from: fset.Position(call.Fun.Pos()).Offset,
					to:   fset.Position(call.Args[4].Pos()).Offset,
					text: "ec.marshalList(ctx, len(v), ec.sequential_" + object + "(sel), ",
				})
				if plainList, ok := p.plainLists[fn.Name.Name]; ok {
					edits = append(edits, edit{
						from: fset.Position(fn.Body.Lbrace).Offset + 1,
						to:   fset.Position(fn.Body.Lbrace).Offset + 1,
						text: "\n// A list whose selection is plain for every element (tools/gqlgen): written directly.\n" +
							"if m, ok := ec." + plainList + "(ctx, sel, v); ok {\nreturn m\n}\n",
					})
					plainListsDone[fn.Name.Name] = true
				}
				listsDone[fn.Name.Name] = true
				continue
			}
			if want, ok := p.direct[fn.Name.Name]; ok {
				if err := marshalsWith(fn, want); err != nil {
					return counts{}, fmt.Errorf("%s: %s: %w", name, fn.Name.Name, err)
				}
				directDone[fn.Name.Name] = true
			}
			for _, c := range deferredGroups(fn) {
				edits = append(edits, edit{
					from: fset.Position(c.Pos()).Offset,
					to:   fset.Position(c.End()).Offset,
					text: "deferredGroup(ctx, fields)",
				})
				groups++
			}
			for _, c := range dataMarshals(fn) {
				edits = append(edits, edit{
					from: fset.Position(c.Pos()).Offset,
					to:   fset.Position(c.End()).Offset,
					text: "marshalData(&buf, " + exprString(c.Fun.(*ast.SelectorExpr).X) + ")",
				})
				datas++
			}
			if p.writers[fn.Name.Name] && len(deferredGroups(fn)) > 0 && len(fn.Type.Params.List) == 3 && exprString(fn.Type.Params.List[1].Type) == "ast.SelectionSet" {
				object := strings.TrimPrefix(fn.Name.Name, "_")
				edits = append(edits, edit{
					from: fset.Position(fn.Body.Lbrace).Offset + 1,
					to:   fset.Position(fn.Body.Lbrace).Offset + 1,
					text: "\n// A selection of plain fields only (tools/gqlgen): written directly.\n" +
						"if plan, ok := ec.plainSelection_" + object + "(sel, obj); ok {\nreturn ec.writer_" + object + "(ctx, plan, obj)\n}\n",
				})
				writersDone[fn.Name.Name] = true
			}
			if of, ok := p.objects[fn.Name.Name]; ok {
				value, err := plainValue(fn, of.marshal)
				if err != nil {
					return counts{}, fmt.Errorf("%s: %s: %w", name, fn.Name.Name, err)
				}
				edits = append(edits, edit{
					from: fset.Position(fn.Body.Lbrace).Offset + 1,
					to:   fset.Position(fn.Body.Lbrace).Offset + 1,
					text: "\n// A plain object field (tools/gqlgen): written directly when it is there and all it selects is plain.\n" +
						"if v := " + value + "; v != nil {\nif plan, ok := ec.plainSelection_" + of.object + "(field.Selections, v); ok {\nreturn ec.writer_" + of.object + "(ctx, plan, v)\n}\n}\n",
				})
				objectsDone[fn.Name.Name] = true
				continue
			}
			marshal, ok := fields[fn.Name.Name]
			if !ok {
				continue
			}
			value, err := plainValue(fn, marshal)
			if err != nil {
				return counts{}, fmt.Errorf("%s: %s: %w", name, fn.Name.Name, err)
			}
			edits = append(edits, edit{
				from: fset.Position(fn.Body.Lbrace).Offset,
				to:   fset.Position(fn.Body.Rbrace).Offset + 1,
				text: "{\n// A plain field (tools/gqlgen): marshalled directly.\nreturn ec." + marshal + "(ctx, field.Selections, " + value + ")\n}",
			})
			done[fn.Name.Name] = true
		}
		if len(edits) == 0 {
			continue
		}
		sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
		for _, e := range edits {
			src = append(src[:e.from:e.from], append([]byte(e.text), src[e.to:]...)...)
		}
		out, err := format.Source(src)
		if err != nil {
			return counts{}, fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(name, out, 0o644); err != nil {
			return counts{}, err
		}
	}
	for fn := range fields {
		if !done[fn] {
			return counts{}, fmt.Errorf("no generated function %s for a plain field", fn)
		}
	}
	for fn := range lists {
		if !listsDone[fn] {
			return counts{}, fmt.Errorf("no generated function %s for a list of objects", fn)
		}
	}
	for fn := range p.writers {
		if !writersDone[fn] {
			return counts{}, fmt.Errorf("no generated marshaller %s of the shape expected for a plain selection writer", fn)
		}
	}
	for fn := range p.plainLists {
		if !plainListsDone[fn] {
			return counts{}, fmt.Errorf("no generated list marshaller %s for a plain list writer", fn)
		}
	}
	for fn := range p.direct {
		if !directDone[fn] {
			return counts{}, fmt.Errorf("no generated marshaller %s, which plain selections write in place", fn)
		}
	}
	for fn := range p.objects {
		if !objectsDone[fn] {
			return counts{}, fmt.Errorf("no generated function %s for a plain object field", fn)
		}
	}
	if groups == 0 || datas == 0 {
		return counts{}, fmt.Errorf("found %d NewDeferredGroup calls in objects' functions and %d response marshals in Exec: gqlgen's code has changed", groups, datas)
	}
	return counts{fields: len(done), lists: len(listsDone), objects: len(objectsDone), writers: len(writersDone), plainLists: len(plainListsDone)}, nil
}

// counts are the functions rewrite rewrote, by kind.
type counts struct{ fields, lists, objects, writers, plainLists int }

// marshalsWith checks that marshaller fn is gqlgen's for a scalar that
// graph/plain writes in place: res := want(v) or want(T(v)), then the
// null check on res and return res; anything else (a marshaller that
// validates, say) means the writers no longer write what gqlgen does.
func marshalsWith(fn *ast.FuncDecl, want string) error {
	if len(fn.Body.List) != 3 && len(fn.Body.List) != 4 {
		return fmt.Errorf("%d statements, want res := %s(v), its null check and return", len(fn.Body.List), want)
	}
	var assign *ast.AssignStmt
	for _, st := range fn.Body.List {
		if a, ok := st.(*ast.AssignStmt); ok && len(a.Lhs) == 1 && exprString(a.Lhs[0]) == "res" {
			assign = a
		}
	}
	if assign == nil || len(assign.Rhs) != 1 {
		return fmt.Errorf("no res := %s(v)", want)
	}
	call, ok := assign.Rhs[0].(*ast.CallExpr)
	if !ok || exprString(call.Fun) != want || len(call.Args) != 1 {
		return fmt.Errorf("res is %s, not %s(v)", exprString(assign.Rhs[0]), want)
	}
	arg := call.Args[0]
	if conv, ok := arg.(*ast.CallExpr); ok && len(conv.Args) == 1 {
		arg = conv.Args[0]
	}
	if exprString(arg) != "v" {
		return fmt.Errorf("%s is not called on v", want)
	}
	if r, ok := fn.Body.List[len(fn.Body.List)-1].(*ast.ReturnStmt); !ok || len(r.Results) != 1 || exprString(r.Results[0]) != "res" {
		return fmt.Errorf("does not return res")
	}
	return nil
}

// deferredGroups returns the graphql.NewDeferredGroup(ctx) calls of an
// object's marshaller (fn's body starts fields := graphql.CollectFields).
// gqlgen makes a group for every object it marshals, @defer or not: the
// object's path, a field set and a map, three allocations per row of a
// list for a group that stays empty. They become deferredGroup(ctx,
// fields), which makes one only when a field is deferred.
func deferredGroups(fn *ast.FuncDecl) []*ast.CallExpr {
	if len(fn.Body.List) == 0 {
		return nil
	}
	first, ok := fn.Body.List[0].(*ast.AssignStmt)
	if !ok || len(first.Lhs) != 1 || exprString(first.Lhs[0]) != "fields" || len(first.Rhs) != 1 {
		return nil
	}
	if c, ok := first.Rhs[0].(*ast.CallExpr); !ok || exprString(c.Fun) != "graphql.CollectFields" {
		return nil
	}
	var found []*ast.CallExpr
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && exprString(c.Fun) == "graphql.NewDeferredGroup" && len(c.Args) == 1 && exprString(c.Args[0]) == "ctx" {
			found = append(found, c)
		}
		return true
	})
	return found
}

// dataMarshals returns the data.MarshalGQL(&buf) calls of the schema's
// Exec, where gqlgen writes a response's data into an empty bytes.Buffer
// that doubles its way up to the response's size (a 50-row list: 30 kB
// written, 64 kB allocated and cleared). They become marshalData(&buf,
// data), which writes into a pooled buffer and gives buf an exact copy.
func dataMarshals(fn *ast.FuncDecl) []*ast.CallExpr {
	if fn.Name.Name != "Exec" || exprString(fn.Recv.List[0].Type) != "*executableSchema" {
		return nil
	}
	var found []*ast.CallExpr
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || len(c.Args) != 1 || exprString(c.Args[0]) != "&buf" {
			return true
		}
		if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "MarshalGQL" {
			found = append(found, c)
		}
		return true
	})
	return found
}

// sliceCall returns the MarshalSliceConcurrently call of a list
// marshaller, checking it is gqlgen's: the list v, no worker limit, the
// panic handler on, and the per-element function.
func sliceCall(fn *ast.FuncDecl) (*ast.CallExpr, error) {
	var found []*ast.CallExpr
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && exprString(c.Fun) == "graphql.MarshalSliceConcurrently" {
			found = append(found, c)
		}
		return true
	})
	if len(found) != 1 {
		return nil, fmt.Errorf("%d MarshalSliceConcurrently calls, want 1", len(found))
	}
	c := found[0]
	if len(c.Args) != 5 || exprString(c.Args[0]) != "ctx" || exprString(c.Args[1]) != "len(v)" ||
		exprString(c.Args[2]) != "0" || exprString(c.Args[3]) != "false" {
		return nil, fmt.Errorf("MarshalSliceConcurrently is not called as (ctx, len(v), 0, false, …)")
	}
	if _, ok := c.Args[4].(*ast.FuncLit); !ok {
		return nil, fmt.Errorf("MarshalSliceConcurrently's last argument is not a function literal")
	}
	return c, nil
}

// plainValue checks that fn is gqlgen's ResolveField call for a field read
// (return obj.X or obj.X()) marshalled by marshal, and returns the read.
func plainValue(fn *ast.FuncDecl, marshal string) (string, error) {
	if len(fn.Body.List) != 1 {
		return "", fmt.Errorf("not a single return")
	}
	ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", fmt.Errorf("not a single return")
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || exprString(call.Fun) != "graphql.ResolveField" || len(call.Args) != 9 {
		return "", fmt.Errorf("not graphql.ResolveField with 9 arguments")
	}
	if id, ok := call.Args[5].(*ast.Ident); !ok || id.Name != "nil" {
		return "", fmt.Errorf("the field has a middleware chain")
	}
	read, ok := call.Args[4].(*ast.FuncLit)
	if !ok || len(read.Body.List) != 1 {
		return "", fmt.Errorf("the resolver is not one return")
	}
	r, ok := read.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(r.Results) != 2 || exprString(r.Results[1]) != "nil" {
		return "", fmt.Errorf("the resolver is not return value, nil")
	}
	value := r.Results[0]
	if c, ok := value.(*ast.CallExpr); ok {
		if len(c.Args) != 0 {
			return "", fmt.Errorf("the method takes arguments")
		}
		value = c.Fun
	}
	if sel, ok := value.(*ast.SelectorExpr); !ok || exprString(sel.X) != "obj" {
		return "", fmt.Errorf("the resolver does not read a field of obj")
	}
	m, ok := call.Args[6].(*ast.FuncLit)
	if !ok || len(m.Body.List) != 1 {
		return "", fmt.Errorf("the marshaller is not one return")
	}
	mr, ok := m.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(mr.Results) != 1 {
		return "", fmt.Errorf("the marshaller is not one return")
	}
	mc, ok := mr.Results[0].(*ast.CallExpr)
	if !ok || exprString(mc.Fun) != "ec."+marshal {
		return "", fmt.Errorf("the marshaller is not ec.%s", marshal)
	}
	return exprString(r.Results[0]), nil
}

func exprString(e ast.Node) string {
	var b bytes.Buffer
	if err := format.Node(&b, token.NewFileSet(), e); err != nil {
		return ""
	}
	return b.String()
}

// sequentialSource returns graph/sequential.generated.go: marshalList, and
// for each object a sequential_<Object> that tells, from a selection,
// whether marshalling it starts anything that waits. gqlgen marshals every
// element of a list of objects in a goroutine of its own, so that
// resolvers of sibling elements run together and their dataloaders batch.
// Where the selection has no resolver, no method taking a context and no
// directive, in the object or any object beneath it, nothing waits and
// nothing batches: the elements are marshalled one after another, without
// the goroutines (issue #20).
func sequentialSource(data *codegen.Data) []byte {
	var b bytes.Buffer
	b.WriteString(`// Code generated by tools/gqlgen. DO NOT EDIT.

package graph

import (
	"bytes"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// deferredGroup is graphql.NewDeferredGroup(ctx) when one of an object's
// fields is deferred, else an empty group, which ResolveConcurrently and
// ProcessDeferredGroup leave alone.
func deferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for _, f := range fields {
		if f.IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{}
}

// scratch holds the buffers responses are written into before
// marshalData copies them out.
var scratch = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxScratch bounds the buffers scratch keeps, so that one large
// response does not stay in memory.
const maxScratch = 1 << 20

// marshalData writes data into buf, which is empty: into a pooled buffer
// first, then one allocation of data's exact size (buf is reused as is
// when it is already large enough).
func marshalData(buf *bytes.Buffer, data graphql.Marshaler) {
	s := scratch.Get().(*bytes.Buffer)
	s.Reset()
	data.MarshalGQL(s)
	if buf.Cap() >= s.Len() {
		buf.Write(s.Bytes())
	} else {
		*buf = *bytes.NewBuffer(bytes.Clone(s.Bytes()))
	}
	if s.Cap() <= maxScratch {
		scratch.Put(s)
	}
}

// marshalList marshals the n elements of a list of objects: one after
// another when sequential, else as gqlgen does, a goroutine each.
func (ec *executionContext) marshalList(ctx context.Context, n int, sequential bool, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if !sequential || n <= 1 {
		return graphql.MarshalSliceConcurrently(ctx, n, 0, false, marshal)
	}
	ret := make(graphql.Array, n)
	for i := range n {
		ret[i] = marshalElement(ctx, i, marshal)
	}
	return ret
}

// marshalElement is MarshalSliceConcurrently's work for element i: its
// field context, and a panic recovered as the element's error.
func marshalElement(ctx context.Context, i int, marshal func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Marshaler) {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ret = graphql.Null
		}
	}()
	return marshal(ctx, i)
}
`)
	objects := slices.Clone(data.Objects)
	sort.Slice(objects, func(i, j int) bool { return objects[i].Name < objects[j].Name })
	for _, o := range objects {
		if !sequentialCandidate(o) {
			continue
		}
		var waits []string
		recurse := map[string]string{}
		for _, f := range o.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			def := f.TypeReference.Definition
			switch {
			case f.IsConcurrent() || f.IsResolver || f.MethodHasContext || f.HasDirectives() || f.IsBatch():
				waits = append(waits, f.Name)
			case def.Kind == gqlast.Interface || def.Kind == gqlast.Union:
				waits = append(waits, f.Name)
			case def.Kind == gqlast.Object:
				if child := data.Objects.ByName(def.Name); child != nil && sequentialCandidate(child) {
					recurse[f.Name] = child.Name
				} else {
					waits = append(waits, f.Name)
				}
			}
		}
		fmt.Fprintf(&b, "\n// sequential_%s reports whether marshalling sel on a %s starts nothing that waits.\n", o.Name, o.Name)
		fmt.Fprintf(&b, "func (ec *executionContext) sequential_%s(sel ast.SelectionSet) bool {\n", o.Name)
		if len(waits) == 0 && len(recurse) == 0 {
			b.WriteString("\t_ = sel\n\treturn true\n}\n")
			continue
		}
		fmt.Fprintf(&b, "\tfor _, f := range graphql.CollectFields(ec.OperationContext, sel, %sImplementors) {\n\t\tswitch f.Name {\n", templates.LcFirst(o.Name))
		if len(waits) > 0 {
			quoted := make([]string, len(waits))
			for i, w := range waits {
				quoted[i] = strconv.Quote(w)
			}
			fmt.Fprintf(&b, "\t\tcase %s:\n\t\t\treturn false\n", strings.Join(quoted, ", "))
		}
		names := make([]string, 0, len(recurse))
		for name := range recurse {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\tif !ec.sequential_%s(f.Selections) {\n\t\t\t\treturn false\n\t\t\t}\n", name, recurse[name])
		}
		b.WriteString("\t\t}\n\t}\n\treturn true\n}\n")
	}
	return b.Bytes()
}

// writers is writerSource's result.
type writers struct {
	src     []byte
	objects []string
	// lists maps a list marshaller (marshalNResource2ᚕ…) to the function
	// that writes the whole list when its selection is plain for every
	// element (plain_<marshaller>).
	lists map[string]string
	// direct maps the marshallers that write_<Object> functions bypass
	// (marshalNString2string) to the graphql function each must call, so
	// that rewrite can check gqlgen still marshals that way.
	direct map[string]string
}

// directWrites are the graphql marshallers write_<Object> writes in place,
// with graph/plain's function that writes the same bytes and the kind of
// Go value each takes.
var directWrites = map[string]struct {
	write string
	kind  types.BasicKind
}{
	"MarshalString":  {"plain.String(b, %s)", types.String},
	"MarshalID":      {"plain.String(b, %s)", types.String},
	"MarshalInt":     {"plain.Int(b, int64(%s))", types.Int},
	"MarshalInt32":   {"plain.Int(b, int64(%s))", types.Int32},
	"MarshalInt64":   {"plain.Int(b, %s)", types.Int64},
	"MarshalBoolean": {"plain.Bool(b, %s)", types.Bool},
}

// directWrite returns the statement writing plain field f in place,
// and the graphql marshaller it replaces; ok is false when the field's
// type marshals in another way (its own MarshalGQL, a map of enum
// values), which write_<Object> then calls.
func directWrite(f *codegen.Field) (stmt, marshaller string, ok bool) {
	t := f.TypeReference
	if t.Marshaler == nil || t.IsMarshaler || t.IsContext || len(t.EnumValues) > 0 || t.Marshaler.Pkg() == nil ||
		t.Marshaler.Pkg().Path() != "github.com/99designs/gqlgen/graphql" {
		return "", "", false
	}
	d, known := directWrites[t.Marshaler.Name()]
	if !known {
		return "", "", false
	}
	basic, isBasic := t.GO.Underlying().(*types.Basic)
	if !isBasic || basic.Kind() != d.kind {
		return "", "", false
	}
	value := "obj." + f.GoFieldName
	if f.IsMethod() {
		value += "()"
	}
	if _, named := t.GO.(*types.Named); named {
		// An enum's Go type (domain.ShareType), or another named type.
		value = basic.Name() + "(" + value + ")"
	}
	return fmt.Sprintf(d.write, value), "graphql." + t.Marshaler.Name(), true
}

// writerSource returns, for each object, plan_<Object>, holds_, write_,
// writer_ and plainSelection_, and for each list of objects plain_<its
// marshaller>: an object whose selection holds only plain fields (and
// __typename), none deferred, and plain object fields whose values are
// there with selections as plain, is written as JSON straight from its Go
// value, the way gqlgen's field set writes it, instead of through a field
// set, a @defer group and a value per field. Nothing in such a selection
// can fail or wait, so nothing needs a field's context or path.
//
// plan_ checks a selection and makes its JSON keys once (graph/plain.Plan);
// holds_ checks an object's values against it (a nil object field makes
// gqlgen's path run); write_ writes. A list is checked and planned once,
// not per element, and written without an element's field context: a
// 50-row list collected each row's fields three times and made a field
// context and a marshaller per row and per field. It also returns the
// import paths the functions' types need.
func writerSource(data *codegen.Data) (writers, []string, error) {
	execPath := data.Config.Exec.ImportPath()
	imports := map[string]string{} // path → name
	var failed error
	qualifier := func(pkg *types.Package) string {
		if pkg.Path() == execPath {
			return ""
		}
		for path, name := range imports {
			if name == pkg.Name() && path != pkg.Path() && failed == nil {
				failed = fmt.Errorf("packages %s and %s are both named %s", path, pkg.Path(), name)
			}
		}
		imports[pkg.Path()] = pkg.Name()
		return pkg.Name()
	}
	objects := slices.Clone(data.Objects)
	sort.Slice(objects, func(i, j int) bool { return objects[i].Name < objects[j].Name })
	candidate := map[string]*codegen.Object{}
	for _, o := range objects {
		// Introspection's objects have no plain fields (plain): nothing to write.
		if _, named := o.Type.(*types.Named); sequentialCandidate(o) && named && !strings.HasPrefix(o.Name, "__") {
			candidate[o.Name] = o
		}
	}
	var b bytes.Buffer
	out := writers{lists: map[string]string{}, direct: map[string]string{}}
	for _, o := range objects {
		if candidate[o.Name] == nil {
			continue
		}
		typ := types.TypeString(o.Reference(), qualifier)
		impl := templates.LcFirst(o.Name) + "Implementors"
		scalars := []string{strconv.Quote("__typename")}
		var nested []*codegen.Field
		for _, f := range o.Fields {
			switch {
			case plain(o, f):
				scalars = append(scalars, strconv.Quote(f.Name))
			case plainObject(o, f) && candidate[f.TypeReference.Definition.Name] != nil:
				nested = append(nested, f)
			}
		}
		nestedNames := make([]string, len(nested))
		for i, f := range nested {
			nestedNames[i] = strconv.Quote(f.Name)
		}

		fmt.Fprintf(&b, "\n// plan_%s is sel on a %s planned for writing (tools/gqlgen: writerSource), nil when a field in it is not plain or is deferred.\n", o.Name, o.Name)
		fmt.Fprintf(&b, "func (ec *executionContext) plan_%s(sel ast.SelectionSet) *plain.Plan {\n", o.Name)
		fmt.Fprintf(&b, "\tfields := graphql.CollectFields(ec.OperationContext, sel, %s)\n\tfor _, f := range fields {\n", impl)
		fmt.Fprintf(&b, "\t\tif f.IsDeferred() {\n\t\t\treturn nil\n\t\t}\n\t\tswitch f.Name {\n\t\tcase %s:\n", strings.Join(append(scalars, nestedNames...), ", "))
		b.WriteString("\t\tdefault:\n\t\t\treturn nil\n\t\t}\n\t}\n")
		if len(nested) == 0 {
			b.WriteString("\treturn plain.NewPlan(fields, false)\n}\n")
		} else {
			b.WriteString("\tp := plain.NewPlan(fields, true)\n\tfor i, f := range fields {\n\t\tswitch f.Name {\n")
			for _, f := range nested {
				fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\tif p.Nested[i] = ec.plan_%s(f.Selections); p.Nested[i] == nil {\n\t\t\t\treturn nil\n\t\t\t}\n", f.Name, f.TypeReference.Definition.Name)
			}
			b.WriteString("\t\t}\n\t}\n\treturn p\n}\n")
		}

		fmt.Fprintf(&b, "\n// holds_%s reports whether obj has a value for each object field p selects, and each value holds its plan.\n", o.Name)
		fmt.Fprintf(&b, "func (ec *executionContext) holds_%s(p *plain.Plan, obj %s) bool {\n", o.Name, typ)
		if len(nested) == 0 {
			b.WriteString("\t_, _ = p, obj\n\treturn true\n}\n")
		} else {
			b.WriteString("\tfor i, f := range p.Fields {\n\t\tswitch f.Name {\n")
			for _, f := range nested {
				fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\tif obj.%s == nil || !ec.holds_%s(p.Nested[i], obj.%s) {\n\t\t\t\treturn false\n\t\t\t}\n", f.Name, f.GoFieldName, f.TypeReference.Definition.Name, f.GoFieldName)
			}
			b.WriteString("\t\t}\n\t}\n\treturn true\n}\n")
		}

		fmt.Fprintf(&b, "\n// plainSelection_%s returns sel's plan when it is plain and obj holds it.\n", o.Name)
		fmt.Fprintf(&b, "func (ec *executionContext) plainSelection_%s(sel ast.SelectionSet, obj %s) (*plain.Plan, bool) {\n", o.Name, typ)
		fmt.Fprintf(&b, "\tp := ec.plan_%s(sel)\n\treturn p, p != nil && ec.holds_%s(p, obj)\n}\n", o.Name, o.Name)

		fmt.Fprintf(&b, "\n// writer_%s writes obj by p (plainSelection_%s's).\n", o.Name, o.Name)
		fmt.Fprintf(&b, "func (ec *executionContext) writer_%s(ctx context.Context, p *plain.Plan, obj %s) graphql.Marshaler {\n", o.Name, typ)
		fmt.Fprintf(&b, "\treturn plain.Writer(func(b *bytes.Buffer) { ec.write_%s(ctx, b, p, obj) })\n}\n", o.Name)

		fmt.Fprintf(&b, "\nfunc (ec *executionContext) write_%s(ctx context.Context, b *bytes.Buffer, p *plain.Plan, obj %s) {\n", o.Name, typ)
		b.WriteString("\tb.WriteByte('{')\n\tfor i, f := range p.Fields {\n\t\tkey := p.Key(i)\n\t\tif key == \"\" {\n\t\t\tcontinue\n\t\t}\n\t\tb.WriteString(key)\n\t\tswitch f.Name {\n")
		fmt.Fprintf(&b, "\t\tcase \"__typename\":\n\t\t\tb.WriteString(%q)\n", strconv.Quote(o.Name))
		for _, f := range o.Fields {
			if !plain(o, f) {
				continue
			}
			if stmt, marshaller, ok := directWrite(f); ok {
				fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\t%s\n", f.Name, stmt)
				out.direct[f.TypeReference.MarshalFunc()] = marshaller
			} else {
				fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\tec._%s_%s(ctx, f, obj).MarshalGQL(b)\n", f.Name, o.Name, f.Name)
			}
		}
		for _, f := range nested {
			fmt.Fprintf(&b, "\t\tcase %q:\n\t\t\tec.write_%s(ctx, b, p.Nested[i], obj.%s)\n", f.Name, f.TypeReference.Definition.Name, f.GoFieldName)
		}
		b.WriteString("\t\t}\n\t}\n\tb.WriteByte('}')\n}\n")
		out.objects = append(out.objects, o.Name)
	}
	refs := make([]string, 0, len(data.ReferencedTypes))
	for key := range data.ReferencedTypes {
		refs = append(refs, key)
	}
	sort.Strings(refs)
	for _, key := range refs {
		ref := data.ReferencedTypes[key]
		if !ref.IsSlice() || ref.Definition == nil || candidate[ref.Definition.Name] == nil {
			continue
		}
		o := candidate[ref.Definition.Name]
		slice, ok := ref.GO.(*types.Slice)
		if !ok {
			continue
		}
		var elem, check string
		switch {
		case types.Identical(slice.Elem(), o.Reference()):
			elem = "v[i]"
			if _, isPtr := slice.Elem().(*types.Pointer); isPtr {
				check = "v[i] == nil || "
			}
		case types.Identical(types.NewPointer(slice.Elem()), o.Reference()):
			elem = "&v[i]"
		default:
			continue
		}
		fn := "plain_" + ref.MarshalFunc()
		out.lists[ref.MarshalFunc()] = fn
		fmt.Fprintf(&b, "\n// %s writes v when sel is plain for each element: planned once, each element checked, then written.\n", fn)
		fmt.Fprintf(&b, "func (ec *executionContext) %s(ctx context.Context, sel ast.SelectionSet, v %s) (graphql.Marshaler, bool) {\n", fn, types.TypeString(ref.GO, qualifier))
		fmt.Fprintf(&b, "\tif v == nil {\n\t\treturn nil, false\n\t}\n\tp := ec.plan_%s(sel)\n\tif p == nil {\n\t\treturn nil, false\n\t}\n", o.Name)
		fmt.Fprintf(&b, "\tfor i := range v {\n\t\tif %s!ec.holds_%s(p, %s) {\n\t\t\treturn nil, false\n\t\t}\n\t}\n", check, o.Name, elem)
		b.WriteString("\treturn plain.Writer(func(b *bytes.Buffer) {\n\t\tb.WriteByte('[')\n\t\tfor i := range v {\n\t\t\tif i > 0 {\n\t\t\t\tb.WriteByte(',')\n\t\t\t}\n")
		fmt.Fprintf(&b, "\t\t\tec.write_%s(ctx, b, p, %s)\n\t\t}\n\t\tb.WriteByte(']')\n\t}), true\n}\n", o.Name, elem)
	}
	if failed != nil {
		return writers{}, nil, failed
	}
	out.src = b.Bytes()
	paths := make([]string, 0, len(imports))
	for path := range imports {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	return out, paths, nil
}

// sequentialCandidate reports whether o gets a sequential_ function: the
// objects gqlgen marshals with an implementors list, roots and streams
// aside.
func sequentialCandidate(o *codegen.Object) bool {
	return !o.Root && !o.Stream && o.Kind == gqlast.Object
}
