package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/citydata/catalogue/domain"
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

// briefFields are what a brief resource (domain.Resource.Brief) answers,
// with the parts of a brief read each needs (0: what every brief read
// has), and the fields of the connection, its edges and of every object.
// A source department's fields beyond briefDepartmentFields need
// domain.PartDepartment.
var briefFields = map[string]domain.ResourceParts{
	"id": 0, "code": 0, "name": 0, "shareType": 0, "openType": 0, "sourceDepartment": 0,
	"summary": domain.PartSummary, "classification": domain.PartClassification, "format": domain.PartFormat,
	"updateFrequency": domain.PartUpdateFrequency, "status": domain.PartStatus,
	"publishedAt": domain.PartPublishedAt, "createdAt": domain.PartCreatedAt, "updatedAt": domain.PartUpdatedAt,
	"edges": 0, "node": 0, "nodes": 0, "cursor": 0, "pageInfo": 0, "totalCount": 0,
	"__typename": 0,
}

// briefDepartmentFields are a source department's fields every brief read
// has.
var briefDepartmentFields = map[string]bool{"id": true, "name": true, "__typename": true}

// brief reports whether s, a selection of resources, selects nothing a
// brief resource lacks, and the parts of a brief read it needs.
func (s selection) brief() (domain.ResourceParts, bool) {
	if len(s.fields) == 0 {
		return 0, false
	}
	var parts domain.ResourceParts
	for name := range s.fields {
		p, ok := briefFields[name]
		if !ok {
			return 0, false
		}
		parts |= p
	}
	for name := range s.child("sourceDepartment").fields {
		if !briefDepartmentFields[name] {
			parts |= domain.PartDepartment
		}
	}
	return parts, true
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
			if seen, ok := s.fields[f.Name]; !ok {
				s.fields[f.Name] = f
			} else {
				// Under another alias, or through another path (edges
				// and nodes): what is selected under it is selected.
				seen.Selections = append(append(ast.SelectionSet{}, seen.Selections...), f.Selections...)
				s.fields[f.Name] = seen
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
