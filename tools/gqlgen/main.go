// Command gqlgen is gqlgen's generator (`make generate`) with two more
// steps: plain fields are marshalled directly, and lists of objects are
// marshalled in one goroutine where nothing beneath them waits (see
// sequentialSource).
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
	n, lists, err := rewrite(cfg.Exec.Dir(), p.fields, p.lists)
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
	fmt.Printf("gqlgen: %d plain fields marshalled directly, %d lists of objects sequential where nothing waits\n", n, lists)
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
	// sequential is the Go source of graph/sequential.generated.go.
	sequential []byte
}

func (*plainFields) Name() string { return "plainfields" }

func (p *plainFields) GenerateCode(data *codegen.Data) error {
	p.fields, p.lists = map[string]string{}, map[string]string{}
	if len(data.AllDirectives.LocationDirectives(string(gqlast.LocationField))) > 0 {
		return nil // a client-side field directive would run in the middleware
	}
	p.sequential = sequentialSource(data)
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

// rewrite replaces, in dir's generated files, the body of each plain
// field's function by a direct call of its marshaller, and each list of
// objects' MarshalSliceConcurrently by marshalList; it returns how many
// fields and lists it rewrote. A function that does not have the shape it
// expects is an error, so a new gqlgen cannot slip past it.
func rewrite(dir string, fields, lists map[string]string) (int, int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return 0, 0, err
	}
	done, listsDone := map[string]bool{}, map[string]bool{}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return 0, 0, err
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return 0, 0, err
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
					return 0, 0, fmt.Errorf("%s: %s: %w", name, fn.Name.Name, err)
				}
				edits = append(edits, edit{
					from: fset.Position(call.Fun.Pos()).Offset,
					to:   fset.Position(call.Args[4].Pos()).Offset,
					text: "ec.marshalList(ctx, len(v), ec.sequential_" + object + "(sel), ",
				})
				listsDone[fn.Name.Name] = true
				continue
			}
			marshal, ok := fields[fn.Name.Name]
			if !ok {
				continue
			}
			value, err := plainValue(fn, marshal)
			if err != nil {
				return 0, 0, fmt.Errorf("%s: %s: %w", name, fn.Name.Name, err)
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
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(name, out, 0o644); err != nil {
			return 0, 0, err
		}
	}
	for fn := range fields {
		if !done[fn] {
			return 0, 0, fmt.Errorf("no generated function %s for a plain field", fn)
		}
	}
	for fn := range lists {
		if !listsDone[fn] {
			return 0, 0, fmt.Errorf("no generated function %s for a list of objects", fn)
		}
	}
	return len(done), len(listsDone), nil
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

func exprString(e ast.Expr) string {
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
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

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

// sequentialCandidate reports whether o gets a sequential_ function: the
// objects gqlgen marshals with an implementors list, roots and streams
// aside.
func sequentialCandidate(o *codegen.Object) bool {
	return !o.Root && !o.Stream && o.Kind == gqlast.Object
}
