package store

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citydata/catalogue/domain"
)

// FuzzDecodeCursor: an after cursor from a client decodes to a row of the
// list it names, or is refused with BAD_USER_INPUT, never a panic; what
// encodeCursor makes decodes back to itself.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{
		encodeCursor("CODE", "441400-GA-001", 1), encodeCursor("UPDATED_AT:DESC", "2026-01-02T03:04:05Z", 42),
		"", "e30", "eyJvIjoiQ09ERSIsInYiOiJ4IiwiaSI6MH0", "eyJvIjoiQ09ERSIsInYiOiJ4IiwiaSI6LTF9", "not a cursor", "eyJ", "bnVsbA",
	} {
		f.Add(s, "CODE", "value", int64(3))
	}
	f.Fuzz(func(t *testing.T, s, order, value string, id int64) {
		c, err := decodeCursor(s, order)
		switch {
		case err != nil:
			if domain.ErrorCode(err) != domain.EInvalid {
				t.Fatalf("decodeCursor(%q, %q): %v, want BAD_USER_INPUT", s, order, err)
			}
		case s == "":
			if c != nil {
				t.Fatalf("an empty cursor decoded to %+v", c)
			}
		case c == nil || c.ID <= 0 || c.Order != order:
			t.Fatalf("decodeCursor(%q, %q) = %+v", s, order, c)
		}
		for _, spec := range []orderSpec{{name: "UPDATED_AT", cast: "timestamptz"}, {name: "NEWEST", cast: "bigint", desc: true}, {name: "CODE", cast: "text"}} {
			if c, err := spec.decode(s); err != nil && domain.ErrorCode(err) != domain.EInvalid || err == nil && c != nil && strings.ContainsRune(c.Value, 0) {
				t.Fatalf("%s.decode(%q) = %+v, %v", spec.name, s, c, err)
			}
		}
		if id <= 0 || !validUTF8(order) || strings.ContainsRune(value, 0) {
			return // orders are the store's own names
		}
		c, err = decodeCursor(encodeCursor(order, value, id), order)
		if err != nil || c.ID != id || c.Order != order {
			t.Fatalf("round trip of (%q, %q, %d): %+v, %v", order, value, id, c, err)
		}
		// JSON keeps valid UTF-8 as it is; invalid bytes become U+FFFD.
		if c.Value != value && validUTF8(value) {
			t.Fatalf("round trip of value %q gave %q", value, c.Value)
		}
	})
}

func validUTF8(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError) }
