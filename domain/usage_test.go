package domain

import (
	"strings"
	"testing"
	"time"
)

func TestHalfYears(t *testing.T) {
	h, err := ParseHalfYear("2026-H1")
	if err != nil || h.First().String() != "2026-01-01" || h.Last().String() != "2026-06-30" || h.Next().String() != "2026-H2" ||
		h.Next().Last().String() != "2026-12-31" || h.Next().Next() != (HalfYear{2027, 1}) {
		t.Errorf("2026-H1: %+v %v", h, err)
	}
	for _, bad := range []string{"2026-H3", "2026H1", "H1", ""} {
		if _, err := ParseHalfYear(bad); ErrorCode(err) != EInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if HalfYearOf(Date{2026, 7, 1}) != (HalfYear{2026, 2}) || HalfYearOf(Date{2026, 6, 30}) != (HalfYear{2026, 1}) {
		t.Error("HalfYearOf")
	}
}

// MZ 39: a report for every half-year a grant is in force in.
func TestMissingUsageReports(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, ChinaTime) }
	end := at(2026, 3, 31)
	for _, tt := range []struct {
		name    string
		created time.Time
		ended   *time.Time
		today   Date
		filed   []HalfYear
		periods string
		missing string
	}{
		{"the first half-year, not over", at(2025, 3, 1), nil, Date{2025, 6, 30}, nil, "2025-H1", ""},
		{"the first half-year, over", at(2025, 3, 1), nil, Date{2025, 7, 1}, nil, "2025-H1 2025-H2", "2025-H1"},
		{"filed", at(2025, 3, 1), nil, Date{2025, 7, 1}, []HalfYear{{2025, 1}}, "2025-H1 2025-H2", ""},
		{"two missing", at(2025, 3, 1), nil, Date{2026, 2, 1}, nil, "2025-H1 2025-H2 2026-H1", "2025-H1 2025-H2"},
		{"ended: nothing after", at(2025, 3, 1), &end, Date{2027, 1, 1}, []HalfYear{{2025, 2}}, "2025-H1 2025-H2 2026-H1", "2025-H1 2026-H1"},
	} {
		filed := map[HalfYear]bool{}
		for _, h := range tt.filed {
			filed[h] = true
		}
		join := func(hs []HalfYear) string {
			s := make([]string, len(hs))
			for i, h := range hs {
				s[i] = h.String()
			}
			return strings.Join(s, " ")
		}
		if got := join(UsagePeriods(tt.created, tt.ended, tt.today)); got != tt.periods {
			t.Errorf("%s: periods %q, want %q", tt.name, got, tt.periods)
		}
		if got := join(MissingUsageReports(tt.created, tt.ended, tt.today, filed)); got != tt.missing {
			t.Errorf("%s: missing %q, want %q", tt.name, got, tt.missing)
		}
	}
}

func TestValidateUsageReport(t *testing.T) {
	created := time.Date(2025, 3, 1, 10, 0, 0, 0, ChinaTime)
	holder := Viewer{Role: RoleDepartment, DepartmentID: 5}
	ok := UsageReportInput{GrantID: 1, Period: HalfYear{2025, 1}, Scenario: "低保审批", Outcome: "核验 1200 次", SecurityMeasures: "专人专机，日志留存"}
	today := Date{2025, 7, 5}
	if err := ValidateUsageReport(holder, 5, created, nil, ok, today); err != nil {
		t.Errorf("valid: %v", err)
	}
	if err := ValidateUsageReport(Viewer{Role: RoleDepartment, DepartmentID: 6}, 5, created, nil, ok, today); ErrorCode(err) != EForbidden {
		t.Errorf("another department: %v", err)
	}
	future := ok
	future.Period = HalfYear{2026, 1}
	if err := ValidateUsageReport(holder, 5, created, nil, future, today); ErrorCode(err) != EInvalid {
		t.Errorf("a future period: %v", err)
	}
	before := ok
	before.Period = HalfYear{2024, 2}
	if err := ValidateUsageReport(holder, 5, created, nil, before, today); ErrorCode(err) != EInvalid {
		t.Errorf("a period before the grant: %v", err)
	}
	empty := ok
	empty.SecurityMeasures = " "
	if err := ValidateUsageReport(holder, 5, created, nil, empty, today); ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), "MZ 39") {
		t.Errorf("no security measures: %v", err)
	}
}

func TestHalfYearIndex(t *testing.T) {
	if (HalfYear{2026, 1}).Index()+1 != (HalfYear{2026, 2}).Index() || (HalfYear{2026, 2}).Index()+1 != (HalfYear{2027, 1}).Index() {
		t.Error("indexes are consecutive")
	}
}
