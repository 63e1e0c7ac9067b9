package domain

import (
	"strings"
	"testing"
	"time"
)

// MZ 13: data is stale once older than its declared frequency allows.
func TestStaleAt(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	published := at("2026-01-01 09:00")
	tests := []struct {
		f         UpdateFrequency
		last, now string
		stale     bool
	}{
		{FreqDaily, "2026-03-01 08:00", "2026-03-02 08:00", false},
		{FreqDaily, "2026-03-01 08:00", "2026-03-02 08:01", true},
		{FreqRealTime, "2026-03-01 08:00", "2026-03-02 09:00", true},
		{FreqWeekly, "2026-03-01 08:00", "2026-03-08 08:00", false},
		{FreqWeekly, "2026-03-01 08:00", "2026-03-08 09:00", true},
		{FreqMonthly, "2026-01-31 08:00", "2026-02-28 08:00", false}, // 01-31 + 1 month is 02-28, as in PostgreSQL
		{FreqMonthly, "2026-01-31 08:00", "2026-02-28 08:01", true},
		{FreqMonthly, "2026-03-31 23:30", "2026-04-30 23:30", false},
		{FreqQuarterly, "2026-01-15 08:00", "2026-04-15 07:00", false},
		{FreqHalfYearly, "2026-01-15 08:00", "2026-07-16 08:00", true},
		{FreqYearly, "2026-01-15 08:00", "2026-12-31 08:00", false},
		{FreqIrregular, "2020-01-01 08:00", "2026-12-31 08:00", false},
		// Never updated: counted from publication.
		{FreqMonthly, "", "2026-01-31 09:00", false},
		{FreqMonthly, "", "2026-02-02 09:00", true},
	}
	for _, tt := range tests {
		var last time.Time
		if tt.last != "" {
			last = at(tt.last)
		}
		if got := StaleAt(tt.f, last, published, at(tt.now)); got != tt.stale {
			t.Errorf("%s last %q at %s: stale %v, want %v", tt.f, tt.last, tt.now, got, tt.stale)
		}
	}
	if StaleAt(FreqDaily, time.Time{}, time.Time{}, at("2026-12-31 08:00")) {
		t.Error("an unpublished entry never updated is stale")
	}
}

func TestValidateDataUpdate(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, ChinaTime)
	for _, tt := range []struct {
		at   time.Time
		rows int64
		want string
	}{
		{now.Add(-time.Hour), 1200, ""},
		{now.Add(30 * time.Second), 0, ""},
		{now.Add(time.Hour), 1, "in the future"},
		{time.Time{}, 1, "say when"},
		{now, -1, "negative"},
	} {
		err := ValidateDataUpdate(tt.at, tt.rows, now)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%v %d: %v", tt.at, tt.rows, err)
		}
	}
	if MayRecordDataUpdate(Viewer{Role: RoleDepartment, DepartmentID: 3}, 3) != nil ||
		MayRecordDataUpdate(Viewer{Role: RoleDepartment, DepartmentID: 4}, 3) == nil ||
		MayRecordDataUpdate(Viewer{Role: RoleAuthority}, 3) == nil {
		t.Error("only the source department records its updates")
	}
}
