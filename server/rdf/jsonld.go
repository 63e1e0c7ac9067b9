package rdf

import (
	"encoding/json"
	"io"
)

// WriteJSONLD writes g as a JSON-LD 1.1 document: a @context of the
// graph's prefixes and a @graph of one node object per subject, with
// properties and types as compact IRIs, objects as {"@id"} or value
// objects. Every value is explicit (no type coercion in the context), so
// expanding it gives back exactly g.
func (g *Graph) WriteJSONLD(w io.Writer) error {
	ctx := map[string]string{}
	for _, p := range g.prefixes {
		ctx[p.name] = p.ns
	}
	var nodes []map[string]any
	for _, sg := range g.subjects() {
		n := map[string]any{"@id": nodeID(sg.s)}
		for _, pg := range sg.preds {
			if pg.p.Value == Type && allIRIs(pg.os) {
				types := make([]string, len(pg.os))
				for i, o := range pg.os {
					types[i] = g.jsonldIRI(o.Value)
				}
				n["@type"] = types
				continue
			}
			vals := make([]any, len(pg.os))
			for i, o := range pg.os {
				vals[i] = jsonldValue(o)
			}
			n[g.jsonldIRI(pg.p.Value)] = vals
		}
		nodes = append(nodes, n)
	}
	if nodes == nil {
		nodes = []map[string]any{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(map[string]any{"@context": ctx, "@graph": nodes})
}

// jsonldIRI abbreviates iri with a prefix when the rest is a plain local
// name (so it cannot be mistaken for another compact IRI or a keyword).
func (g *Graph) jsonldIRI(iri string) string {
	if c, ok := g.compact(iri); ok {
		return c
	}
	return iri
}

func allIRIs(ts []Term) bool {
	for _, t := range ts {
		if t.Kind != KindIRI {
			return false
		}
	}
	return true
}

func nodeID(t Term) string {
	if t.Kind == KindBlank {
		return "_:" + t.Value
	}
	return t.Value
}

// jsonldValue is an object's JSON-LD form. Object IRIs stay absolute: an
// @id value is resolved against the document's base, not the context's
// prefixes alone, and an absolute IRI means the same everywhere.
func jsonldValue(t Term) map[string]string {
	switch t.Kind {
	case KindIRI, KindBlank:
		return map[string]string{"@id": nodeID(t)}
	}
	v := map[string]string{"@value": t.Value}
	switch {
	case t.Lang != "":
		v["@language"] = t.Lang
	case t.Datatype != "":
		v["@type"] = t.Datatype
	}
	return v
}
