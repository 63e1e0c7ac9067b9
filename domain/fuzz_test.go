package domain

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValidateCreditCode: any string is accepted or refused with an
// EInvalid error, never a panic; an accepted code has 18 characters of the
// GB 32100 alphabet and the check character of its first 17; and the check
// character CreditCodeCheck computes always makes a valid code of a body
// that is otherwise well formed.
func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{
		"11441400007045121H", "91440300MA5FXXXXXX", "", "1", "11441400007045121", "114414000070451210X",
		"11441400007045121I", "11AB1400007045121H", "梅州市公安局梅州市公安局梅州市公安", "11441400007045121\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		err := ValidateCreditCode(code)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("ValidateCreditCode(%q): %v, want an EInvalid error", code, err)
			}
		} else {
			if len(code) != 18 {
				t.Fatalf("accepted %q of %d bytes", code, len(code))
			}
			for _, r := range code {
				if !strings.ContainsRune(creditCodeAlphabet, r) {
					t.Fatalf("accepted %q with %q outside the alphabet", code, r)
				}
			}
			if want, err := CreditCodeCheck(code[:17]); err != nil || want != code[17] {
				t.Fatalf("accepted %q, whose check character should be %q (%v)", code, want, err)
			}
		}
		if len(code) >= 17 {
			body := code[:17]
			check, err := CreditCodeCheck(body)
			if err != nil {
				return
			}
			full := body + string(check)
			if digits := full[2:8]; strings.Trim(digits, "0123456789") == "" {
				if err := ValidateCreditCode(full); err != nil {
					t.Fatalf("%q with its computed check character %q refused: %v", body, check, err)
				}
			}
		}
	})
}

// FuzzParseNodeID: a global ID decodes or is refused with EInvalid; what
// NodeID encodes decodes back to itself.
func FuzzParseNodeID(f *testing.F) {
	for _, s := range []string{NodeID(KindResource, 1), NodeID(KindDepartment, 9223372036854775807), "", "UmVzb3VyY2U6MA", "UmVzb3VyY2U6LTE", "!!", "UmVzb3VyY2U"} {
		f.Add(s, "Resource", int64(7))
	}
	f.Fuzz(func(t *testing.T, gid string, kind string, id int64) {
		k, n, err := ParseNodeID(gid)
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("ParseNodeID(%q): %v", gid, err)
			}
		} else if n <= 0 {
			t.Fatalf("ParseNodeID(%q) = %s %d, a non-positive id", gid, k, n)
		}
		if id <= 0 || strings.Contains(kind, ":") {
			return
		}
		k, n, err = ParseNodeID(NodeID(NodeKind(kind), id))
		if err != nil || string(k) != kind || n != id {
			t.Fatalf("NodeID(%q, %d) decodes to %q %d (%v)", kind, id, k, n, err)
		}
	})
}

// FuzzMask is the ID-number rule's fuzz test (the catalogue validates no
// ID-card number: a PERSON token's subject is only required, and is kept
// as a keyed hash): masking keeps a value's length in characters, shows an
// 18-character ID-card number's region and check digits only, and never
// shows more than it hides of anything longer than 4 characters.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"441402198507150012", "44140219850715001X", "44140219850715001x", "13580476219", "李志强", "梅州市梅江区江南街道客都大道中68号", "", "a", "\xff\xfe", "11441400007045121H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := Mask(s)
		in, out := []rune(s), []rune(m)
		if len(in) != len(out) {
			t.Fatalf("Mask(%q) = %q: %d characters, want %d", s, m, len(out), len(in))
		}
		if utf8.ValidString(s) && !utf8.ValidString(m) {
			t.Fatalf("Mask(%q) = %q is not UTF-8", s, m)
		}
		shown := 0
		for i := range out {
			if out[i] != '*' || in[i] == '*' {
				shown++
				if out[i] != in[i] {
					t.Fatalf("Mask(%q) = %q changes character %d", s, m, i)
				}
			}
		}
		n := len(in)
		switch {
		case n == 18 && isIDLike(s):
			if string(out[:6]) != string(in[:6]) || string(out[14:]) != string(in[14:]) || strings.Trim(string(out[6:14]), "*") != "" {
				t.Fatalf("ID-like %q masked as %q, want its first 6 and last 4 only", s, m)
			}
		case n == 11 && isDigits(s) && s[0] == '1':
			if m != s[:3]+"****"+s[7:] {
				t.Fatalf("mobile %q masked as %q, want its first 3 and last 4 only", s, m)
			}
		case n > 4 && countStars(in) == 0 && shown > n-shown:
			t.Fatalf("Mask(%q) = %q shows %d of %d characters", s, m, shown, n)
		}
	})
}

func countStars(r []rune) int {
	n := 0
	for _, c := range r {
		if c == '*' {
			n++
		}
	}
	return n
}
