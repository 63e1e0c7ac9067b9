package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// typeNames lets fragments on any of our types count as selected. The
// prefetchers look only for fields of the row type they prefetch for, so a
// fragment on another type cannot add a field that is not there.
var typeNames = []string{
	"ResourceConnection", "ResourceEdge", "Resource",
	"DepartmentConnection", "DepartmentEdge", "Department",
	"ThemeDatabaseConnection", "ThemeDatabaseEdge", "ThemeDatabase",
	"ShareRequestConnection", "ShareRequestEdge", "ShareRequest", "ShareTerms",
	"GrantConnection", "GrantEdge", "Grant",
	"Node", "_Entity",
}

// selection is what a query selects under one field: the fields of the
// rows (through edges.node and nodes of a connection, or directly) and of
// the connection itself (totalCount), by name.
type selection struct {
	oc     *graphql.OperationContext
	fields map[string]graphql.CollectedField
}

// briefFields are what a brief resource (domain.Resource.Brief) answers:
// its brief fields, and the fields of the connection, its edges and of
// every object.
var briefFields = map[string]bool{
	"id": true, "code": true, "name": true, "summary": true, "classification": true, "format": true,
	"updateFrequency": true, "shareType": true, "openType": true, "status": true,
	"publishedAt": true, "createdAt": true, "updatedAt": true, "sourceDepartment": true,
	"edges": true, "node": true, "nodes": true, "cursor": true, "pageInfo": true, "totalCount": true,
	"__typename": true,
}

// brief reports whether s, a selection of resources, selects nothing a
// brief resource lacks.
func (s selection) brief() bool {
	if len(s.fields) == 0 {
		return false
	}
	for name := range s.fields {
		if !briefFields[name] {
			return false
		}
	}
	return true
}

// has reports whether name is selected.
func (s selection) has(name string) bool {
	_, ok := s.fields[name]
	return ok
}

// child returns the selection under the selected field name.
func (s selection) child(name string) selection {
	f, ok := s.fields[name]
	if !ok {
		return selection{}
	}
	return collect(s.oc, f.Selections)
}

// pageArgs returns the first/after arguments of the selected connection
// field name, with the schema's defaults applied.
func (s selection) pageArgs(name string) pageKey {
	k := pageKey{First: 20}
	f, ok := s.fields[name]
	if !ok {
		return k
	}
	args := f.ArgumentMap(s.oc.Variables)
	if v, ok := args["first"]; ok && v != nil {
		if n, err := graphql.UnmarshalInt(v); err == nil {
			k.First = n
		}
	}
	if v, ok := args["after"].(string); ok {
		k.After = v
	}
	return k
}

func collect(oc *graphql.OperationContext, sel ast.SelectionSet) selection {
	s := selection{oc: oc, fields: map[string]graphql.CollectedField{}}
	var walk func(sel ast.SelectionSet, depth int)
	walk = func(sel ast.SelectionSet, depth int) {
		for _, f := range graphql.CollectFields(oc, sel, typeNames) {
			if _, seen := s.fields[f.Name]; !seen {
				s.fields[f.Name] = f
			}
			if depth < 2 && (f.Name == "edges" || f.Name == "node" || f.Name == "nodes") {
				walk(f.Selections, depth+1)
			}
		}
	}
	walk(sel, 0)
	return s
}

// selected returns the selection under the field being resolved.
func selected(ctx context.Context) selection {
	fc, oc := graphql.GetFieldContext(ctx), graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil || fc.Field.Field == nil {
		return selection{}
	}
	return collect(oc, fc.Field.Selections)
}

// withoutField returns fields without name (a copy: selections are shared).
func withoutField(fields map[string]graphql.CollectedField, name string) map[string]graphql.CollectedField {
	out := make(map[string]graphql.CollectedField, len(fields))
	for k, v := range fields {
		if k != name {
			out[k] = v
		}
	}
	return out
}
