// Package plain writes tools/gqlgen's plain selections: an object whose
// selected fields are all plain (reads of a value that cannot fail or
// wait) is written as JSON straight from its Go value, byte for byte as
// gqlgen's field sets write it. A selection is checked and its JSON keys
// are made once (a Plan), then every object under it, every row of a list,
// is written with them (issue #20). The generated functions that use it are
// in graph/sequential.generated.go; this package is hand-written.
package plain

import (
	"bytes"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// Plan is a plain selection on one object type: its collected fields, the
// JSON written before each field's value, and for a plain object field
// the plan of its own selection.
type Plan struct {
	Fields []graphql.CollectedField
	// Nested[i] is the plan of Fields[i]'s selection when it is an object
	// field; nil otherwise, and nil altogether when no field is one.
	Nested []*Plan
	keys   []string
}

// NewPlan makes the plan of fields, with room for nested plans when the
// object has object fields. Key i is `"alias":`, after a comma from the
// second key on; a field whose alias an earlier field has is written once,
// by the earlier field (gqlgen's field set does the same), and its key is
// empty.
func NewPlan(fields []graphql.CollectedField, nested bool) *Plan {
	p := &Plan{Fields: fields, keys: make([]string, len(fields))}
	if nested {
		p.Nested = make([]*Plan, len(fields))
	}
	var b bytes.Buffer
	ends := make([]int, len(fields))
	for i, f := range fields {
		if repeated(fields[:i], f.Alias) {
			ends[i] = -1
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		String(&b, f.Alias)
		b.WriteByte(':')
		ends[i] = b.Len()
	}
	all, start := b.String(), 0
	for i, end := range ends {
		if end >= 0 {
			p.keys[i], start = all[start:end], end
		}
	}
	return p
}

func repeated(before []graphql.CollectedField, alias string) bool {
	for _, f := range before {
		if f.Alias == alias {
			return true
		}
	}
	return false
}

// Key is what is written before field i's value, "" when the field is not
// written (its alias is an earlier field's).
func (p *Plan) Key(i int) string { return p.keys[i] }

// Writer is a graphql.Marshaler that writes into a bytes.Buffer, which is
// what gqlgen marshals responses into; any other writer gets the bytes
// from a buffer of its own.
type Writer func(b *bytes.Buffer)

// MarshalGQL writes the JSON to w.
func (f Writer) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok {
		f(b)
		return
	}
	var b bytes.Buffer
	f(&b)
	_, _ = w.Write(b.Bytes())
}

const hex = "0123456789ABCDEF"

// String writes s as a JSON string exactly as graphql.MarshalString does:
// quotes and backslashes escaped, \t \r \n, other bytes below 0x20 as
// \u00XX (upper-case hex), and everything else as it is (invalid UTF-8
// too). It looks at bytes rather than runes: every byte of a multi-byte
// UTF-8 sequence is 0x80 or above, so the output is the same, without
// decoding.
func String(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// Int writes i as graphql.MarshalInt, MarshalInt32 and MarshalInt64 do.
func Int(b *bytes.Buffer, i int64) {
	b.Write(strconv.AppendInt(b.AvailableBuffer(), i, 10))
}

// Bool writes v as graphql.MarshalBoolean does.
func Bool(b *bytes.Buffer, v bool) {
	if v {
		b.WriteString("true")
	} else {
		b.WriteString("false")
	}
}
