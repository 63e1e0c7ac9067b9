package domain

import (
	"strings"
	"time"
)

// DataUpdate is one update of a resource's data by its source department
// (MZ 13: 按照公共数据资源目录中的更新频率 … 进行更新), as it records it.
type DataUpdate struct {
	ID         int64
	ResourceID int64
	// At is when the data was updated; Rows how many rows it holds after.
	At         time.Time
	Rows       int64
	RecordedBy Actor
	RecordedAt time.Time
}

// updateIntervals is how long data of each declared frequency may go
// without an update. MZ 13 sets the duty, not the arithmetic: a period of
// the frequency itself, REAL_TIME held to a day (a real-time feed silent
// for a day has stopped), IRREGULAR never due.
var updateIntervals = map[UpdateFrequency]struct{ months, days int }{
	FreqRealTime:   {0, 1},
	FreqDaily:      {0, 1},
	FreqWeekly:     {0, 7},
	FreqMonthly:    {1, 0},
	FreqQuarterly:  {3, 0},
	FreqHalfYearly: {6, 0},
	FreqYearly:     {12, 0},
}

// NextUpdateDue is when data of frequency f last updated at last (or,
// never updated, published at last) must next be updated (MZ 13); false
// for IRREGULAR data, which is never due.
func NextUpdateDue(f UpdateFrequency, last time.Time) (time.Time, bool) {
	iv, ok := updateIntervals[f]
	if !ok || last.IsZero() {
		return time.Time{}, false
	}
	// Counted on China's calendar and, for months, clamped to the month's
	// last day (01-31 + 1 month = 02-28), as the store's queries count it
	// with PostgreSQL's timestamp + interval.
	c := last.In(ChinaTime)
	d := DateOf(c).AddMonths(iv.months)
	due := time.Date(d.Year, d.Month, d.Day, c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), ChinaTime)
	return due.AddDate(0, 0, iv.days), true
}

// StaleAt: MZ 13: at now, data of frequency f last updated at last (zero:
// never; then counted from since, its publication) is older than its
// frequency allows. An entry not yet published is never stale.
func StaleAt(f UpdateFrequency, last, since, now time.Time) bool {
	from := last
	if from.IsZero() {
		from = since
	}
	due, ok := NextUpdateDue(f, from)
	return ok && now.After(due)
}

// ValidateDataUpdate checks an update as recorded at now: it happened,
// not in the future (a minute of clock skew allowed), and rows counts.
func ValidateDataUpdate(at time.Time, rows int64, now time.Time) error {
	var bad []string
	if at.IsZero() {
		bad = append(bad, "at: say when the data was updated")
	} else if at.After(now.Add(time.Minute)) {
		bad = append(bad, "at: "+at.Format(time.RFC3339)+" is in the future; record an update once it is made")
	}
	if rows < 0 {
		bad = append(bad, "rows: the number of rows cannot be negative")
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the update cannot be recorded: %s", strings.Join(bad, "; "))
	}
	return nil
}

// MayRecordDataUpdate: MZ 13 is the source department's duty, so it
// records its own updates.
func MayRecordDataUpdate(v Viewer, sourceDepartmentID int64) error {
	if v.Role == RoleDepartment && v.DepartmentID != 0 && v.DepartmentID == sourceDepartmentID {
		return nil
	}
	return Errorf(EForbidden, "MZ 13: a resource's updates are recorded by its source department")
}
