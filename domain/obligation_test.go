package domain

import (
	"strings"
	"testing"
	"time"
)

func TestOversightScope(t *testing.T) {
	const own, other = 3, 4
	for _, tt := range []struct {
		v          Viewer
		refused    bool
		own, else_ bool
	}{
		{Public, true, false, false},
		{Viewer{Role: RolePerson, DataSubject: "441402198507150012"}, true, false, false},
		{Viewer{Role: RoleDepartment}, true, false, false}, // a department token without a department
		{Viewer{Role: RoleDepartment, DepartmentID: own}, false, true, false},
		{Viewer{Role: RoleAuthority}, false, true, true},
		{Viewer{Role: RoleAuditor}, false, true, true},
	} {
		s, err := OversightScopeFor(tt.v)
		if (err != nil) != tt.refused || err != nil && ErrorCode(err) != EForbidden {
			t.Errorf("%s: %v", tt.v.Role, err)
		}
		if s.Contains(own) != tt.own || s.Contains(other) != tt.else_ {
			t.Errorf("%s (department %d): own %v, other %v", tt.v.Role, tt.v.DepartmentID, s.Contains(own), s.Contains(other))
		}
	}
}

// MZ 8, WZ 11: the department or the authority records a change; auditors
// change nothing. QY 8: only the department records its full review.
func TestMayRecordChangeAndReview(t *testing.T) {
	const own, other = 3, 4
	for _, tt := range []struct {
		v              Viewer
		change, review bool
	}{
		{Viewer{Role: RoleDepartment, DepartmentID: own}, true, true},
		{Viewer{Role: RoleDepartment, DepartmentID: other}, false, false},
		{Viewer{Role: RoleAuthority}, true, false},
		{Viewer{Role: RoleAuditor}, false, false},
		{Viewer{Role: RolePerson}, false, false},
		{Public, false, false},
	} {
		if err := MayRecordChange(tt.v, own); (err == nil) != tt.change || err != nil && ErrorCode(err) != EForbidden {
			t.Errorf("%s/%d records a change: %v, want allowed %v", tt.v.Role, tt.v.DepartmentID, err, tt.change)
		}
		if err := MayRecordFullReview(tt.v, own); (err == nil) != tt.review || err != nil && ErrorCode(err) != EForbidden {
			t.Errorf("%s/%d records a full review: %v, want allowed %v", tt.v.Role, tt.v.DepartmentID, err, tt.review)
		}
	}
}

func TestValidateChangeObligation(t *testing.T) {
	today := date(t, "2026-03-10")
	ok := ChangeObligationInput{DepartmentID: 1, Reason: ChangeDuties, Description: "机构改革，职能划入", OccurredOn: today}
	for _, tt := range []struct {
		name   string
		change func(*ChangeObligationInput)
		want   string // "" valid
	}{
		{"valid today", func(*ChangeObligationInput) {}, ""},
		{"valid in the past", func(in *ChangeObligationInput) { in.OccurredOn = date(t, "2025-01-02") }, ""},
		{"future", func(in *ChangeObligationInput) { in.OccurredOn = date(t, "2026-03-11") }, "in the future"},
		{"no description", func(in *ChangeObligationInput) { in.Description = "  " }, "description is required"},
		{"unknown reason", func(in *ChangeObligationInput) { in.Reason = "WEATHER" }, "not one of LEGAL_BASIS"},
	} {
		in := ok
		tt.change(&in)
		err := ValidateChangeObligation(in, today)
		if tt.want == "" && err != nil || tt.want != "" && (ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// The update deadline counts from the day of the change, for every
// profile's number, across National Day 2025.
func TestChangeObligationDeadline(t *testing.T) {
	cal := seededCalendar(t)
	for _, tt := range []struct{ profile, occurred, due, citation string }{
		{"meizhou", "2025-09-30", "2025-10-28", "MZ 8"},  // 15
		{"qingyang", "2025-09-30", "2025-10-28", "QY 8"}, // 15
		{"nanyang", "2025-09-30", "2025-10-14", "NY 22"}, // 5
		{"wenzhou", "2025-09-30", "2025-10-14", "WZ 11"}, // 5
		{"wenzhou", "2025-10-01", "2025-10-14", "WZ 11"}, // a change on a holiday: 10-09 is the first working day after it
		{"jiangmen", "2025-09-30", "2025-10-28", "default"},
	} {
		p, _ := LookupProfile(tt.profile)
		d, err := ChangeObligationDeadline(p, cal, date(t, tt.occurred))
		if err != nil || d.Due.String() != tt.due || !strings.Contains(d.Citation, tt.citation) || d.Kind != DeadlineCatalogueUpdate {
			t.Errorf("%s from %s: %+v, %v; want %s citing %s", tt.profile, tt.occurred, d, err, tt.due, tt.citation)
		}
		if !d.Start.Equal(time.Date(d.Start.Year(), d.Start.Month(), d.Start.Day(), 0, 0, 0, 0, ChinaTime)) || DateOf(d.Start).String() != tt.occurred {
			t.Errorf("%s: starts %s, want the beginning of %s", tt.profile, d.Start, tt.occurred)
		}
	}
}

func TestChangeObligationState(t *testing.T) {
	cal := seededCalendar(t)
	p, _ := LookupProfile("wenzhou")
	d, err := ChangeObligationDeadline(p, cal, date(t, "2025-09-30")) // due 2025-10-14
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string, h int) time.Time {
		x := date(t, s)
		return time.Date(x.Year, x.Month, x.Day, h, 0, 0, 0, ChinaTime)
	}
	for _, tt := range []struct {
		name    string
		met     *time.Time
		now     time.Time
		overdue bool
		onTime  string // "", "true", "false"
	}{
		{"open, before the due day", nil, at("2025-10-13", 9), false, ""},
		{"open, on the due day's evening", nil, at("2025-10-14", 23), false, ""},
		{"open, the day after", nil, at("2025-10-15", 0), true, ""},
		{"met on the due day", ptr(at("2025-10-14", 22)), at("2025-11-01", 9), false, "true"},
		{"met late", ptr(at("2025-10-15", 9)), at("2025-11-01", 9), false, "false"},
	} {
		o := &ChangeObligation{Deadline: d, MetAt: tt.met}
		got := ""
		if b := o.MetOnTime(); b != nil {
			got = map[bool]string{true: "true", false: "false"}[*b]
		}
		if o.OverdueAt(tt.now) != tt.overdue || got != tt.onTime || o.Met() != (tt.met != nil) {
			t.Errorf("%s: overdue %v, on time %q", tt.name, o.OverdueAt(tt.now), got)
		}
	}
	// A submission late in the evening meets the changes of that day.
	if got := LastChangeMetBy(time.Date(2025, 10, 13, 23, 30, 0, 0, ChinaTime)); got.String() != "2025-10-13" {
		t.Errorf("LastChangeMetBy = %s", got)
	}
	if got := LastChangeMetBy(time.Date(2025, 10, 13, 16, 30, 0, 0, time.UTC)); got.String() != "2025-10-14" {
		t.Errorf("LastChangeMetBy counts in China time: %s", got)
	}
}

func ptr[T any](v T) *T { return &v }

// QY 8: a full check at least once a year; the default profile and the
// silent cities follow it.
func TestFullReview(t *testing.T) {
	for _, name := range ProfileNames() {
		p, _ := LookupProfile(name)
		want := name != "qingyang" && name != "default"
		if p.FullReview.Months != 12 || p.FullReview.Defaulted != want || !strings.Contains(p.FullReview.Citation, "QY 8") {
			t.Errorf("%s full review %+v", name, p.FullReview)
		}
	}
	rule := FullReviewRule{Months: 12, Citation: "QY 8"}
	listed := date(t, "2025-03-01")
	for _, tt := range []struct {
		name    string
		last    string
		today   string
		due     string
		overdue bool
	}{
		{"never reviewed, within a year of listing", "", "2026-02-28", "2026-03-01", false},
		{"never reviewed, due today", "", "2026-03-01", "2026-03-01", false},
		{"never reviewed, a year and a day", "", "2026-03-02", "2026-03-01", true},
		{"reviewed, next due a year on", "2025-10-01", "2026-09-30", "2026-10-01", false},
		{"reviewed, overdue", "2025-10-01", "2026-10-02", "2026-10-01", true},
		{"leap day: the last day of the month", "2024-02-29", "2025-02-28", "2025-02-28", false},
		{"leap day, the day after", "2024-02-29", "2025-03-01", "2025-02-28", true},
	} {
		var last *FullReview
		if tt.last != "" {
			last = &FullReview{ReviewedOn: date(t, tt.last)}
		}
		s := FullReviewStatusOf(rule, last, listed, date(t, tt.today))
		if s.Due.String() != tt.due || s.Overdue != tt.overdue || s.Last != last {
			t.Errorf("%s: due %s overdue %v, want %s %v", tt.name, s.Due, s.Overdue, tt.due, tt.overdue)
		}
	}
	today := date(t, "2026-03-10")
	if err := ValidateFullReview(date(t, "2026-03-11"), today, "ok"); ErrorCode(err) != EInvalid {
		t.Errorf("future review: %v", err)
	}
	if err := ValidateFullReview(today, today, " "); ErrorCode(err) != EInvalid {
		t.Errorf("review without a note: %v", err)
	}
	if err := ValidateFullReview(today, today, "核查目录 12 条"); err != nil {
		t.Errorf("valid review: %v", err)
	}
}
