package domain

import (
	"strings"
	"time"
)

// OversightScope is whose compliance records (catalogue change
// obligations, full reviews, overdue reviews) a viewer may read: the data
// authority, which supervises the catalogue (MZ 8, WZ 11), and auditors
// read every department's; a department reads its own.
type OversightScope struct {
	All          bool
	DepartmentID int64
}

// OversightScopeFor decides v's OversightScope. The public and persons
// have none: these records are the government's own (FORBIDDEN).
func OversightScopeFor(v Viewer) (OversightScope, error) {
	switch v.Role {
	case RoleAuthority, RoleAuditor:
		// SECURITY: the authority supervises and auditors trace everything.
		return OversightScope{All: true}, nil
	case RoleDepartment:
		if v.DepartmentID != 0 {
			// SECURITY: a department sees its own records only.
			return OversightScope{DepartmentID: v.DepartmentID}, nil
		}
	}
	return OversightScope{}, Errorf(EForbidden, "catalogue obligations and reviews are for departments, the data authority and auditors: sign in with such a token")
}

// Contains reports whether the records of departmentID are in s.
func (s OversightScope) Contains(departmentID int64) bool {
	return s.All || s.DepartmentID != 0 && s.DepartmentID == departmentID
}

// Why says why a department's internal record is hidden, for FORBIDDEN.
func (s OversightScope) Why() string {
	return "only the department itself, the data authority and auditors see it"
}

// ChangeReason is why a department's catalogue must be updated.
type ChangeReason string

const (
	// MZ 8, QY 8(1): 法律、法规、规章依据发生变化.
	ChangeLegalBasis ChangeReason = "LEGAL_BASIS"
	// MZ 8, QY 8(2), NY 22: 法定职能发生变化.
	ChangeDuties ChangeReason = "DUTIES"
	// QY 8(3): 信息系统更新完成.
	ChangeInformationSystem ChangeReason = "INFORMATION_SYSTEM"
	// WZ 11: 数据资源的要素内容发生变化.
	ChangeElements ChangeReason = "ELEMENTS"
	// QY 8(4): 其他涉及公共数据资源变化的情形.
	ChangeOther ChangeReason = "OTHER"
	// NY 45: 同意更正的, 应当提请市级数据主管部门变更政务数据开放目录: opened
	// by an accepted objection, never recorded by hand.
	ChangeObjection ChangeReason = "OBJECTION"
)

// ChangeReasons lists every reason.
var ChangeReasons = []ChangeReason{ChangeLegalBasis, ChangeDuties, ChangeInformationSystem, ChangeElements, ChangeOther}

// ChangeObligation is a department's duty to update its catalogue after
// a change (MZ 8, QY 8, NY 22, WZ 11), due within the profile's
// CATALOGUE_UPDATE working days of the day the change occurred.
type ChangeObligation struct {
	ID           int64
	DepartmentID int64
	Reason       ChangeReason
	Description  string
	OccurredOn   Date
	RecordedBy   Actor
	RecordedAt   time.Time
	Deadline     Deadline
	// MetAt is when a submission of the department met it; nil while open.
	MetAt *time.Time
	// MetResourceID and MetVersion name the submission that met it.
	MetResourceID int64
	MetVersion    int
	// ResourceID, when not 0, is the one entry whose submission meets it
	// (an accepted objection, NY 45); otherwise any submission of the
	// department does.
	ResourceID int64
}

// Met reports whether the obligation has been met.
func (o *ChangeObligation) Met() bool { return o.MetAt != nil }

// MetOnTime reports whether it was met by its deadline; nil while open.
func (o *ChangeObligation) MetOnTime() *bool {
	if o.MetAt == nil {
		return nil
	}
	ok := !o.MetAt.After(o.Deadline.DueAt)
	return &ok
}

// OverdueAt reports whether the obligation is still open after its
// deadline at now.
func (o *ChangeObligation) OverdueAt(now time.Time) bool {
	return o.MetAt == nil && now.After(o.Deadline.DueAt)
}

// NodeID is the obligation's global ID.
func (o *ChangeObligation) NodeID() string { return NodeID(KindChangeObligation, o.ID) }

// ChangeObligationInput is what recording a catalogue change takes.
type ChangeObligationInput struct {
	DepartmentID int64
	Reason       ChangeReason
	Description  string
	OccurredOn   Date
}

// ValidateChangeObligation checks in on today: a known reason, a
// description, and a change that has already occurred (a deadline counts
// from the day it did).
func ValidateChangeObligation(in ChangeObligationInput, today Date) error {
	var v []string
	if !containsReason(in.Reason) {
		v = append(v, "reason "+string(in.Reason)+" is not one of "+joinValues(ChangeReasons))
	}
	if strings.TrimSpace(in.Description) == "" {
		v = append(v, "say what changed: a description is required, e.g. the law or the notice that changed the department's duties")
	}
	if today.Before(in.OccurredOn) {
		v = append(v, "occurredOn "+in.OccurredOn.String()+" is in the future: record a change once it has happened")
	}
	if len(v) > 0 {
		return Errorf(EInvalid, "the catalogue change cannot be recorded: %s", strings.Join(v, "; "))
	}
	return nil
}

func containsReason(r ChangeReason) bool {
	for _, c := range ChangeReasons {
		if c == r {
			return true
		}
	}
	return false
}

// MayRecordChange decides whether v may record a catalogue change of
// departmentID: the department itself, which must update its catalogue
// (MZ 8, WZ 11), or the data authority, which supervises the updates
// (WZ 11: 负责对 … 目录更新工作进行监督考核).
func MayRecordChange(v Viewer, departmentID int64) error {
	// SECURITY: an obligation puts a department on a deadline.
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role == RoleAuthority || v.Role == RoleDepartment && v.DepartmentID != 0 && v.DepartmentID == departmentID {
		return nil
	}
	return Errorf(EForbidden, "only the department itself or the data authority records a change of its catalogue (MZ 8, WZ 11)")
}

// ChangeObligationDeadline is when an obligation arising from a change on
// occurredOn is due under p: CATALOGUE_UPDATE working days after that day
// (MZ 8: 15, QY 8: 15 自情形发生之日起, NY 22: 5, WZ 11: 5).
func ChangeObligationDeadline(p Profile, cal *Calendar, occurredOn Date) (Deadline, error) {
	return p.Deadline(cal, DeadlineCatalogueUpdate, occurredOn.StartOfDay())
}

// LastChangeMetBy is the latest day a change may have occurred for a
// submission at t to meet its obligation: an update submitted for review
// (MZ 8: 更新 … 并报 … 审定) meets every open obligation of the department
// that arose on or before the day of the submission, late or not.
func LastChangeMetBy(t time.Time) Date { return DateOf(t) }

// FullReview is a department's record of a full check of its own
// catalogue (QY 8: 每年至少全面核查一次).
type FullReview struct {
	DepartmentID int64
	ReviewedOn   Date
	Note         string
	RecordedBy   Actor
	RecordedAt   time.Time
}

// FullReviewStatus is where a department stands with its full reviews.
type FullReviewStatus struct {
	Last *FullReview
	Due  Date
	Rule FullReviewRule
	// Overdue: Due has passed without a review, as of the day it was computed.
	Overdue bool
}

// FullReviewDue is when the next full review of a department is due: the
// rule's months after the last review, or after the department entered
// the catalogue (listedOn) when it has had none.
func FullReviewDue(rule FullReviewRule, last *Date, listedOn Date) Date {
	from := listedOn
	if last != nil {
		from = *last
	}
	return from.AddMonths(rule.Months)
}

// FullReviewStatusOf is the status on today of a department listed on
// listedOn whose last full review, if any, is last. A review is overdue
// once its due day has passed.
func FullReviewStatusOf(rule FullReviewRule, last *FullReview, listedOn, today Date) FullReviewStatus {
	var lastOn *Date
	if last != nil {
		lastOn = &last.ReviewedOn
	}
	due := FullReviewDue(rule, lastOn, listedOn)
	return FullReviewStatus{Last: last, Due: due, Rule: rule, Overdue: due.Before(today)}
}

// ValidateFullReview checks a full review dated reviewedOn, recorded on
// today, with note.
func ValidateFullReview(reviewedOn, today Date, note string) error {
	if today.Before(reviewedOn) {
		return Errorf(EInvalid, "reviewedOn %s is in the future: record a review once it is done", reviewedOn)
	}
	if strings.TrimSpace(note) == "" {
		return Errorf(EInvalid, "say what the review found (QY 8): a note is required, e.g. \"checked 12 entries, 2 updates submitted\"")
	}
	return nil
}

// MayRecordFullReview decides whether v may record a full review of
// departmentID's catalogue: the department itself checks its own
// catalogue (QY 8).
func MayRecordFullReview(v Viewer, departmentID int64) error {
	// SECURITY: a review record clears the department's yearly duty.
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role == RoleDepartment && v.DepartmentID != 0 && v.DepartmentID == departmentID {
		return nil
	}
	return Errorf(EForbidden, "only the department itself records the full review of its catalogue (QY 8)")
}
