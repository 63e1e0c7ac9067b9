package domain

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// ChinaTime is the zone deadlines are counted in (UTC+8, no daylight
// saving).
var ChinaTime = time.FixedZone("CST", 8*60*60)

// Date is a calendar day, without a time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the day t falls on in China time.
func DateOf(t time.Time) Date {
	y, m, d := t.In(ChinaTime).Date()
	return Date{y, m, d}
}

// ParseDate reads an ISO 8601 date (2025-10-01).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(EInvalid, "%q is not a date: write it as YYYY-MM-DD", s)
	}
	return DateOf(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, ChinaTime)), nil
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, ChinaTime) }

// StartOfDay is the first instant of d in China time.
func (d Date) StartOfDay() time.Time { return d.time() }

// AddMonths returns the day n months after d, on the last day of the
// month where d's day does not exist in it (2024-02-29 + 12 months =
// 2025-02-28), as PostgreSQL's date + interval does.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 12, 0, 0, 0, ChinaTime).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}

// AddDays returns the day n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n).Add(12 * time.Hour)) }

func (d Date) Weekday() time.Weekday { return d.time().Weekday() }
func (d Date) Before(e Date) bool    { return d.time().Before(e.time()) }
func (d Date) String() string        { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// EndOfDay is the last instant of d in China time that PostgreSQL can
// store (it keeps microseconds): a deadline on d is met by anything before
// the next day begins.
func (d Date) EndOfDay() time.Time { return d.AddDays(1).time().Add(-time.Microsecond) }

// HolidaySchedule is the State Council's schedule for one year: the public
// holidays (off days) and the weekend days made working days (调休).
type HolidaySchedule struct {
	Year int
	// Days overrides the Monday-Friday rule: true = off (a holiday),
	// false = a make-up working day.
	Days map[Date]bool
	// Names of the holidays by day, for display.
	Names map[Date]string
	// Papers are the State Council notices the schedule comes from.
	Papers []string
}

// ParseHolidaySchedule reads a schedule in the holiday-cn JSON format
// (github.com/NateScarlet/holiday-cn), the form the State Council
// schedules are kept in.
func ParseHolidaySchedule(data []byte) (HolidaySchedule, error) {
	var raw struct {
		Year   int      `json:"year"`
		Papers []string `json:"papers"`
		Days   []struct {
			Name     string `json:"name"`
			Date     string `json:"date"`
			IsOffDay *bool  `json:"isOffDay"`
		} `json:"days"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return HolidaySchedule{}, Errorf(EInvalid, "the holiday schedule is not valid JSON in the holiday-cn format: %v", err)
	}
	if raw.Year < 2000 || raw.Year > 2200 {
		return HolidaySchedule{}, Errorf(EInvalid, "the holiday schedule's year %d is not plausible", raw.Year)
	}
	s := HolidaySchedule{Year: raw.Year, Days: map[Date]bool{}, Names: map[Date]string{}, Papers: raw.Papers}
	for _, d := range raw.Days {
		day, err := ParseDate(d.Date)
		if err != nil {
			return HolidaySchedule{}, err
		}
		if d.IsOffDay == nil {
			return HolidaySchedule{}, Errorf(EInvalid, "holiday schedule %d: day %s lacks isOffDay", raw.Year, d.Date)
		}
		// holiday-cn lists a make-up working day of early January in
		// the previous year's file too; a day belongs to its own year.
		if day.Year != raw.Year && day.Year != raw.Year+1 && day.Year != raw.Year-1 {
			return HolidaySchedule{}, Errorf(EInvalid, "holiday schedule %d lists %s, outside the year", raw.Year, d.Date)
		}
		s.Days[day] = *d.IsOffDay
		s.Names[day] = d.Name
	}
	return s, nil
}

// Calendar decides working days from published holiday schedules. A day
// of a year with no published schedule is not guessed from weekends: it is
// an error, because a deadline computed that way may be wrong by a week.
type Calendar struct {
	// Revision identifies the set of schedules; each stored deadline
	// records the revision it was computed with.
	Revision int64
	years    map[int]bool
	days     map[Date]bool
}

// NewCalendar builds a calendar from schedules.
func NewCalendar(revision int64, schedules []HolidaySchedule) *Calendar {
	c := &Calendar{Revision: revision, years: map[int]bool{}, days: map[Date]bool{}}
	// Older schedules first, so a year's own file wins for its days.
	sort.Slice(schedules, func(i, j int) bool { return schedules[i].Year < schedules[j].Year })
	for _, s := range schedules {
		c.years[s.Year] = true
		for d, off := range s.Days {
			if d.Year == s.Year || !c.hasOverride(d) {
				c.days[d] = off
			}
		}
	}
	return c
}

func (c *Calendar) hasOverride(d Date) bool { _, ok := c.days[d]; return ok }

// Years lists the years with a published schedule, in order.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// noSchedule refuses to count days in a year without a published
// schedule.
func noSchedule(year int) error {
	return Errorf(EPrecondition, "no State Council holiday schedule for %d is in the calendar yet: "+
		"the data authority must add it (addHolidaySchedule) before deadlines reaching into %d can be set", year, year)
}

// IsWorkingDay reports whether d is a working day: Monday to Friday and not
// a public holiday, or a make-up working day (调休).
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if !c.years[d.Year] {
		return false, noSchedule(d.Year)
	}
	if off, ok := c.days[d]; ok {
		return !off, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// AddWorkingDays answers "within n working days of an event on day d": the
// nth working day after d. The day of the event itself never counts,
// whatever the hour (MZ 7, NY 22 count from the day after receipt).
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, Errorf(EInvalid, "a deadline of %d working days is negative", n)
	}
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// Deadline is a due date counted in working days, with the calendar
// revision it was computed with.
type Deadline struct {
	Due      Date
	DueAt    time.Time // the end of Due, China time
	Revision int64
	// Start is the event the deadline counts from.
	Start time.Time
	// Days is the number of working days allowed; Kind and Citation say
	// which rule of which profile set it (zero for a bare DeadlineAfter).
	Days     int
	Kind     DeadlineKind
	Citation string
}

// DeadlineAfter is the deadline n working days after an event at t.
func (c *Calendar) DeadlineAfter(t time.Time, n int) (Deadline, error) {
	due, err := c.AddWorkingDays(DateOf(t), n)
	if err != nil {
		return Deadline{}, err
	}
	return Deadline{Due: due, DueAt: due.EndOfDay(), Revision: c.Revision, Start: t, Days: n}, nil
}

// WorkingDaysLeft counts the working days after today up to and including
// due: 0 when due is today, negative when it has passed (by the working
// days since). Days without a schedule count as an error.
func (c *Calendar) WorkingDaysLeft(today, due Date) (int, error) {
	from, to, sign := today, due, 1
	if due.Before(today) {
		from, to, sign = due, today, -1
	}
	n := 0
	for d := from.AddDays(1); !to.Before(d); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// MarshalGQL writes d as a GraphQL Date (ISO 8601, 2025-10-01).
func (d Date) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, `"`+d.String()+`"`) }

// UnmarshalGQL reads a GraphQL Date.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EInvalid, "a Date is a string such as 2025-10-01, not %T", v)
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
