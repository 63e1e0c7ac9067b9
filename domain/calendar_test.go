package domain

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/citydata/catalogue/holidays"
)

func seededCalendar(t *testing.T) *Calendar {
	t.Helper()
	files, err := fs.Glob(holidays.FS, "*.json")
	if err != nil || len(files) != 8 {
		t.Fatalf("holiday files: %v %v", files, err)
	}
	var schedules []HolidaySchedule
	for _, f := range files {
		b, _ := fs.ReadFile(holidays.FS, f)
		s, err := ParseHolidaySchedule(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		schedules = append(schedules, s)
	}
	return NewCalendar(1, schedules)
}

func date(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAddWorkingDays(t *testing.T) {
	c := seededCalendar(t)
	for _, tt := range []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2025-09-30", 5, "2025-10-14", "National Day 10-01..10-08 off; Saturday 10-11 a make-up working day"},
		{"2025-09-30", 1, "2025-10-09", "the first working day after the holiday"},
		{"2025-09-27", 1, "2025-09-28", "Sunday 09-28 is a make-up working day"},
		{"2025-01-24", 5, "2025-02-07", "Spring Festival 01-28..02-04 off; Sunday 01-26 works: 01-26, 01-27, 02-05, 02-06, 02-07"},
		{"2025-01-25", 1, "2025-01-26", "Sunday 01-26 is a make-up working day"},
		{"2026-02-13", 1, "2026-02-14", "Saturday 2026-02-14 is a make-up working day"},
		{"2026-02-14", 1, "2026-02-24", "Spring Festival 2026: 02-15..02-23 off"},
		{"2024-12-31", 1, "2025-01-02", "New Year's Day across the year boundary"},
		{"2025-06-27", 5, "2025-07-04", "an ordinary week"},
		{"2025-07-04", 1, "2025-07-07", "Friday to Monday"},
		{"2025-07-04", 0, "2025-07-04", "zero days is the day itself"},
		{"2020-01-23", 3, "2020-02-05", "Spring Festival 2020, extended by the State Council to 02-02"},
	} {
		got, err := c.AddWorkingDays(date(t, tt.from), tt.n)
		if err != nil {
			t.Errorf("%s + %d: %v", tt.from, tt.n, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("%s + %d working days = %s, want %s (%s)", tt.from, tt.n, got, tt.want, tt.why)
		}
	}
}

// A deadline reaching into a year without a published schedule is refused,
// never guessed from weekends.
func TestNoScheduleRefused(t *testing.T) {
	c := seededCalendar(t)
	_, err := c.AddWorkingDays(date(t, "2026-12-28"), 5)
	if ErrorCode(err) != EPrecondition || !strings.Contains(err.Error(), "2027") {
		t.Fatalf("err = %v, want FAILED_PRECONDITION naming 2027", err)
	}
	if _, err := c.IsWorkingDay(date(t, "2018-06-01")); err == nil {
		t.Error("2018 has no schedule but was answered")
	}
}

// The event's own day never counts, whatever the hour; the deadline is the
// end of the due day in China time.
func TestDeadlineAfter(t *testing.T) {
	c := seededCalendar(t)
	for _, at := range []time.Time{
		time.Date(2025, 9, 30, 0, 0, 1, 0, ChinaTime),
		time.Date(2025, 9, 30, 23, 59, 0, 0, ChinaTime),
		time.Date(2025, 9, 29, 16, 30, 0, 0, time.UTC), // 00:30 on 09-30 in China
	} {
		d, err := c.DeadlineAfter(at, 5)
		if err != nil {
			t.Fatal(err)
		}
		if d.Due.String() != "2025-10-14" || d.Revision != 1 {
			t.Errorf("DeadlineAfter(%s, 5) = %+v, want 2025-10-14 revision 1", at, d)
		}
		if want := time.Date(2025, 10, 14, 23, 59, 59, 999999000, ChinaTime); !d.DueAt.Equal(want) {
			t.Errorf("due at %s, want %s", d.DueAt, want)
		}
	}
}

func TestWorkingDaysLeft(t *testing.T) {
	c := seededCalendar(t)
	for _, tt := range []struct {
		today, due string
		want       int
	}{
		{"2025-09-30", "2025-10-14", 5},
		{"2025-10-14", "2025-10-14", 0},
		{"2025-10-15", "2025-10-14", -1},
		{"2025-10-20", "2025-10-14", -4},
	} {
		got, err := c.WorkingDaysLeft(date(t, tt.today), date(t, tt.due))
		if err != nil || got != tt.want {
			t.Errorf("WorkingDaysLeft(%s, %s) = %d, %v; want %d", tt.today, tt.due, got, err, tt.want)
		}
	}
}

func TestParseHolidayScheduleRefusesBadInput(t *testing.T) {
	for _, in := range []string{
		`not json`,
		`{"year": 1900, "days": []}`,
		`{"year": 2027, "days": [{"name": "春节", "date": "2027-02-31", "isOffDay": true}]}`,
		`{"year": 2027, "days": [{"name": "春节", "date": "2027-02-06"}]}`,
		`{"year": 2027, "days": [{"name": "春节", "date": "2030-02-06", "isOffDay": true}]}`,
	} {
		if _, err := ParseHolidaySchedule([]byte(in)); ErrorCode(err) != EInvalid {
			t.Errorf("ParseHolidaySchedule(%s) = %v, want BAD_USER_INPUT", in, err)
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, tt := range []struct {
		from string
		n    int
		want string
	}{
		{"2025-10-01", 12, "2026-10-01"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2025-01-31", 1, "2025-02-28"},
		{"2025-12-31", 2, "2026-02-28"},
		{"2025-03-31", -1, "2025-02-28"},
	} {
		if got := date(t, tt.from).AddMonths(tt.n); got.String() != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}
