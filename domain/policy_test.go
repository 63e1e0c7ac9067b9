package domain

import (
	"strings"
	"testing"
	"time"
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

// Review and update deadlines for every profile across National Day 2025
// and Spring Festival 2026: a submission on 2025-09-30 (the eve of the
// holiday) and one on 2026-02-13 (the Friday before it).
func TestProfileDeadlinesAcrossHolidays(t *testing.T) {
	cal := seededCalendar(t)
	at := func(s string) time.Time {
		d := date(t, s)
		return time.Date(d.Year, d.Month, d.Day, 23, 30, 0, 0, ChinaTime) // late: the day still does not count
	}
	for _, tt := range []struct {
		profile string
		kind    DeadlineKind
		from    string
		due     string
	}{
		// 5 working days after 2025-09-30: 10-09, 10-10, 10-11 (Sat, make-up), 10-13, 10-14.
		{"meizhou", DeadlineCatalogueReview, "2025-09-30", "2025-10-14"},
		{"nanyang", DeadlineCatalogueReview, "2025-09-30", "2025-10-14"},
		{"default", DeadlineCatalogueReview, "2025-09-30", "2025-10-14"},
		{"qingyang", DeadlineCatalogueReview, "2025-09-30", "2025-10-14"},
		{"wenzhou", DeadlineCatalogueReview, "2025-09-30", "2025-10-14"},
		{"jiangmen", DeadlineCatalogueReview, "2025-09-30", "2025-10-14"},
		// 15 working days: 10-09, 10-10, 10-11 (make-up), then 12 weekdays to 10-28.
		{"meizhou", DeadlineCatalogueUpdate, "2025-09-30", "2025-10-28"},
		{"qingyang", DeadlineCatalogueUpdate, "2025-09-30", "2025-10-28"},
		{"nanyang", DeadlineCatalogueUpdate, "2025-09-30", "2025-10-14"},
		{"wenzhou", DeadlineCatalogueUpdate, "2025-09-30", "2025-10-14"},
		// Spring Festival 2026: 02-14 and 02-28 (Saturdays) work, 02-15..02-23 off:
		// 02-14, 02-24, 02-25, 02-26, 02-27 | 02-28, 03-02 | 03-03, 03-04, 03-05.
		{"meizhou", DeadlineCatalogueReview, "2026-02-13", "2026-02-27"},
		{"meizhou", DeadlineShareAnswer, "2026-02-13", "2026-02-27"},
		{"qingyang", DeadlineShareAnswer, "2026-02-13", "2026-03-02"},
		{"wenzhou", DeadlineShareAnswer, "2026-02-13", "2026-03-02"},
		{"nanyang", DeadlineOpenAnswer, "2026-02-13", "2026-03-05"},
	} {
		p, err := LookupProfile(tt.profile)
		if err != nil {
			t.Fatal(err)
		}
		d, err := p.Deadline(cal, tt.kind, at(tt.from))
		if err != nil {
			t.Fatalf("%s %s: %v", tt.profile, tt.kind, err)
		}
		if d.Due.String() != tt.due || d.Citation != p.Rule(tt.kind).Citation || d.Days != p.Rule(tt.kind).Days || d.Revision != cal.Revision {
			t.Errorf("%s %s from %s: due %s (%+v), want %s", tt.profile, tt.kind, tt.from, d.Due, d, tt.due)
		}
		if !d.DueAt.Equal(time.Date(d.Due.Year, d.Due.Month, d.Due.Day, 23, 59, 59, 999999000, ChinaTime)) {
			t.Errorf("due at %s, want the end of %s in China time", d.DueAt, d.Due)
		}
	}
	// A deadline reaching into a year without a schedule is refused.
	p, _ := LookupProfile("nanyang")
	if _, err := p.Deadline(cal, DeadlineCatalogueUpdate, at("2026-12-28")); ErrorCode(err) != EPrecondition || !strings.Contains(err.Error(), "2027") {
		t.Errorf("deadline into 2027: %v", err)
	}
}
