package domain

import (
	"strings"
	"testing"
)

func TestValidateCreditCode(t *testing.T) {
	tests := []struct {
		name, code string
		wantErr    string // substring of the error; "" for valid
	}{
		{"valid enterprise code (published example)", "91350100M000100Y43", ""},
		{"valid government organ code", "11441400007045069Q", ""},
		{"wrong check character", "91350100M000100Y44", "check character"},
		{"too short", "91350100M000100Y4", "has 17 characters; a unified social credit code (GB 32100) has 18"},
		{"too long", "91350100M000100Y431", "has 19 characters"},
		{"letter I not in alphabet", "91350100M0001I0Y43", "not in the GB 32100 alphabet"},
		{"lower case", "91350100m000100Y43", "not in the GB 32100 alphabet"},
		{"region not digits", "9135A100M000100Y43", "administrative division code"},
		{"chinese characters", "梅州市公安局", "characters"},
		{"empty", "", "has 0 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCreditCode(tt.code)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateCreditCode(%q) = %v, want nil", tt.code, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateCreditCode(%q) = %v, want error containing %q", tt.code, err, tt.wantErr)
			}
			if ErrorCode(err) != EInvalid {
				t.Fatalf("code = %s, want %s", ErrorCode(err), EInvalid)
			}
		})
	}
}

func TestCreditCodeCheckRoundTrip(t *testing.T) {
	for _, body := range []string{"11441400007045069", "12441400MB2C71234", "91350100M000100Y4"} {
		c, err := CreditCodeCheck(body)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidateCreditCode(body + string(c)); err != nil {
			t.Errorf("code built with its own check character is refused: %v", err)
		}
	}
}
