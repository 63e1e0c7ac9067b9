package domain

import (
	"strings"
	"testing"
)

// Each city's numbers with their articles (DOMAIN.md's table); a dash
// there falls back to the default and says so.
func TestProfiles(t *testing.T) {
	for _, tt := range []struct {
		profile   string
		kind      DeadlineKind
		days, ext int
		citation  string
		defaulted bool
	}{
		{"meizhou", DeadlineCatalogueReview, 5, 0, "MZ 7", false},
		{"meizhou", DeadlineCatalogueUpdate, 15, 0, "MZ 8", false},
		{"meizhou", DeadlineShareAnswer, 5, 0, "MZ 21", false},
		{"meizhou", DeadlineErrorVerify, 5, 0, "MZ 23", false},
		{"meizhou", DeadlineErrorCorrect, 10, 0, "MZ 23", false},
		{"meizhou", DeadlineOpenAnswer, 15, 0, "no number", true},
		{"qingyang", DeadlineCatalogueUpdate, 15, 0, "QY 8", false},
		{"qingyang", DeadlineShareAnswer, 7, 0, "QY 16", false},
		{"qingyang", DeadlineErrorVerify, 5, 0, "QY 18", false},
		{"qingyang", DeadlineOpenAnswer, 15, 0, "QY 24", false},
		{"qingyang", DeadlineCatalogueReview, 5, 0, "no number", true},
		{"nanyang", DeadlineCatalogueReview, 5, 0, "NY 22", false},
		{"nanyang", DeadlineCatalogueUpdate, 5, 0, "NY 22", false},
		{"nanyang", DeadlineErrorCorrect, 10, 0, "NY 65", false},
		{"nanyang", DeadlineOpenAnswer, 10, 10, "NY 46", false},
		{"nanyang", DeadlineOpenObjection, 10, 10, "NY 45", false},
		{"nanyang", DeadlineShareAnswer, 7, 0, "no number", true},
		{"wenzhou", DeadlineCatalogueUpdate, 5, 0, "WZ 11", false},
		{"wenzhou", DeadlineShareAnswer, 7, 0, "WZ 20", false},
		{"wenzhou", DeadlineErrorVerify, 5, 10, "WZ 23", false},
		{"jiangmen", DeadlineShareAnswer, 7, 0, "no number", true},
		{"default", DeadlineShareAnswer, 7, 0, "default", false},
	} {
		p, err := LookupProfile(tt.profile)
		if err != nil {
			t.Fatal(err)
		}
		r := p.Rule(tt.kind)
		if r.Days != tt.days || r.Extension != tt.ext || r.Defaulted != tt.defaulted || !strings.Contains(r.Citation, tt.citation) {
			t.Errorf("%s %s = %+v, want %d days +%d, citation %q, defaulted %v", tt.profile, tt.kind, r, tt.days, tt.ext, tt.citation, tt.defaulted)
		}
	}
	for name, p := range Profiles() {
		for _, k := range DeadlineKinds {
			if r := p.Rule(k); r.Days <= 0 || r.Citation == "" || r.Kind != k {
				t.Errorf("%s %s incomplete: %+v", name, k, r)
			}
		}
	}
	if _, err := LookupProfile("shenzhen"); ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), "meizhou") {
		t.Errorf("unknown profile: %v", err)
	}
}
