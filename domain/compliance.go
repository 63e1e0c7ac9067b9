package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Compliance figures: what the data authority's yearly evaluation of each
// department (NY 59, WZ 40, QY 31) counts, from the records the catalogue
// keeps. The rules here say what each figure means; the store counts the
// rows each rule classifies.

// MayReadCompliance: the authority evaluates (NY 59, WZ 40, QY 31) and
// auditors check; a department sees its own figures only.
func MayReadCompliance(v Viewer, departmentID int64) error {
	switch {
	case v.Role == RoleAuthority || v.Role == RoleAuditor:
		return nil
	case v.Role == RoleDepartment && v.DepartmentID != 0 && (departmentID == 0 || departmentID == v.DepartmentID):
		return nil
	case v.Role == RoleDepartment && v.DepartmentID != 0:
		return Errorf(EForbidden, "a department sees its own compliance figures only: leave scope.departmentId out or give your own")
	}
	return Errorf(EForbidden, "compliance figures are for the data authority, auditors and each department about itself: sign in with such a token")
}

// ComplianceScope selects the departments a report covers; zero fields
// do not filter. A department viewer's scope is always itself.
type ComplianceScope struct {
	DepartmentID int64
	RegionCode   string
	Level        DepartmentLevel
}

var regionCodePattern = regexp.MustCompile(`^[0-9]{6}$`)

// Validate checks a scope's region code (six digits, as GB/T 2260) and
// level.
func (s ComplianceScope) Validate() error {
	if s.RegionCode != "" && !regionCodePattern.MatchString(s.RegionCode) {
		return Errorf(EInvalid, "scope.regionCode %q: give a six-digit administrative division code, e.g. 441400 for 梅州市", s.RegionCode)
	}
	if s.Level != "" && s.Level != LevelCity && s.Level != LevelCounty {
		return Errorf(EInvalid, "scope.level must be CITY or COUNTY, not %q", s.Level)
	}
	return nil
}

// Period is the evaluation period, From to To inclusive (China time).
type Period struct {
	From, To Date
}

// MaxPeriodMonths bounds a report: three years covers any yearly
// evaluation with its comparison years.
const MaxPeriodMonths = 36

// NewPeriod checks a period: from before or on to, at most
// MaxPeriodMonths long. A missing to is today; a missing from the first
// day of to's year, the period of a yearly evaluation.
func NewPeriod(from, to *Date, today Date) (Period, error) {
	p := Period{To: today}
	if to != nil {
		p.To = *to
	}
	p.From = Date{p.To.Year, time.January, 1}
	if from != nil {
		p.From = *from
	}
	if today.Before(p.From) {
		return Period{}, Errorf(EInvalid, "from (%s) is after today (%s): a report covers days that have begun", p.From, today)
	}
	if p.To.Before(p.From) {
		return Period{}, Errorf(EInvalid, "from (%s) is after to (%s): give a period that starts before it ends", p.From, p.To)
	}
	if !p.To.Before(p.From.AddMonths(MaxPeriodMonths)) {
		return Period{}, Errorf(EInvalid, "the period %s to %s is longer than %d months: ask for fewer years at a time", p.From, p.To, MaxPeriodMonths)
	}
	return p, nil
}

// Start and End are the first and the last instant of the period.
func (p Period) Start() time.Time { return p.From.StartOfDay() }
func (p Period) End() time.Time   { return p.To.EndOfDay() }

// AsOf is the instant the entries are counted at: the period's end, or
// now while it lasts.
func (p Period) AsOf(now time.Time) time.Time {
	if end := p.End(); end.Before(now) {
		return end
	}
	return now
}

// Months are the calendar months the period touches, for the monthly
// series.
func (p Period) Months() []Date {
	var out []Date
	for m := (Date{p.From.Year, p.From.Month, 1}); !p.To.Before(m); m = m.AddMonths(1) {
		out = append(out, m)
	}
	return out
}

// Timeliness is how a duty with a deadline stands at a moment.
type Timeliness int

const (
	// NotDue: undone, and its deadline has not passed.
	NotDue Timeliness = iota
	// OnTime: done by its deadline.
	OnTime
	// Late: done after its deadline.
	Late
	// Overdue: undone after its deadline.
	Overdue
)

// Judge is the one rule every "on time" figure follows: a duty due at due
// is on time when done by then (the deadline's last instant counts), late
// when done after, overdue when still undone at now after it, and not yet
// due otherwise. A deadline is judged when asked, not at the end of the
// period it fell in: a request due on the period's last day and left
// unanswered is overdue the day after. The store's queries count rows by
// this rule: done <= due on time; done > due late; undone with due < now
// overdue.
func Judge(due time.Time, done *time.Time, now time.Time) Timeliness {
	if done != nil {
		if done.After(due) {
			return Late
		}
		return OnTime
	}
	if due.Before(now) {
		return Overdue
	}
	return NotDue
}

// Ratio is how many of the duties that fell due were met on time.
type Ratio struct {
	Met, Due int
}

// Rate is Met/Of, or nil when nothing fell due.
func (r Ratio) Rate() *float64 {
	if r.Due == 0 {
		return nil
	}
	x := float64(r.Met) / float64(r.Due)
	return &x
}

// Add counts one judged duty: on time meets it, late or overdue fails it,
// not yet due is left out.
func (r *Ratio) Add(t Timeliness) {
	switch t {
	case OnTime:
		r.Met++
		r.Due++
	case Late, Overdue:
		r.Due++
	}
}

// Plus is r and o together.
func (r Ratio) Plus(o Ratio) Ratio { return Ratio{Met: r.Met + o.Met, Due: r.Due + o.Due} }

// FullReviewDone: QY 8 asks for a full check of the catalogue every
// year; a department whose last full review is more than a year before
// the moment judged has not done its yearly review.
func FullReviewDone(last *Date, asOf Date) bool {
	return last != nil && !last.Before(asOf.AddMonths(-12)) && !asOf.Before(*last)
}

// UpdateInterval is how long data of frequency f may go without an update
// (MZ 13; see updateIntervals), in months and days; false when it is never
// due (IRREGULAR).
func UpdateInterval(f UpdateFrequency) (months, days int, ok bool) {
	iv, ok := updateIntervals[f]
	return iv.months, iv.days, ok
}

// UpdateFrequencies are the declared frequencies.
func UpdateFrequencies() []UpdateFrequency { return slices.Clone(updateFrequencies) }

// ComplianceFigures are one department's figures for a period, or the
// sum over a scope. Counts of entries are as of the period's AsOf; the
// on-time ratios count duties whose deadline fell in the period.
type ComplianceFigures struct {
	DepartmentID int64
	// Month is the month's first day for a row of the monthly series.
	Month Date
	// Departments is how many departments the figures cover.
	Departments int

	// Catalogue (MZ 7, MZ 8, MZ 10, QY 8, NY 44).
	Entries                int
	RequiredComplete       int
	RestrictedMissingBasis int
	Reviews                Ratio
	ChangeObligations      Ratio
	// FullReviewsDone counts departments whose yearly full review (QY 8)
	// is done as of AsOf.
	FullReviewsDone int

	// Sharing (MZ 21-22, QY 16, WZ 20-22).
	ShareTypes              TypeCounts
	ShareRequests           Ratio
	MedianAnswerDays        *float64
	Answered                int
	RejectionsWithoutReason int
	BulkGrants              int
	GrantsSuspended         int
	GrantsRevoked           int

	// Opening (NY 44-46).
	OpenTypes    TypeCounts
	OpenRequests Ratio

	// Data quality (MZ 13, MZ 23, NY 65, WZ 23).
	ErrorsVerified  Ratio
	ErrorsCorrected Ratio
	// UpdateDue counts published entries with a declared frequency that
	// makes them due (not IRREGULAR); Stale those overdue at AsOf.
	UpdateDue int
	Stale     int

	// Use (MZ 39).
	UsageReports Ratio

	// Violations counts the violations found (ComplianceViolation).
	Violations int
}

// TypeCounts counts entries by share or open type.
type TypeCounts struct {
	Unconditional, Conditional, None int
}

// Total is the number of entries counted.
func (t TypeCounts) Total() int { return t.Unconditional + t.Conditional + t.None }

// UnconditionalShare is the fraction of entries of type UNCONDITIONAL, nil
// without entries: the catalogue's default is to share (MZ 9, NY 37).
func (t TypeCounts) UnconditionalShare() *float64 {
	if t.Total() == 0 {
		return nil
	}
	x := float64(t.Unconditional) / float64(t.Total())
	return &x
}

// Add sums o into f; additive figures only (the median is not: the store
// computes it for each group).
func (f *ComplianceFigures) Add(o *ComplianceFigures) {
	f.Departments += o.Departments
	f.Entries += o.Entries
	f.RequiredComplete += o.RequiredComplete
	f.RestrictedMissingBasis += o.RestrictedMissingBasis
	f.Reviews = f.Reviews.Plus(o.Reviews)
	f.ChangeObligations = f.ChangeObligations.Plus(o.ChangeObligations)
	f.FullReviewsDone += o.FullReviewsDone
	f.ShareTypes.Unconditional += o.ShareTypes.Unconditional
	f.ShareTypes.Conditional += o.ShareTypes.Conditional
	f.ShareTypes.None += o.ShareTypes.None
	f.ShareRequests = f.ShareRequests.Plus(o.ShareRequests)
	f.Answered += o.Answered
	f.RejectionsWithoutReason += o.RejectionsWithoutReason
	f.BulkGrants += o.BulkGrants
	f.GrantsSuspended += o.GrantsSuspended
	f.GrantsRevoked += o.GrantsRevoked
	f.OpenTypes.Unconditional += o.OpenTypes.Unconditional
	f.OpenTypes.Conditional += o.OpenTypes.Conditional
	f.OpenTypes.None += o.OpenTypes.None
	f.OpenRequests = f.OpenRequests.Plus(o.OpenRequests)
	f.ErrorsVerified = f.ErrorsVerified.Plus(o.ErrorsVerified)
	f.ErrorsCorrected = f.ErrorsCorrected.Plus(o.ErrorsCorrected)
	f.UpdateDue += o.UpdateDue
	f.Stale += o.Stale
	f.UsageReports = f.UsageReports.Plus(o.UsageReports)
	f.Violations += o.Violations
}

// The groups of figures the API shows: each is the figures themselves.
func (f *ComplianceFigures) Catalogue() *ComplianceFigures   { return f }
func (f *ComplianceFigures) Sharing() *ComplianceFigures     { return f }
func (f *ComplianceFigures) Opening() *ComplianceFigures     { return f }
func (f *ComplianceFigures) DataQuality() *ComplianceFigures { return f }
func (f *ComplianceFigures) Use() *ComplianceFigures         { return f }
func (f *ComplianceFigures) Figures() *ComplianceFigures     { return f }

// UnconditionalShare is the fraction of entries shared UNCONDITIONAL.
func (f *ComplianceFigures) UnconditionalShare() *float64 { return f.ShareTypes.UnconditionalShare() }

// ComplianceReport is the figures of a scope over a period.
type ComplianceReport struct {
	Scope  ComplianceScope
	Period Period
	// AsOf is when entries are counted (Period.AsOf); Now when deadlines
	// are judged (Judge).
	AsOf, Now time.Time
	Total     *ComplianceFigures
	// Departments holds each department's figures, by ID.
	Departments map[int64]*ComplianceFigures
	// IDs are the departments covered, in ID order.
	IDs     []int64
	Monthly []*ComplianceFigures
}

// From and To are the period's days.
func (r *ComplianceReport) From() Date { return r.Period.From }
func (r *ComplianceReport) To() Date   { return r.Period.To }

// ViolationKind is a kind of breach the evaluation looks for.
type ViolationKind string

const (
	ViolationCatalogueChangeLate    ViolationKind = "CATALOGUE_CHANGE_LATE"
	ViolationFullReviewMissing      ViolationKind = "FULL_REVIEW_MISSING"
	ViolationStaleData              ViolationKind = "STALE_DATA"
	ViolationShareRequestLate       ViolationKind = "SHARE_REQUEST_LATE"
	ViolationRejectionWithoutReason ViolationKind = "REJECTION_WITHOUT_REASON"
	ViolationOpenRequestLate        ViolationKind = "OPEN_REQUEST_LATE"
	ViolationDataErrorLate          ViolationKind = "DATA_ERROR_LATE"
	ViolationGrantSuspended         ViolationKind = "GRANT_SUSPENDED"
	ViolationGrantRevoked           ViolationKind = "GRANT_REVOKED"
	ViolationUsageReportMissing     ViolationKind = "USAGE_REPORT_MISSING"
)

// ViolationKinds lists every kind, in the order reports show them.
var ViolationKinds = []ViolationKind{ViolationCatalogueChangeLate, ViolationFullReviewMissing, ViolationStaleData,
	ViolationShareRequestLate, ViolationRejectionWithoutReason, ViolationOpenRequestLate, ViolationDataErrorLate,
	ViolationGrantSuspended, ViolationGrantRevoked, ViolationUsageReportMissing}

// ViolationArticles names, for each kind, the articles that list it as a
// violation (first) and the duty it breaches.
var ViolationArticles = map[ViolationKind][]string{
	// QY 32(2), NY 62(8), NY 67(1), WZ 45(1): the catalogue not compiled or
	// updated as required; MZ 8, QY 8, NY 22, WZ 11 set the duty and its days.
	ViolationCatalogueChangeLate: {"QY 32(2)", "NY 62(8)", "NY 67(1)", "WZ 45(1)", "MZ 8"},
	// QY 32(2): the catalogue not updated as required; QY 8: a full check
	// every year.
	ViolationFullReviewMissing: {"QY 32(2)", "QY 8"},
	// QY 32(5), WZ 45(3), NY 67(1): data not updated in time; MZ 13: on
	// the catalogue's declared frequency.
	ViolationStaleData: {"QY 32(5)", "WZ 45(3)", "NY 67(1)", "MZ 13"},
	// QY 32(7): delaying data that should be shared; MZ 21, QY 16, WZ 20:
	// the source answers within its days.
	ViolationShareRequestLate: {"QY 32(7)", "MZ 21", "QY 16", "WZ 20"},
	// QY 32(7): refusing data that should be shared; QY 16(2), WZ 20: a
	// refusal gives its reasons.
	ViolationRejectionWithoutReason: {"QY 32(7)", "QY 16(2)", "WZ 20"},
	// NY 62(8): opening data after the set time; NY 46: the answer's days.
	ViolationOpenRequestLate: {"NY 62(8)", "NY 46"},
	// NY 67(3), NY 62(8): errors not checked and corrected in time; MZ 23,
	// NY 65, WZ 23: the days to verify and to correct.
	ViolationDataErrorLate: {"NY 67(3)", "NY 62(8)", "MZ 23", "NY 65", "WZ 23"},
	// QY 32(6), WZ 45(4), NY 62(5): shared data used beyond the duties it
	// was granted for; the authority suspends misuse (WZ 22).
	ViolationGrantSuspended: {"QY 32(6)", "WZ 45(4)", "NY 62(5)", "WZ 22"},
	ViolationGrantRevoked:   {"QY 32(6)", "WZ 45(4)", "NY 62(5)", "WZ 22"},
	// MZ 39: the using department reports its use every half-year.
	ViolationUsageReportMissing: {"MZ 39"},
}

// Article is the article that lists the kind as a violation.
func (k ViolationKind) Article() string { return ViolationArticles[k][0] }

// Articles are every article the kind breaches.
func (k ViolationKind) Articles() []string { return slices.Clone(ViolationArticles[k]) }

// ComplianceViolation is one breach found in a period, with the record
// that shows it.
type ComplianceViolation struct {
	Kind         ViolationKind
	DepartmentID int64
	// RecordKind and RecordID name the record that shows the breach.
	RecordKind NodeKind
	RecordID   int64
	// Sub tells apart two violations of one record: the usage period
	// (2026-H1), the data error's step (VERIFY, CORRECT), the change's time.
	Sub string
	// Due is the deadline missed (for stale data, the update due; for a
	// missing full review, a year after the last); nil when there is none.
	Due *time.Time
	// Detail says what happened, e.g. "answered 3 working days late".
	Detail string
}

// Article and Articles are those of the violation's kind.
func (v *ComplianceViolation) Article() string    { return v.Kind.Article() }
func (v *ComplianceViolation) Articles() []string { return v.Kind.Articles() }

// ViolationCriteria filters the violations listed.
type ViolationCriteria struct {
	Kinds        []ViolationKind
	DepartmentID int64
}

// ScorecardField is how scorecards are sorted.
type ScorecardField string

const (
	ScorecardByName             ScorecardField = "NAME"
	ScorecardByViolations       ScorecardField = "VIOLATIONS"
	ScorecardByEntries          ScorecardField = "ENTRIES"
	ScorecardByShareRequestRate ScorecardField = "SHARE_REQUESTS_ON_TIME"
	ScorecardByOpenRequestRate  ScorecardField = "OPEN_REQUESTS_ON_TIME"
	ScorecardByStale            ScorecardField = "STALE"
	ScorecardByUnconditional    ScorecardField = "UNCONDITIONAL_SHARE"
)

var scorecardFields = []ScorecardField{ScorecardByName, ScorecardByViolations, ScorecardByEntries,
	ScorecardByShareRequestRate, ScorecardByOpenRequestRate, ScorecardByStale, ScorecardByUnconditional}

// ValidScorecardField reports whether f is a sort key.
func ValidScorecardField(f ScorecardField) bool { return slices.Contains(scorecardFields, f) }

// ScorecardFieldNames lists the sort keys, for messages.
func ScorecardFieldNames() string { return joinValues(scorecardFields) }

// SortScorecards orders figures by key (ties and missing rates by name,
// then ID; a missing rate sorts last either way).
func SortScorecards(cards []*ComplianceFigures, names map[int64]string, key ScorecardField, desc bool) {
	rate := func(f *ComplianceFigures) *float64 {
		switch key {
		case ScorecardByShareRequestRate:
			return f.ShareRequests.Rate()
		case ScorecardByOpenRequestRate:
			return f.OpenRequests.Rate()
		case ScorecardByUnconditional:
			return f.ShareTypes.UnconditionalShare()
		}
		return nil
	}
	count := func(f *ComplianceFigures) int {
		switch key {
		case ScorecardByViolations:
			return f.Violations
		case ScorecardByEntries:
			return f.Entries
		case ScorecardByStale:
			return f.Stale
		}
		return 0
	}
	slices.SortStableFunc(cards, func(a, b *ComplianceFigures) int {
		c := 0
		switch key {
		case ScorecardByShareRequestRate, ScorecardByOpenRequestRate, ScorecardByUnconditional:
			ra, rb := rate(a), rate(b)
			switch {
			case ra == nil && rb == nil:
			case ra == nil:
				return 1
			case rb == nil:
				return -1
			case *ra < *rb:
				c = -1
			case *ra > *rb:
				c = 1
			}
		case ScorecardByViolations, ScorecardByEntries, ScorecardByStale:
			c = count(a) - count(b)
		}
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		if n := strings.Compare(names[a.DepartmentID], names[b.DepartmentID]); n != 0 {
			return n
		}
		return int(a.DepartmentID - b.DepartmentID)
	})
}

// AnswerDays is the working days a source took to answer a request
// submitted at submitted and answered at answered, counted as its deadline
// is (MZ 21, QY 16, WZ 20: n working days after the day it came): 0 when
// answered that day. False when the calendar lacks a year in between.
func AnswerDays(cal *Calendar, submitted, answered time.Time) (int, bool) {
	n, err := cal.WorkingDaysLeft(DateOf(submitted), DateOf(answered))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// RegionPrefix is the prefix of the region codes a region covers: China's
// administrative codes are two digits each of province, city and county,
// so 441400 (a city) covers 441402 (one of its districts), 440000 (a
// province) its cities, and 441402 only itself.
func RegionPrefix(code string) string {
	p := code
	for len(p) > 2 && strings.HasSuffix(p, "00") {
		p = p[:len(p)-2]
	}
	return p
}

// HalfYears are the half-years whose last day falls in the period: the
// usage reports (MZ 39) due in it.
func (p Period) HalfYears() []HalfYear {
	var out []HalfYear
	for h := HalfYearOf(p.From); !p.To.Before(h.Last()); h = h.Next() {
		if !h.Last().Before(p.From) {
			out = append(out, h)
		}
	}
	return out
}

// violationRecords is the kind of record that shows each violation.
var violationRecords = map[ViolationKind]NodeKind{
	ViolationCatalogueChangeLate: KindChangeObligation, ViolationFullReviewMissing: KindDepartment,
	ViolationStaleData: KindResource, ViolationShareRequestLate: KindShareRequest,
	ViolationRejectionWithoutReason: KindShareRequest, ViolationOpenRequestLate: KindOpenRequest,
	ViolationDataErrorLate: KindDispute, ViolationGrantSuspended: KindGrant, ViolationGrantRevoked: KindGrant,
	ViolationUsageReportMissing: KindGrant,
}

// NewViolation describes one violation as the store found it: sub tells
// apart two of one record (the usage period, the error's step), due the
// deadline, done when the duty was done (or the event happened), note the
// citation or reason the record keeps.
func NewViolation(k ViolationKind, departmentID, recordID int64, sub string, due, done *time.Time, note string, now time.Time) *ComplianceViolation {
	v := &ComplianceViolation{Kind: k, DepartmentID: departmentID, RecordKind: violationRecords[k], RecordID: recordID, Sub: sub}
	v.Due = due
	dueText := "its deadline"
	if due != nil {
		dueText = "its deadline of " + DateOf(*due).String()
	}
	if note != "" && k != ViolationGrantSuspended && k != ViolationGrantRevoked && k != ViolationStaleData {
		dueText += " (" + note + ")"
	}
	timing := func(what string) string {
		if done == nil {
			return what + " not done by " + DateOf(now).String() + ", past " + dueText
		}
		return what + " done on " + DateOf(*done).String() + ", after " + dueText
	}
	switch k {
	case ViolationCatalogueChangeLate:
		v.Detail = timing("catalogue update")
	case ViolationFullReviewMissing:
		if due == nil {
			v.Detail = "no yearly full review of the catalogue on record"
		} else {
			v.Detail = "no yearly full review of the catalogue since " + DateOf(due.AddDate(-1, 0, 0)).String()
		}
	case ViolationStaleData:
		last := "never updated since publication"
		if done != nil {
			last = "last updated " + DateOf(*done).String()
		}
		v.Detail = note + " data " + last + "; an update was due by " + DateOf(*due).String()
	case ViolationShareRequestLate:
		v.Detail = timing("answer")
	case ViolationRejectionWithoutReason:
		v.Detail = "rejected without a reason"
		if done != nil {
			v.Detail += " on " + DateOf(*done).String()
		}
	case ViolationOpenRequestLate:
		v.Detail = timing("answer")
	case ViolationDataErrorLate:
		what := "verification"
		if sub == "CORRECT" {
			what = "correction"
		}
		v.Detail = timing(what)
	case ViolationGrantSuspended, ViolationGrantRevoked:
		what := "suspended"
		if k == ViolationGrantRevoked {
			what = "revoked"
		}
		if done != nil {
			what += " on " + DateOf(*done).String()
		}
		v.Detail = what + ": " + note
	case ViolationUsageReportMissing:
		v.Detail = timing("usage report for " + sub)
	}
	return v
}

// MedianOf is the median of the values counted in hist (value → how many),
// the mean of the middle two when their number is even (as PostgreSQL's
// percentile_cont(0.5)); nil when hist counts nothing.
func MedianOf(hist map[int]int) *float64 {
	n := 0
	keys := make([]int, 0, len(hist))
	for k, c := range hist {
		if c > 0 {
			n += c
			keys = append(keys, k)
		}
	}
	if n == 0 {
		return nil
	}
	slices.Sort(keys)
	// nth is the i-th smallest value (from 0).
	nth := func(i int) int {
		for _, k := range keys {
			if i < hist[k] {
				return k
			}
			i -= hist[k]
		}
		panic("unreachable")
	}
	m := float64(nth((n-1)/2)+nth(n/2)) / 2
	return &m
}

// CountViolations is how many violations the figures show, as the
// violation list finds them: every duty failed (late or overdue) but the
// authority's reviews, every rejection without reason, suspension and
// revocation; with standing, a department's states as of asOf too: its
// stale entries, and its missing yearly review if it has entries.
func (f *ComplianceFigures) CountViolations(standing bool) int {
	n := 0
	for _, r := range []Ratio{f.ChangeObligations, f.ShareRequests, f.OpenRequests, f.ErrorsVerified, f.ErrorsCorrected, f.UsageReports} {
		n += r.Due - r.Met
	}
	n += f.RejectionsWithoutReason + f.GrantsSuspended + f.GrantsRevoked
	if standing {
		n += f.Stale
		if f.Entries > 0 && f.FullReviewsDone == 0 {
			n++
		}
	}
	return n
}
