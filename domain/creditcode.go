package domain

import (
	"fmt"
	"strings"
)

// creditCodeAlphabet is the character set of the unified social credit code
// (GB 32100-2015, 法人和其他组织统一社会信用代码编码规则): digits and upper-case
// letters without I, O, Z, S and V. A character's value is its index.
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights of positions 1–17 (3^(i-1) mod 31).
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateCreditCode checks a unified social credit code against GB 32100:
// 18 characters from its alphabet, positions 3–8 an administrative division
// code (digits), and position 18 the check character computed from the
// first 17. It returns an EInvalid *Error naming the rule that failed.
func ValidateCreditCode(code string) error {
	if n := len([]rune(code)); n != 18 {
		return Errorf(EInvalid, "credit code %q has %d characters; a unified social credit code (GB 32100) has 18", code, n)
	}
	for i, r := range code {
		if !strings.ContainsRune(creditCodeAlphabet, r) {
			return Errorf(EInvalid, "credit code %q: character %d (%q) is not in the GB 32100 alphabet (digits and capitals except I, O, Z, S, V)", code, i+1, r)
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return Errorf(EInvalid, "credit code %q: characters 3–8 must be the digits of an administrative division code (GB 32100)", code)
		}
	}
	want, _ := CreditCodeCheck(code[:17])
	if code[17] != want {
		return Errorf(EInvalid, "credit code %q: check character is %q but GB 32100 gives %q for the first 17 characters", code, code[17], want)
	}
	return nil
}

// CreditCodeCheck computes the GB 32100 check character for the first 17
// characters of a credit code.
func CreditCodeCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("credit code body must have 17 characters, got %d", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeAlphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("character %q not in GB 32100 alphabet", first17[i])
		}
		sum += v * creditCodeWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCodeAlphabet[c], nil
}
