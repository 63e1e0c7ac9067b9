// Package rdf is a small RDF graph with Turtle and JSON-LD writers, enough
// for the catalogue's DCAT-AP export: IRIs, blank nodes and literals (plain,
// language-tagged or typed), written in the order they were added.
package rdf

import (
	"fmt"
	"strings"
)

// Kind is what a term is.
type Kind int

const (
	KindIRI Kind = iota
	KindBlank
	KindLiteral
)

// Term is an RDF term.
type Term struct {
	Kind  Kind
	Value string
	// Lang is a literal's language tag; Datatype its datatype IRI. At most
	// one is set; neither means xsd:string.
	Lang     string
	Datatype string
}

// Well-known namespaces.
const (
	RDF  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	XSD  = "http://www.w3.org/2001/XMLSchema#"
	Type = RDF + "type"
)

// IRI is the term for iri.
func IRI(iri string) Term { return Term{Kind: KindIRI, Value: iri} }

// Blank is the blank node labelled id (letters, digits, '_' and '-').
func Blank(id string) Term { return Term{Kind: KindBlank, Value: id} }

// String is a plain literal.
func String(s string) Term { return Term{Kind: KindLiteral, Value: s} }

// Lang is a literal in language lang (BCP 47, e.g. "zh").
func Lang(s, lang string) Term { return Term{Kind: KindLiteral, Value: s, Lang: lang} }

// Typed is a literal of datatype iri.
func Typed(s, datatype string) Term { return Term{Kind: KindLiteral, Value: s, Datatype: datatype} }

// Triple is one statement.
type Triple struct{ S, P, O Term }

// Graph is a set of triples with the prefixes its writers abbreviate with.
// The zero Graph is empty and usable.
type Graph struct {
	prefixes []prefix
	triples  []Triple
	seen     map[Triple]bool
}

type prefix struct{ name, ns string }

// Prefix lets the writers abbreviate IRIs starting with ns as name:local.
// ns must end with '/' or '#', so JSON-LD processors use it as a prefix.
func (g *Graph) Prefix(name, ns string) {
	if !strings.HasSuffix(ns, "/") && !strings.HasSuffix(ns, "#") {
		panic(fmt.Sprintf("rdf: prefix %s: namespace %q must end with / or #", name, ns))
	}
	g.prefixes = append(g.prefixes, prefix{name, ns})
}

// Add adds a triple; one already in the graph is not added twice. A
// literal subject or a non-IRI predicate is a programming error.
func (g *Graph) Add(s, p, o Term) {
	if s.Kind == KindLiteral || p.Kind != KindIRI {
		panic(fmt.Sprintf("rdf: invalid triple %v %v %v", s, p, o))
	}
	t := Triple{s, p, o}
	if g.seen == nil {
		g.seen = map[Triple]bool{}
	}
	if g.seen[t] {
		return
	}
	g.seen[t] = true
	g.triples = append(g.triples, t)
}

// Triples returns the graph's triples in the order they were added.
func (g *Graph) Triples() []Triple { return g.triples }

// Len is the number of triples.
func (g *Graph) Len() int { return len(g.triples) }

// subjects groups the triples by subject, subjects and each subject's
// predicates in first-seen order.
type subjectGroup struct {
	s     Term
	preds []predGroup
}

type predGroup struct {
	p  Term
	os []Term
}

func (g *Graph) subjects() []*subjectGroup {
	var out []*subjectGroup
	bySubject := map[Term]*subjectGroup{}
	for _, t := range g.triples {
		sg := bySubject[t.S]
		if sg == nil {
			sg = &subjectGroup{s: t.S}
			bySubject[t.S] = sg
			out = append(out, sg)
		}
		i := 0
		for i < len(sg.preds) && sg.preds[i].p != t.P {
			i++
		}
		if i == len(sg.preds) {
			sg.preds = append(sg.preds, predGroup{p: t.P})
		}
		sg.preds[i].os = append(sg.preds[i].os, t.O)
	}
	return out
}
