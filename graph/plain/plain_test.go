package plain

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func gqlgen(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

func written(f func(b *bytes.Buffer)) string {
	var b bytes.Buffer
	b.WriteString("x") // a buffer that already holds something
	f(&b)
	return strings.TrimPrefix(b.String(), "x")
}

func TestStringWritesWhatGqlgenWrites(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, s := range []string{
		"", "a", "公共数据资源目录", `"quoted" \ back\slash`, "tab\tcr\rnl\n", "\x00\x01\x1f\x7f",
		"\xff\xfe invalid UTF-8 \xe4\xb8", "\u2028\u2029", "<script>&amp;</script>", string(all),
		"end with a quote\"", "\\", "é\x00é",
	} {
		if got, want := written(func(b *bytes.Buffer) { String(b, s) }), gqlgen(graphql.MarshalString(s)); got != want {
			t.Errorf("String(%q) = %s, graphql.MarshalString writes %s", s, got, want)
		}
	}
}

func FuzzStringWritesWhatGqlgenWrites(f *testing.F) {
	f.Add("公共\"数据\\\n\x01\xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := written(func(b *bytes.Buffer) { String(b, s) }), gqlgen(graphql.MarshalString(s)); got != want {
			t.Errorf("String(%q) = %s, graphql.MarshalString writes %s", s, got, want)
		}
	})
}

func TestIntAndBoolWriteWhatGqlgenWrites(t *testing.T) {
	for _, i := range []int64{0, 1, -1, 42, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64} {
		if got, want := written(func(b *bytes.Buffer) { Int(b, i) }), gqlgen(graphql.MarshalInt64(i)); got != want {
			t.Errorf("Int(%d) = %s, graphql.MarshalInt64 writes %s", i, got, want)
		}
		if i == int64(int32(i)) {
			if got, want := written(func(b *bytes.Buffer) { Int(b, i) }), gqlgen(graphql.MarshalInt32(int32(i))); got != want {
				t.Errorf("Int(%d) = %s, graphql.MarshalInt32 writes %s", i, got, want)
			}
		}
		if got, want := written(func(b *bytes.Buffer) { Int(b, i) }), gqlgen(graphql.MarshalInt(int(i))); got != want {
			t.Errorf("Int(%d) = %s, graphql.MarshalInt writes %s", i, got, want)
		}
	}
	for _, v := range []bool{true, false} {
		if got, want := written(func(b *bytes.Buffer) { Bool(b, v) }), gqlgen(graphql.MarshalBoolean(v)); got != want {
			t.Errorf("Bool(%v) = %s, graphql.MarshalBoolean writes %s", v, got, want)
		}
	}
}

func fields(aliases ...string) []graphql.CollectedField {
	out := make([]graphql.CollectedField, len(aliases))
	for i, a := range aliases {
		out[i] = graphql.CollectedField{Field: &ast.Field{Alias: a, Name: a}}
	}
	return out
}

// The keys are gqlgen's: each alias quoted, commas between, a repeated
// alias written once by its first field.
func TestPlanKeys(t *testing.T) {
	for _, c := range []struct {
		aliases []string
		keys    []string
	}{
		{nil, nil},
		{[]string{"id"}, []string{`"id":`}},
		{[]string{"id", "name", "id", "代码", `q"`}, []string{`"id":`, `,"name":`, ``, `,"代码":`, `,"q\"":`}},
		{[]string{"a", "a", "a"}, []string{`"a":`, ``, ``}},
	} {
		p := NewPlan(fields(c.aliases...), false)
		for i, want := range c.keys {
			if got := p.Key(i); got != want {
				t.Errorf("%q: key %d is %q, want %q", c.aliases, i, got, want)
			}
		}
		if p.Nested != nil {
			t.Errorf("%q: nested plans without object fields", c.aliases)
		}
		if NewPlan(fields(c.aliases...), true).Nested == nil && len(c.aliases) > 0 {
			t.Errorf("%q: no room for nested plans", c.aliases)
		}
	}
}

// A Writer writes into the response's buffer itself, and into any other
// writer through a buffer of its own.
func TestWriterWritesToAnyWriter(t *testing.T) {
	w := Writer(func(b *bytes.Buffer) { String(b, "公共") })
	var sb strings.Builder
	w.MarshalGQL(&sb)
	var bb bytes.Buffer
	w.MarshalGQL(&bb)
	if sb.String() != `"公共"` || bb.String() != `"公共"` {
		t.Errorf("wrote %s and %s", sb.String(), bb.String())
	}
}
