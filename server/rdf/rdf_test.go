package rdf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/piprate/json-gold/ld"
)

const ex = "https://example.org/ns#"

func sample() *Graph {
	var g Graph
	g.Prefix("ex", ex)
	g.Prefix("xsd", XSD)
	s := IRI("https://data.example/dcat/datasets/441400-GA-001")
	g.Add(s, IRI(Type), IRI(ex+"Dataset"))
	g.Add(s, IRI(Type), IRI(ex+"Thing"))
	g.Add(s, IRI(ex+"title"), Lang("户籍登记数据", "zh"))
	g.Add(s, IRI(ex+"title"), Lang("户籍登记数据", "zh")) // a duplicate is kept once
	g.Add(s, IRI(ex+"note"), String("a \"quoted\" back\\slash\nnew line\ttab"))
	g.Add(s, IRI(ex+"issued"), Typed("2025-01-02T09:00:00Z", XSD+"dateTime"))
	g.Add(s, IRI(ex+"contact"), Blank("c1"))
	g.Add(Blank("c1"), IRI(ex+"name"), String("王五"))
	// Locals Turtle cannot read back unescaped stay full IRIs.
	g.Add(s, IRI(ex+"page"), IRI("https://data.example/dcat/catalog?page=2&pageSize=10"))
	g.Add(s, IRI(ex+"odd"), IRI(ex+"a.b"))
	return &g
}

func TestWriteTurtle(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteTurtle(&b); err != nil {
		t.Fatal(err)
	}
	want := `@prefix ex: <https://example.org/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://data.example/dcat/datasets/441400-GA-001> a ex:Dataset,
        ex:Thing ;
    ex:title "户籍登记数据"@zh ;
    ex:note "a \"quoted\" back\\slash\nnew line\ttab" ;
    ex:issued "2025-01-02T09:00:00Z"^^xsd:dateTime ;
    ex:contact _:c1 ;
    ex:page <https://data.example/dcat/catalog?page=2&pageSize=10> ;
    ex:odd <https://example.org/ns#a.b> .

_:c1 ex:name "王五" .
`
	if b.String() != want {
		t.Errorf("Turtle:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestEscapeIRI: characters an IRIREF may not hold are escaped, so a bad
// IRI cannot end the term early (the export builds IRIs percent-encoded).
func TestEscapeIRI(t *testing.T) {
	if got, want := escapeIRI("https://x/a b>c\"{}|^`"), `https://x/a\u0020b\u003Ec\u0022\u007B\u007D\u007C\u005E\u0060`; got != want {
		t.Errorf("escapeIRI = %s, want %s", got, want)
	}
}

// TestJSONLDExpandsToTheGraph: a JSON-LD processor (json-gold) reads back
// exactly the triples written.
func TestJSONLDExpandsToTheGraph(t *testing.T) {
	g := sample()
	var b bytes.Buffer
	if err := g.WriteJSONLD(&b); err != nil {
		t.Fatal(err)
	}
	got := ToTriples(t, b.Bytes())
	var want []string
	for _, tr := range g.Triples() {
		want = append(want, fmt.Sprint(key(tr.S), " ", key(tr.P), " ", key(tr.O)))
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("JSON-LD read back as\n%q\nwant\n%q\ndocument:\n%s", got, want, b.String())
	}
}

func TestEmptyGraph(t *testing.T) {
	var g Graph
	var b bytes.Buffer
	if err := g.WriteJSONLD(&b); err != nil {
		t.Fatal(err)
	}
	if got := ToTriples(t, b.Bytes()); len(got) != 0 {
		t.Errorf("empty graph read back as %q", got)
	}
}

func key(t Term) string {
	switch t.Kind {
	case KindBlank:
		return "_:" // labels are the processor's own
	case KindIRI:
		return "<" + t.Value + ">"
	}
	dt := t.Datatype
	if dt == "" && t.Lang == "" {
		dt = XSD + "string"
	}
	if t.Lang != "" {
		dt = RDF + "langString"
	}
	return fmt.Sprintf("%q@%s^^%s", t.Value, t.Lang, dt)
}

// ToTriples expands a JSON-LD document with json-gold and returns its
// default graph's triples in key form, sorted.
func ToTriples(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	proc := ld.NewJsonLdProcessor()
	opts := ld.NewJsonLdOptions("")
	out, err := proc.ToRDF(v, opts)
	if err != nil {
		t.Fatalf("json-gold: %v", err)
	}
	var got []string
	for _, q := range out.(*ld.RDFDataset).Graphs["@default"] {
		got = append(got, fmt.Sprint(goldKey(q.Subject), " ", goldKey(q.Predicate), " ", goldKey(q.Object)))
	}
	slices.Sort(got)
	return got
}

func goldKey(n ld.Node) string {
	switch n := n.(type) {
	case ld.IRI:
		return "<" + n.Value + ">"
	case ld.BlankNode:
		return "_:"
	case ld.Literal:
		return fmt.Sprintf("%q@%s^^%s", n.Value, n.Language, n.Datatype)
	}
	return fmt.Sprintf("?%T", n)
}
