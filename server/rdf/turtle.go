package rdf

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteTurtle writes g as Turtle (RDF 1.1): the prefixes, then each subject
// with its predicates and objects, in the order they were added.
func (g *Graph) WriteTurtle(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, p := range g.prefixes {
		fmt.Fprintf(bw, "@prefix %s: <%s> .\n", p.name, escapeIRI(p.ns))
	}
	for _, sg := range g.subjects() {
		bw.WriteString("\n")
		bw.WriteString(g.turtleTerm(sg.s))
		for i, pg := range sg.preds {
			if i == 0 {
				bw.WriteString(" ")
			} else {
				bw.WriteString(" ;\n    ")
			}
			if pg.p.Value == Type {
				bw.WriteString("a")
			} else {
				bw.WriteString(g.turtleTerm(pg.p))
			}
			for j, o := range pg.os {
				if j == 0 {
					bw.WriteString(" ")
				} else {
					bw.WriteString(",\n        ")
				}
				bw.WriteString(g.turtleTerm(o))
			}
		}
		bw.WriteString(" .\n")
	}
	return bw.Flush()
}

func (g *Graph) turtleTerm(t Term) string {
	switch t.Kind {
	case KindBlank:
		return "_:" + t.Value
	case KindIRI:
		if c, ok := g.compact(t.Value); ok {
			return c
		}
		return "<" + escapeIRI(t.Value) + ">"
	}
	s := `"` + escapeString(t.Value) + `"`
	switch {
	case t.Lang != "":
		return s + "@" + t.Lang
	case t.Datatype != "":
		return s + "^^" + g.turtleTerm(IRI(t.Datatype))
	}
	return s
}

// compact abbreviates iri with a prefix when what follows it is a local
// name Turtle reads back without escapes.
func (g *Graph) compact(iri string) (string, bool) {
	for _, p := range g.prefixes {
		if local, ok := strings.CutPrefix(iri, p.ns); ok && plainLocal(local) {
			return p.name + ":" + local, true
		}
	}
	return "", false
}

// plainLocal: a PN_LOCAL of ASCII letters, digits, '_' and '-' that
// neither starts nor ends with '-' (a conservative subset of Turtle's).
func plainLocal(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// escapeIRI escapes what an IRIREF may not hold (Turtle grammar [18]) as
// \u escapes, which are allowed there.
func escapeIRI(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", c) {
			fmt.Fprintf(&b, `\u%04X`, c)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// escapeString escapes a STRING_LITERAL_QUOTE's content.
func escapeString(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, c)
				continue
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}
