package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citydata/catalogue/domain"
)

// Federation's _entities takes representations typed _Any: GraphQL
// validation lets any object through, and gqlgen's generated resolver
// answers a malformed one with an untyped error (INTERNAL to the client)
// or skips it. checkEntities holds each representation to the federation
// spec before anything runs, so a gateway (or a person testing one) gets
// BAD_USER_INPUT saying which representation is wrong and how:
//
//   - it is an object with a string __typename,
//   - naming a type of this subgraph that is an entity (has @key),
//   - whose other fields are all key fields of that type (the catalogue
//     declares no @external fields, so no @requires data is ever sent),
//     none of them null, strings where the key is an ID or a String,
//   - and which carries at least one of its keys whole.
//
// A representation that passes but names no row, or a row the viewer may
// not see, resolves to null (resolvers/entity.go).

// entityKeys are an entity's @key field sets, in schema order.
type entityKeys [][]string

// fields lists every field of any key, once, in order.
func (k entityKeys) fields() []string {
	var out []string
	for _, key := range k {
		for _, f := range key {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// describe says the keys as a person would send them: "id or code".
func (k entityKeys) describe() string {
	alts := make([]string, len(k))
	for i, key := range k {
		alts[i] = strings.Join(key, " and ")
	}
	return strings.Join(alts, " or ")
}

// keysOf returns def's @key field sets; none when def is not an entity.
// Keys are flat field lists here (the catalogue has no nested keys).
func keysOf(def *ast.Definition) entityKeys {
	var keys entityKeys
	for _, d := range def.Directives.ForNames("key") {
		arg := d.Arguments.ForName("fields")
		if arg == nil || arg.Value == nil {
			continue
		}
		if fs := strings.Fields(arg.Value.Raw); len(fs) > 0 {
			keys = append(keys, fs)
		}
	}
	return keys
}

// entityTypes lists the schema's entities by name, sorted.
func entityTypes(schema *ast.Schema) []string {
	var names []string
	for name, def := range schema.Types {
		if def.Kind == ast.Object && len(keysOf(def)) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// checkEntities checks the representations of every _entities field at
// the root of op (fragments included) against schema; nil when all pass.
func checkEntities(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) *gqlerror.Error {
	if schema == nil || op.Operation != ast.Query {
		return nil
	}
	for _, f := range rootFields(doc, op.SelectionSet, map[string]bool{}) {
		if f.Name != "_entities" {
			continue
		}
		arg := f.Arguments.ForName("representations")
		if arg == nil {
			continue // validation has refused it
		}
		v, err := arg.Value.Value(vars)
		if err != nil {
			continue // nor can the executor read it: gqlgen answers
		}
		reps, _ := v.([]any)
		for i, rep := range reps {
			if msg := checkRepresentation(schema, rep); msg != "" {
				return refusal(domain.EInvalid, fmt.Sprintf("_entities: representations[%d] %s", i, msg))
			}
		}
	}
	return nil
}

// rootFields lists the fields of a root selection set, through inline
// fragments and fragment spreads (each spread once).
func rootFields(doc *ast.QueryDocument, set ast.SelectionSet, spread map[string]bool) []*ast.Field {
	var out []*ast.Field
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			out = append(out, sel)
		case *ast.InlineFragment:
			out = append(out, rootFields(doc, sel.SelectionSet, spread)...)
		case *ast.FragmentSpread:
			if spread[sel.Name] {
				continue
			}
			spread[sel.Name] = true
			def := sel.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(sel.Name)
			}
			if def != nil {
				out = append(out, rootFields(doc, def.SelectionSet, spread)...)
			}
		}
	}
	return out
}

// checkRepresentation says what is wrong with one representation, after
// "representations[i] "; "" when nothing is.
func checkRepresentation(schema *ast.Schema, v any) string {
	rep, ok := v.(map[string]any)
	if !ok {
		return "is not an object: send {__typename, ...key fields}"
	}
	// Only a refusal lists the entities; a batch of 2,000 good ones need not.
	entities := func() string { return strings.Join(entityTypes(schema), ", ") }
	raw, present := rep["__typename"]
	if !present || raw == nil {
		return fmt.Sprintf("has no __typename: name its type, one of the entities %s", entities())
	}
	typename, ok := raw.(string)
	if !ok {
		return fmt.Sprintf("has a __typename that is not a string: name its type, one of the entities %s", entities())
	}
	def := schema.Types[typename]
	if def == nil {
		return fmt.Sprintf("names type %q, which this subgraph does not have: its entities are %s", typename, entities())
	}
	keys := keysOf(def)
	if def.Kind != ast.Object || len(keys) == 0 {
		return fmt.Sprintf("names %s, which is not an entity (it has no @key): the entities are %s", typename, entities())
	}
	keyFields := keys.fields()
	names := make([]string, 0, len(rep))
	for name := range rep {
		names = append(names, name)
	}
	slices.Sort(names) // the first problem found is always the same one
	for _, name := range names {
		if name == "__typename" {
			continue
		}
		if !slices.Contains(keyFields, name) {
			return fmt.Sprintf("(%s) has %q, which is not a key field of %s: send %s", typename, name, typename, keys.describe())
		}
		val := rep[name]
		if val == nil {
			return fmt.Sprintf("(%s) has a null %s: a key field needs a value", typename, name)
		}
		if fd := def.Fields.ForName(name); fd != nil && fd.Type != nil && fd.Type.Elem == nil &&
			(fd.Type.NamedType == "ID" || fd.Type.NamedType == "String") {
			if _, ok := val.(string); !ok {
				return fmt.Sprintf("(%s) has a %s that is not a string", typename, name)
			}
		}
	}
	for _, key := range keys {
		whole := true
		for _, f := range key {
			if _, ok := rep[f]; !ok {
				whole = false
				break
			}
		}
		if whole {
			return ""
		}
	}
	return fmt.Sprintf("(%s) carries no key: send %s", typename, keys.describe())
}
