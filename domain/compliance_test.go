package domain

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

func TestJudge(t *testing.T) {
	due := Date{2026, 3, 11}.EndOfDay()
	done := func(s string) *time.Time { x := at(s); return &x }
	for _, c := range []struct {
		name string
		done *time.Time
		now  string
		want Timeliness
	}{
		{"done before the deadline", done("2026-03-05 10:00"), "2026-04-01 00:00", OnTime},
		{"done on the deadline's last minute", done("2026-03-11 23:59"), "2026-04-01 00:00", OnTime},
		{"done the day after", done("2026-03-12 00:00"), "2026-04-01 00:00", Late},
		{"undone, the deadline not passed", nil, "2026-03-11 18:00", NotDue},
		{"undone, the deadline passed", nil, "2026-03-12 00:01", Overdue},
		{"done late, judged later", done("2026-03-20 10:00"), "2027-01-01 00:00", Late},
	} {
		if got := Judge(due, c.done, at(c.now)); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	var r Ratio
	for _, j := range []Timeliness{OnTime, Late, Overdue, NotDue, OnTime} {
		r.Add(j)
	}
	if r != (Ratio{Met: 2, Due: 4}) || *r.Rate() != 0.5 || (Ratio{}).Rate() != nil {
		t.Errorf("ratio %+v", r)
	}
}

func TestNewPeriod(t *testing.T) {
	today := Date{2026, 12, 3}
	d := func(y, m, day int) *Date { x := Date{y, time.Month(m), day}; return &x }
	for _, c := range []struct {
		name     string
		from, to *Date
		want     Period
		bad      bool
	}{
		{"defaults: this year to today", nil, nil, Period{Date{2026, 1, 1}, today}, false},
		{"a year", d(2025, 1, 1), d(2025, 12, 31), Period{Date{2025, 1, 1}, Date{2025, 12, 31}}, false},
		{"only to: from its year's start", nil, d(2025, 6, 30), Period{Date{2025, 1, 1}, Date{2025, 6, 30}}, false},
		{"one day", d(2026, 3, 1), d(2026, 3, 1), Period{Date{2026, 3, 1}, Date{2026, 3, 1}}, false},
		{"reversed", d(2026, 3, 2), d(2026, 3, 1), Period{}, true},
		{"starting after today", d(2026, 12, 4), d(2026, 12, 31), Period{}, true},
		{"ending after today", d(2026, 12, 1), d(2026, 12, 31), Period{Date{2026, 12, 1}, Date{2026, 12, 31}}, false},
		{"36 months less a day", d(2023, 1, 1), d(2025, 12, 31), Period{Date{2023, 1, 1}, Date{2025, 12, 31}}, false},
		{"36 months", d(2023, 1, 1), d(2026, 1, 1), Period{}, true},
	} {
		p, err := NewPeriod(c.from, c.to, today)
		if (err != nil) != c.bad || !c.bad && p != c.want {
			t.Errorf("%s: %+v %v", c.name, p, err)
		}
		if err != nil && ErrorCode(err) != EInvalid {
			t.Errorf("%s: code %s", c.name, ErrorCode(err))
		}
	}
	p := Period{Date{2026, 1, 15}, Date{2026, 7, 1}}
	if m := p.Months(); len(m) != 7 || m[0] != (Date{2026, 1, 1}) || m[6] != (Date{2026, 7, 1}) {
		t.Errorf("months %v", m)
	}
	if h := p.HalfYears(); len(h) != 1 || h[0] != (HalfYear{2026, 1}) {
		t.Errorf("half-years ending in %v: %v", p, h)
	}
	if h := (Period{Date{2025, 7, 1}, Date{2026, 12, 31}}).HalfYears(); len(h) != 3 || h[0] != (HalfYear{2025, 2}) || h[2] != (HalfYear{2026, 2}) {
		t.Errorf("half-years %v", h)
	}
	if got := p.AsOf(at("2026-03-01 10:00")); !got.Equal(at("2026-03-01 10:00")) {
		t.Errorf("as of during the period: %v", got)
	}
	if got := p.AsOf(at("2027-03-01 10:00")); !got.Equal(Date{2026, 7, 1}.EndOfDay()) {
		t.Errorf("as of after the period: %v", got)
	}
}

func TestFullReviewDone(t *testing.T) {
	asOf := Date{2026, 6, 30}
	for _, c := range []struct {
		last *Date
		want bool
	}{
		{nil, false},
		{&Date{2025, 6, 30}, true}, // a year to the day
		{&Date{2025, 6, 29}, false},
		{&Date{2026, 6, 30}, true},
		{&Date{2026, 7, 1}, false}, // after the moment judged
	} {
		if got := FullReviewDone(c.last, asOf); got != c.want {
			t.Errorf("last %v: %v, want %v", c.last, got, c.want)
		}
	}
}

func TestRegionPrefix(t *testing.T) {
	for code, want := range map[string]string{"441400": "4414", "440000": "44", "441402": "441402", "441481": "441481", "100000": "10"} {
		if got := RegionPrefix(code); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
}

func TestAnswerDays(t *testing.T) {
	cal := seededCalendar(t)
	for _, c := range []struct {
		submitted, answered string
		want                int
		ok                  bool
	}{
		{"2026-03-02 09:00", "2026-03-02 17:00", 0, true},
		{"2026-03-02 09:00", "2026-03-04 15:00", 2, true},
		{"2026-03-06 09:00", "2026-03-09 09:00", 1, true},  // a weekend between
		{"2026-09-30 09:00", "2026-10-09 10:00", 2, true},  // National Day: 10-01 to 10-07 off
		{"2026-02-13 10:00", "2026-02-28 10:00", 6, true},  // Spring Festival: 02-14 and 02-28 (Saturdays) made up, 02-15 to 02-23 off
		{"2026-12-30 10:00", "2027-01-04 10:00", 0, false}, // no 2027 schedule
	} {
		n, ok := AnswerDays(cal, at(c.submitted), at(c.answered))
		if n != c.want || ok != c.ok {
			t.Errorf("%s to %s: %d %v, want %d %v", c.submitted, c.answered, n, ok, c.want, c.ok)
		}
	}
}

func TestMayReadCompliance(t *testing.T) {
	for _, c := range []struct {
		v    Viewer
		dept int64
		ok   bool
	}{
		{Viewer{Role: RoleAuthority}, 0, true},
		{Viewer{Role: RoleAuditor}, 7, true},
		{Viewer{Role: RoleDepartment, DepartmentID: 7}, 0, true},
		{Viewer{Role: RoleDepartment, DepartmentID: 7}, 7, true},
		{Viewer{Role: RoleDepartment, DepartmentID: 7}, 8, false},
		{Viewer{Role: RolePerson, Subject: "x"}, 0, false},
		{Viewer{}, 0, false},
	} {
		err := MayReadCompliance(c.v, c.dept)
		if (err == nil) != c.ok || err != nil && ErrorCode(err) != EForbidden {
			t.Errorf("%+v for %d: %v", c.v, c.dept, err)
		}
	}
}

func TestViolationArticles(t *testing.T) {
	for _, k := range ViolationKinds {
		if len(k.Articles()) == 0 || violationRecords[k] == "" {
			t.Errorf("%s: no article or record kind", k)
		}
	}
	if ViolationShareRequestLate.Article() != "QY 32(7)" || ViolationStaleData.Articles()[3] != "MZ 13" || ViolationUsageReportMissing.Article() != "MZ 39" {
		t.Error("articles changed")
	}
}

func TestSortScorecards(t *testing.T) {
	a := &ComplianceFigures{DepartmentID: 1, Violations: 3, ShareRequests: Ratio{1, 2}}
	b := &ComplianceFigures{DepartmentID: 2, Violations: 3, ShareRequests: Ratio{2, 2}}
	c := &ComplianceFigures{DepartmentID: 3, Violations: 9}
	names := map[int64]string{1: "乙", 2: "甲", 3: "丙"}
	for _, x := range []struct {
		key  ScorecardField
		desc bool
		want []int64
	}{
		{ScorecardByName, false, []int64{3, 1, 2}}, // 丙 < 乙 < 甲 by code point
		{ScorecardByViolations, true, []int64{3, 1, 2}},
		{ScorecardByViolations, false, []int64{1, 2, 3}}, // ties by name
		{ScorecardByShareRequestRate, false, []int64{1, 2, 3}},
		{ScorecardByShareRequestRate, true, []int64{2, 1, 3}}, // none due sorts last either way
	} {
		cards := []*ComplianceFigures{a, b, c}
		SortScorecards(cards, names, x.key, x.desc)
		for i, id := range x.want {
			if cards[i].DepartmentID != id {
				t.Errorf("%s desc=%v: %d at %d, want %v", x.key, x.desc, cards[i].DepartmentID, i, x.want)
				break
			}
		}
	}
}

func TestComplianceScopeValidate(t *testing.T) {
	for _, c := range []struct {
		s  ComplianceScope
		ok bool
	}{
		{ComplianceScope{}, true},
		{ComplianceScope{RegionCode: "441400", Level: LevelCounty}, true},
		{ComplianceScope{RegionCode: "4414"}, false},
		{ComplianceScope{RegionCode: "44140a"}, false},
		{ComplianceScope{Level: "PROVINCE"}, false},
	} {
		if err := c.s.Validate(); (err == nil) != c.ok || err != nil && ErrorCode(err) != EInvalid {
			t.Errorf("%+v: %v", c.s, err)
		}
	}
}
