package server

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citydata/catalogue/domain"
)

// inputChecks refuses, before execution and as BAD_USER_INPUT, arguments
// that would otherwise fail deep inside as internal errors (found by
// FuzzEntities and FuzzResourceList):
//
//   - a string with a NUL character (U+0000), which no PostgreSQL text
//     holds;
//   - an enum value in a variable that matches only without regard to case
//     ("AsC"): gqlparser lets it through, gqlgen's enum types refuse it;
//   - an _entities representation that is not an object, has no
//     __typename of one of the subgraph's entities, or lacks the fields of
//     every @key of its type (gqlgen's federation runtime fails on those
//     with plain errors).
type inputChecks struct {
	schema *ast.Schema
	// keys are each entity type's @key field sets, from the schema.
	keys map[string][][]string
}

var _ graphql.OperationContextMutator = (*inputChecks)(nil)

func (c *inputChecks) ExtensionName() string { return "InputChecks" }

func (c *inputChecks) Validate(es graphql.ExecutableSchema) error {
	c.schema = es.Schema()
	c.keys = map[string][][]string{}
	for name, def := range es.Schema().Types {
		for _, d := range def.Directives.ForNames("key") {
			if a := d.Arguments.ForName("fields"); a != nil && a.Value != nil {
				c.keys[name] = append(c.keys[name], strings.Fields(a.Value.Raw))
			}
		}
	}
	return nil
}

func (c *inputChecks) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	for _, d := range oc.Operation.VariableDefinitions {
		if v, ok := oc.Variables[d.Variable]; ok {
			if err := c.enums(d.Type, v, "$"+d.Variable); err != nil {
				return err
			}
		}
	}
	seen := map[string]bool{}
	return c.selections(oc, oc.Operation.SelectionSet, seen)
}

// enums checks the enum values in v, a variable's value of type t,
// exactly.
func (c *inputChecks) enums(t *ast.Type, v any, path string) *gqlerror.Error {
	if t == nil || v == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return c.enums(t.Elem, v, path) // a single value for a list
		}
		for i, e := range list {
			if err := c.enums(t.Elem, e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	def := c.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.Enum:
		s, ok := v.(string)
		if ok && def.EnumValues.ForName(s) == nil {
			names := make([]string, len(def.EnumValues))
			for i, e := range def.EnumValues {
				names[i] = e.Name
			}
			return refusal(domain.EInvalid, fmt.Sprintf("%s: %q is not a %s; enum values are case-sensitive: %s", path, s, def.Name, strings.Join(names, ", ")))
		}
	case ast.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, f := range def.Fields {
			if err := c.enums(f.Type, m[f.Name], path+"."+f.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *inputChecks) selections(oc *graphql.OperationContext, set ast.SelectionSet, seen map[string]bool) *gqlerror.Error {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if len(s.Arguments) > 0 {
				args := s.ArgumentMap(oc.Variables)
				for _, a := range s.Arguments {
					if where, ok := findNUL(args[a.Name]); ok {
						return refusal(domain.EInvalid, fmt.Sprintf("%s(%s%s): text may not contain the NUL character (U+0000)", s.Name, a.Name, where))
					}
				}
				if s.Name == "_entities" {
					if err := c.representations(args["representations"]); err != nil {
						return err
					}
				}
			}
			if err := c.selections(oc, s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := c.selections(oc, s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if seen[s.Name] || s.Definition == nil {
				continue
			}
			seen[s.Name] = true
			if err := c.selections(oc, s.Definition.SelectionSet, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// findNUL reports where in v (a coerced argument) a string holds a NUL.
func findNUL(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return "", strings.ContainsRune(v, 0)
	case []any:
		for i, e := range v {
			if where, ok := findNUL(e); ok {
				return fmt.Sprintf("[%d]%s", i, where), true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.ContainsRune(k, 0) {
				return "", true
			}
			if where, ok := findNUL(e); ok {
				return "." + k + where, true
			}
		}
	}
	return "", false
}

func (c *inputChecks) representations(v any) *gqlerror.Error {
	reps, ok := v.([]any)
	if !ok {
		return nil // the type check has refused it, or will
	}
	types := make([]string, 0, len(c.keys))
	for t := range c.keys {
		types = append(types, t)
	}
	sort.Strings(types)
	for i, r := range reps {
		rep, ok := r.(map[string]any)
		if !ok {
			return refusal(domain.EInvalid, fmt.Sprintf("_entities: representation %d is not an object: send {__typename, and the fields of one of its keys}", i))
		}
		typename, _ := rep["__typename"].(string)
		keys, ok := c.keys[typename]
		if !ok {
			return refusal(domain.EInvalid, fmt.Sprintf("_entities: representation %d has __typename %q; this subgraph's entities are %s", i, typename, strings.Join(types, ", ")))
		}
		if !slices.ContainsFunc(keys, func(fields []string) bool {
			for _, f := range fields {
				if s, ok := rep[f].(string); !ok || s == "" {
					return false
				}
			}
			return true
		}) {
			var want []string
			for _, k := range keys {
				want = append(want, strings.Join(k, " "))
			}
			return refusal(domain.EInvalid, fmt.Sprintf("_entities: representation %d of %s needs a key as a non-empty string: %s", i, typename, strings.Join(want, " or ")))
		}
	}
	return nil
}
