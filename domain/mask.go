package domain

import (
	"strings"
	"unicode/utf8"
)

// Mask hides most of a personal value for viewers who are not entitled to
// it in clear (脱敏: WZ 17, WZ 28, NY 44), keeping enough to recognise the
// record:
//   - an 18-character ID-card number or credit code keeps its first 6 and
//     last 4 characters (the region and the check digits);
//   - an 11-digit mobile number keeps its first 3 and last 4 digits;
//   - a short value such as a name (2 to 4 characters) keeps its first
//     character; a single character is hidden;
//   - anything longer (an address) keeps its first third.
//
// Every hidden character becomes one '*', so lengths stay recognisable.
func Mask(value string) string {
	runes := []rune(value)
	n := len(runes)
	switch {
	case n == 0:
		return ""
	case n == 18 && isIDLike(value):
		return keep(runes, 6, 4)
	case n == 11 && isDigits(value) && value[0] == '1':
		return keep(runes, 3, 4)
	case n == 1:
		return "*"
	case n <= 4:
		return keep(runes, 1, 0)
	default:
		return keep(runes, n/3, 0)
	}
}

func keep(r []rune, head, tail int) string {
	var b strings.Builder
	b.Grow(len(r) * utf8.UTFMax)
	for i, c := range r {
		if i < head || i >= len(r)-tail {
			b.WriteRune(c)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// isIDLike: 17 digits and a digit or X (ID card), or the credit-code
// alphabet (upper-case letters and digits).
func isIDLike(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == 'x') {
			return false
		}
	}
	return true
}

// SpreadsheetSafe prefixes a cell a spreadsheet would run as a formula
// (=, +, -, @, tab, carriage return first) with an apostrophe (OWASP CSV
// injection): messages, request IDs and arguments come from callers.
func SpreadsheetSafe(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}
