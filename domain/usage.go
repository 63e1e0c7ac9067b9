package domain

import (
	"fmt"
	"strings"
	"time"
)

// HalfYear is a reporting period: the first (January–June) or second
// (July–December) half of a year.
type HalfYear struct {
	Year int
	Half int // 1 or 2
}

func (h HalfYear) String() string { return fmt.Sprintf("%d-H%d", h.Year, h.Half) }

// First and Last are the period's first and last days.
func (h HalfYear) First() Date { return Date{h.Year, time.Month(6*(h.Half-1) + 1), 1} }
func (h HalfYear) Last() Date  { return h.Next().First().AddDays(-1) }

// Next is the following period.
func (h HalfYear) Next() HalfYear {
	if h.Half == 1 {
		return HalfYear{h.Year, 2}
	}
	return HalfYear{h.Year + 1, 1}
}

// HalfYearOf is the period d falls in.
func HalfYearOf(d Date) HalfYear {
	if d.Month <= time.June {
		return HalfYear{d.Year, 1}
	}
	return HalfYear{d.Year, 2}
}

// ParseHalfYear reads a period written 2026-H1.
func ParseHalfYear(s string) (HalfYear, error) {
	var h HalfYear
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d-H%d", &h.Year, &h.Half); err != nil || n != 2 || h.Half < 1 || h.Half > 2 || h.Year < 2000 {
		return HalfYear{}, Errorf(EInvalid, "period %q: write a half-year as 2026-H1 (January–June) or 2026-H2 (July–December)", s)
	}
	return h, nil
}

// UsagePeriods are the half-years a grant owes a usage report for on
// today (MZ 39: 每半年向 … 反馈公共数据的使用情况): every half-year it was in
// force in, from its creation to its end (its last day; a suspension does
// not end it, a revocation does), that has begun by today. A period's
// report is due by its last day; one not filed once the period is over is
// missing.
func UsagePeriods(created time.Time, ended *time.Time, today Date) []HalfYear {
	last := today
	if ended != nil && DateOf(*ended).Before(last) {
		last = DateOf(*ended)
	}
	var out []HalfYear
	for h := HalfYearOf(DateOf(created)); !last.Before(h.First()); h = h.Next() {
		out = append(out, h)
	}
	return out
}

// MissingUsageReports are the periods of UsagePeriods that are over by
// today without a report among filed.
func MissingUsageReports(created time.Time, ended *time.Time, today Date, filed map[HalfYear]bool) []HalfYear {
	var out []HalfYear
	for _, h := range UsagePeriods(created, ended, today) {
		if h.Last().Before(today) && !filed[h] {
			out = append(out, h)
		}
	}
	return out
}

// UsageReportInput is a using department's report on one grant for one
// period (MZ 39: 数据应用场景、应用成效、安全保障).
type UsageReportInput struct {
	GrantID          int64
	Period           HalfYear
	Scenario         string
	Outcome          string
	SecurityMeasures string
}

// ValidateUsageReport checks a report of v on grant g (held by
// holder, created and ended as given) on today.
func ValidateUsageReport(v Viewer, holder int64, created time.Time, ended *time.Time, in UsageReportInput, today Date) error {
	// SECURITY: the using department reports on its own use.
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role != RoleDepartment || v.DepartmentID == 0 || v.DepartmentID != holder {
		return Errorf(EForbidden, "the department holding the grant reports on its use (MZ 39: 数据使用机构)")
	}
	var bad []string
	inForce := false
	for _, h := range UsagePeriods(created, ended, today) {
		inForce = inForce || h == in.Period
	}
	if !inForce {
		bad = append(bad, "period "+in.Period.String()+" is not a half-year the grant was in force in, up to now")
	}
	for name, val := range map[string]string{"scenario (数据应用场景)": in.Scenario, "outcome (应用成效)": in.Outcome, "securityMeasures (安全保障)": in.SecurityMeasures} {
		if strings.TrimSpace(val) == "" {
			bad = append(bad, "MZ 39: "+name+" is required")
		}
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the usage report cannot be filed: %s", strings.Join(bad, "; "))
	}
	return nil
}

// UsageReport is a filed report.
type UsageReport struct {
	GrantID          int64
	Period           HalfYear
	Scenario         string
	Outcome          string
	SecurityMeasures string
	FiledBy          string
	FiledAt          time.Time
}

// Index numbers periods consecutively (year × 2 + half − 1), as the store
// keeps them to compare periods in SQL.
func (h HalfYear) Index() int { return h.Year*2 + h.Half - 1 }
