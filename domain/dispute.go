package domain

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// DisputeKind is what a dispute is about (DOMAIN.md "Disputes").
type DisputeKind string

const (
	// DisputeDataError: a user or data subject reports wrong data (数据纠错,
	// MZ 23, QY 18, NY 64-65, WZ 23, MZ 35).
	DisputeDataError DisputeKind = "DATA_ERROR"
	// DisputeSharing: a using and a source department disagree over a
	// share request (MZ 42, WZ 20, QY 16(3)).
	DisputeSharing DisputeKind = "SHARING"
	// DisputeOpenObjection: the public objects to an entry of the open
	// catalogue (NY 45).
	DisputeOpenObjection DisputeKind = "OPEN_OBJECTION"
)

// DisputeKinds lists every kind.
var DisputeKinds = []DisputeKind{DisputeDataError, DisputeSharing, DisputeOpenObjection}

// DisputeStatus is where a dispute stands. Each kind uses some of them.
type DisputeStatus string

const (
	// DisputeAwaitingVerification: a data error the source must verify.
	DisputeAwaitingVerification DisputeStatus = "AWAITING_VERIFICATION"
	// DisputeAwaitingCorrection: a confirmed data error to correct.
	DisputeAwaitingCorrection DisputeStatus = "AWAITING_CORRECTION"
	DisputeCorrected          DisputeStatus = "CORRECTED"
	// DisputeRejected: a data error found not to be one, or an objection
	// refused with reasons and basis.
	DisputeRejected DisputeStatus = "REJECTED"
	// DisputeInProgress: a sharing dispute at one of its steps.
	DisputeInProgress DisputeStatus = "IN_PROGRESS"
	DisputeResolved   DisputeStatus = "RESOLVED"
	// DisputeAwaitingAnswer: an objection the source must answer.
	DisputeAwaitingAnswer DisputeStatus = "AWAITING_ANSWER"
	// DisputeAccepted: an objection the source agreed to; the catalogue
	// change follows through the workflow (NY 45).
	DisputeAccepted  DisputeStatus = "ACCEPTED"
	DisputeWithdrawn DisputeStatus = "WITHDRAWN"
)

// DisputeStatuses lists every status.
var DisputeStatuses = []DisputeStatus{
	DisputeAwaitingVerification, DisputeAwaitingCorrection, DisputeCorrected, DisputeRejected,
	DisputeInProgress, DisputeResolved, DisputeAwaitingAnswer, DisputeAccepted, DisputeWithdrawn,
}

// DisputeEvent is something that happens to a dispute.
type DisputeEvent string

const (
	// Data errors.
	DisputeEventConfirm DisputeEvent = "CONFIRM"
	DisputeEventCorrect DisputeEvent = "CORRECT"
	// Data errors and objections.
	DisputeEventReject DisputeEvent = "REJECT"
	DisputeEventExtend DisputeEvent = "EXTEND"
	// Objections.
	DisputeEventAccept DisputeEvent = "ACCEPT"
	// Sharing disputes.
	DisputeEventPosition DisputeEvent = "POSITION"
	DisputeEventEscalate DisputeEvent = "ESCALATE"
	DisputeEventResolve  DisputeEvent = "RESOLVE"
	// Every kind: the one who opened it drops it.
	DisputeEventWithdraw DisputeEvent = "WITHDRAW"
)

// DisputeEvents lists every event.
var DisputeEvents = []DisputeEvent{
	DisputeEventConfirm, DisputeEventCorrect, DisputeEventReject, DisputeEventExtend, DisputeEventAccept,
	DisputeEventPosition, DisputeEventEscalate, DisputeEventResolve, DisputeEventWithdraw,
}

// disputeTransitions is each kind's workflow; an event missing from a
// status's row is refused.
var disputeTransitions = map[DisputeKind]map[DisputeStatus]map[DisputeEvent]DisputeStatus{
	// MZ 23, NY 65, WZ 23: the source verifies (可延长, WZ 23), then
	// corrects what it confirmed.
	DisputeDataError: {
		DisputeAwaitingVerification: {
			DisputeEventConfirm: DisputeAwaitingCorrection, DisputeEventReject: DisputeRejected,
			DisputeEventExtend: DisputeAwaitingVerification, DisputeEventWithdraw: DisputeWithdrawn,
		},
		DisputeAwaitingCorrection: {DisputeEventCorrect: DisputeCorrected},
		DisputeCorrected:          {},
		DisputeRejected:           {},
		DisputeWithdrawn:          {},
	},
	// MZ 42: each step records positions until it resolves or escalates.
	DisputeSharing: {
		DisputeInProgress: {
			DisputeEventPosition: DisputeInProgress, DisputeEventEscalate: DisputeInProgress,
			DisputeEventResolve: DisputeResolved, DisputeEventWithdraw: DisputeWithdrawn,
		},
		DisputeResolved:  {},
		DisputeWithdrawn: {},
	},
	// NY 45: the source answers, once extendable.
	DisputeOpenObjection: {
		DisputeAwaitingAnswer: {
			DisputeEventAccept: DisputeAccepted, DisputeEventReject: DisputeRejected,
			DisputeEventExtend: DisputeAwaitingAnswer, DisputeEventWithdraw: DisputeWithdrawn,
		},
		DisputeAccepted:  {},
		DisputeRejected:  {},
		DisputeWithdrawn: {},
	},
}

// DisputeTransition returns the status e leads to from s for a dispute of
// kind k, or FAILED_PRECONDITION naming what s allows.
func DisputeTransition(k DisputeKind, s DisputeStatus, e DisputeEvent) (DisputeStatus, error) {
	row, ok := disputeTransitions[k][s]
	if !ok {
		return s, Errorf(EInternal, "unknown %s dispute status %s", k, s)
	}
	next, ok := row[e]
	if !ok {
		var allowed []string
		for _, ev := range DisputeEvents {
			if _, ok := row[ev]; ok {
				allowed = append(allowed, string(ev))
			}
		}
		hint := "nothing: it is closed"
		if len(allowed) > 0 {
			hint = strings.Join(allowed, ", ")
		}
		return s, Errorf(EPrecondition, "a %s dispute that is %s cannot take %s; it allows %s", k, s, e, hint)
	}
	return next, nil
}

// DisputeOpen reports whether a dispute in s still awaits someone.
func DisputeOpen(s DisputeStatus) bool {
	switch s {
	case DisputeAwaitingVerification, DisputeAwaitingCorrection, DisputeInProgress, DisputeAwaitingAnswer:
		return true
	}
	return false
}

// DisputeScope is whose disputes a viewer may read.
type DisputeScope struct {
	All bool
	// DepartmentID: disputes it is a party to (the source, the reporting
	// or requesting department), and the data errors reported on entries
	// it holds a grant for, so users of the data know it is being checked.
	DepartmentID int64
	// Person: the disputes a person opened (its token subject).
	Person string
	// PartiesOnly drops the data errors a department sees only as a user
	// of the entry (for evidence files: Dispute.IsParty).
	PartiesOnly bool
}

// DisputeScopeFor decides v's DisputeScope.
func DisputeScopeFor(v Viewer) (DisputeScope, error) {
	switch {
	case v.Role == RoleAuthority || v.Role == RoleAuditor:
		// SECURITY: the authority coordinates disputes (MZ 42), auditors trace them.
		return DisputeScope{All: true}, nil
	case v.Role == RoleDepartment && v.DepartmentID != 0:
		return DisputeScope{DepartmentID: v.DepartmentID}, nil
	case v.Role == RolePerson && v.Subject != "":
		// SECURITY: a person sees its own reports and objections only.
		return DisputeScope{Person: v.Subject}, nil
	}
	return DisputeScope{}, Errorf(EForbidden, "sign in to see disputes: a person sees its own, a department those it is party to")
}

// Dispute is what every kind shares.
type Dispute struct {
	ID                 int64
	Kind               DisputeKind
	Status             DisputeStatus
	ResourceID         int64
	SourceDepartmentID int64
	OpenedBy           Actor
	OpenedAt           time.Time
	ClosedAt           *time.Time
	// Due is the deadline now running; nil when none runs.
	Due *Deadline
}

// NodeID is the dispute's global ID.
func (d *Dispute) NodeID() string { return NodeID(KindDispute, d.ID) }

// Open reports whether the dispute still awaits someone.
func (d *Dispute) Open() bool { return DisputeOpen(d.Status) }

// OverdueAt: a deadline runs and has passed at now.
func (d *Dispute) OverdueAt(now time.Time) bool {
	return d.Open() && d.Due != nil && now.After(d.Due.DueAt)
}

// IsParty: v handles or opened the dispute (MaySeeReporter with its
// opener): it sees the evidence and who acted, where a department that
// only uses the entry sees the report without them (MZ 35, WZ 25).
func (d *Dispute) IsParty(v Viewer) bool {
	var person string
	if d.OpenedBy.Role == RolePerson {
		person = d.OpenedBy.Subject
	}
	return MaySeeReporter(v, d.SourceDepartmentID, d.OpenedBy.DepartmentID, person)
}

// Record returns the shared part of a dispute of any kind.
func (d *Dispute) Record() *Dispute { return d }

// DisputeRecord is a dispute of any kind.
type DisputeRecord interface {
	Record() *Dispute
	NodeID() string
}

// Evidence is a file or a link attached to a dispute (NY 64: 佐证材料).
type Evidence struct {
	ID        int64
	DisputeID int64
	// FileName, ContentType, Size and SHA256 describe an uploaded file;
	// URL is set instead for a link.
	FileName    string
	ContentType string
	Size        int64
	SHA256      []byte
	URL         string
	AddedAt     time.Time
}

func (e *Evidence) NodeID() string { return NodeID(KindEvidence, e.ID) }

// EvidenceFile is an uploaded file as received, its content sniffed.
type EvidenceFile struct {
	FileName    string
	ContentType string
	Content     []byte
}

// Evidence limits: files are kept in the database with the dispute, so
// they are bounded per file and per dispute.
const (
	MaxEvidenceFiles     = 5
	MaxEvidenceFileBytes = 10 << 20
	MaxEvidenceLinks     = 10
)

// EvidenceContentTypes are the file types accepted as evidence, as sniffed
// from the content (never as the client declares them).
var EvidenceContentTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}

// ValidateEvidence checks the files and links of a report.
func ValidateEvidence(files []EvidenceFile, links []string) []string {
	var bad []string
	if len(files) > MaxEvidenceFiles {
		bad = append(bad, "at most "+itoa(MaxEvidenceFiles)+" files may be attached; "+itoa(len(files))+" were sent")
	}
	for _, f := range files {
		name := f.FileName
		if name == "" {
			name = "(unnamed)"
		}
		switch {
		case len(f.Content) == 0:
			bad = append(bad, "file "+name+" is empty")
		case len(f.Content) > MaxEvidenceFileBytes:
			bad = append(bad, "file "+name+" is "+formatSize(int64(len(f.Content)))+"; a file may be at most "+formatSize(MaxEvidenceFileBytes))
		case !slices.Contains(EvidenceContentTypes, f.ContentType):
			bad = append(bad, "file "+name+" is "+f.ContentType+"; attach "+strings.Join(EvidenceContentTypes, ", ")+" (convert documents to PDF)")
		}
	}
	if len(links) > MaxEvidenceLinks {
		bad = append(bad, "at most "+itoa(MaxEvidenceLinks)+" links may be attached")
	}
	for _, l := range links {
		u, err := url.Parse(strings.TrimSpace(l))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad = append(bad, "link "+l+" is not an http(s) address")
		}
	}
	return bad
}

func formatSize(n int64) string {
	if n >= 1<<20 {
		return itoa(int(n>>20)) + " MiB"
	}
	if n >= 1<<10 {
		return itoa(int(n>>10)) + " KiB"
	}
	return itoa(int(n)) + " bytes"
}

// ---- Data errors (数据纠错) ----

// DataErrorInput is a report of wrong data.
type DataErrorInput struct {
	ResourceID  int64
	ItemIDs     []int64
	Description string
	// Subject is the ID-card number or credit code the wrong record is
	// about, when there is one.
	Subject string
	Files   []EvidenceFile
	Links   []string
}

// ErrorReporter is what the store knows of a would-be reporter.
type ErrorReporter struct {
	// HoldsGrant: the viewer's department holds or held a grant on the
	// entry: it uses the data.
	HoldsGrant bool
	// SourceDepartmentID and ItemIDs are the entry's.
	SourceDepartmentID int64
	ItemIDs            []int64
}

// ValidateDataErrorReport checks a report of v:
//   - MZ 23, WZ 23, QY 18, NY 64: a department that uses the shared data
//     (holds a grant on it) reports what it finds wrong, with supporting
//     material (NY 64: 同时附带佐证材料);
//   - MZ 35: a data subject objects to wrong data about itself, so a
//     person reports on its own record only;
//   - NY 64: the description is concise and exact (简洁、准确).
func ValidateDataErrorReport(v Viewer, in DataErrorInput, r ErrorReporter) error {
	// SECURITY: only users of the data and data subjects report errors.
	if err := MayMutate(v); err != nil {
		return err
	}
	var bad []string
	switch {
	case v.Role == RoleDepartment && v.DepartmentID != 0:
		if v.DepartmentID == r.SourceDepartmentID {
			return Errorf(EPrecondition, "this is your own department's entry: correct it directly")
		}
		if !r.HoldsGrant {
			return Errorf(EForbidden, "MZ 23, WZ 23: data errors are reported by departments that use the data: request it first (submitShareRequest)")
		}
		if len(in.Files) == 0 && len(in.Links) == 0 {
			bad = append(bad, "NY 64: attach supporting material (佐证材料): a file or a link")
		}
	case v.Role == RolePerson && v.Subject != "":
		if v.DataSubject == "" {
			return Errorf(EForbidden, "MZ 35: a person reports errors in data about itself; this token names no data subject (ID-card number or credit code)")
		}
		if in.Subject != "" && in.Subject != v.DataSubject {
			bad = append(bad, "MZ 35: subject must be your own ID-card number or credit code, or left out")
		}
	default:
		return Errorf(EForbidden, "data errors are reported by the departments that use the data (MZ 23) and by data subjects about themselves (MZ 35): sign in")
	}
	if strings.TrimSpace(in.Description) == "" {
		bad = append(bad, "NY 64: describe the error concisely and exactly (问题描述应简洁、准确)")
	}
	if len(in.Description) > 4000 {
		bad = append(bad, "NY 64: keep the description under 4000 bytes (简洁)")
	}
	for _, id := range in.ItemIDs {
		if !slices.Contains(r.ItemIDs, id) {
			bad = append(bad, "item "+NodeID(KindDataItem, id)+" is not an item of this entry")
		}
	}
	bad = append(bad, ValidateEvidence(in.Files, in.Links)...)
	if len(bad) > 0 {
		return Errorf(EInvalid, "the data error cannot be reported: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Finding is the source's verification of a reported error.
type Finding string

const (
	FindingConfirmed Finding = "CONFIRMED"
	FindingRejected  Finding = "REJECTED"
)

// MayActOnDispute decides whether v may cause e on d, opened by opener,
// with requester the requesting department of a sharing dispute:
//   - the source verifies, corrects, extends and answers (MZ 23, NY 45,
//     NY 65, WZ 23);
//   - the one who opened it withdraws it;
//   - a sharing dispute's steps are the parties' and the authority's
//     (MZ 42; see MayEscalate and MayResolve).
func MayActOnDispute(v Viewer, d *Dispute, e DisputeEvent, requester int64) error {
	// SECURITY: every dispute action passes here.
	if err := MayMutate(v); err != nil {
		return err
	}
	isSource := v.Role == RoleDepartment && v.DepartmentID != 0 && v.DepartmentID == d.SourceDepartmentID
	switch e {
	case DisputeEventWithdraw:
		opener := d.OpenedBy
		if v.Subject == "" || v.Subject != opener.Subject && !(v.Role == RoleDepartment && v.DepartmentID == opener.DepartmentID && opener.DepartmentID != 0) {
			return Errorf(EForbidden, "only who opened a dispute (or its department) withdraws it")
		}
	case DisputeEventPosition:
		if v.Role != RoleDepartment || (v.DepartmentID != d.SourceDepartmentID && v.DepartmentID != requester) {
			return Errorf(EForbidden, "MZ 42: the positions are the two departments'; the authority records its coordination as a step's outcome")
		}
	case DisputeEventEscalate, DisputeEventResolve:
		// Decided per step by MayEscalate and MayResolve.
	default:
		if !isSource {
			what := "verifies and corrects a reported data error (MZ 23, NY 65, WZ 23)"
			if d.Kind == DisputeOpenObjection {
				what = "answers an objection to its open catalogue entry (NY 45)"
			}
			return Errorf(EForbidden, "the source department %s", what)
		}
	}
	return nil
}

// ValidateFinding: the source says what it found; a rejection says why
// (MZ 23: 将结果反馈给共享使用单位).
func ValidateFinding(f Finding, note string) error {
	if f != FindingConfirmed && f != FindingRejected {
		return Errorf(EInvalid, "finding %q is not CONFIRMED or REJECTED", f)
	}
	if f == FindingRejected && strings.TrimSpace(note) == "" {
		return Errorf(EInvalid, "MZ 23: say why the data is right: a rejected report needs a note for the reporter")
	}
	return nil
}

// ValidateCorrection: MZ 23: the result is fed back to the user (将结果反馈
// 给共享使用单位); NY 65: corrected at the source and re-aggregated.
func ValidateCorrection(note string) error {
	if strings.TrimSpace(note) == "" {
		return Errorf(EInvalid, "MZ 23, NY 65: say what was corrected at the source (the result is fed back to the reporter)")
	}
	return nil
}

// CorrectionDeadline is when a confirmed error must be corrected: the
// profile's ERROR_CORRECT working days after the verification (MZ 23: 完成
// 情况核实后10个工作日内; NY 65: 作出决定起10个工作日内).
func CorrectionDeadline(p Profile, cal *Calendar, verifiedAt time.Time) (Deadline, error) {
	return p.Deadline(cal, DeadlineErrorCorrect, verifiedAt)
}

// BusinessContinuity is what a data error record says while it is open:
// WZ 23: 校核期间, 办理业务涉及自然人、法人或其他组织的, 如已提供合法有效证明
// 材料, 受理单位应直接办理, 不得拒绝、推诿或要求办事人办理数据更正手续.
func BusinessContinuity(s DisputeStatus) string {
	if s != DisputeAwaitingVerification && s != DisputeAwaitingCorrection {
		return ""
	}
	return "WZ 23: while this error is checked, business of a person or organisation who shows valid proof goes on: handle it directly; do not refuse it, pass it on, or ask for a data correction first (校核期间 … 受理单位应直接办理)"
}

// ExtendDeadline extends d once under rule, by days working days (0: the
// rule's whole extension), counted on cal from the original due day, with
// the reason and who approved it. The rule's Extension caps days: WZ 23
// (经数源部门负责人同意延长, 最长不得超过15个工作日), NY 45 and NY 46 (经 …
// 主要负责人同意, 延长 … 不得超过10个工作日).
func ExtendDeadline(cal *Calendar, d Deadline, rule Rule, alreadyExtended bool, days int, reason, approvedBy string) (Deadline, error) {
	switch {
	case rule.Extension == 0:
		return d, Errorf(EPrecondition, "the policy profile allows no extension of this deadline (%s)", rule.Citation)
	case alreadyExtended:
		return d, Errorf(EPrecondition, "the deadline was extended once already; %s allows one extension", rule.Citation)
	case days < 0 || days > rule.Extension:
		return d, Errorf(EInvalid, "%s: an extension adds at most %d working days (%d in all); %d were asked", rule.Citation, rule.Extension, rule.Days+rule.Extension, days)
	case strings.TrimSpace(reason) == "" || strings.TrimSpace(approvedBy) == "":
		return d, Errorf(EInvalid, "%s: an extension needs a reason and the responsible person who approved it (负责人同意)", rule.Citation)
	}
	if days == 0 {
		days = rule.Extension
	}
	due, err := cal.AddWorkingDays(d.Due, days)
	if err != nil {
		return d, err
	}
	d.Due, d.DueAt, d.Days, d.Revision = due, due.EndOfDay(), d.Days+days, cal.Revision
	return d, nil
}

// DataError is a report of wrong data.
type DataError struct {
	Dispute
	ItemIDs     []int64
	Description string
	// Subject is the record's data subject, if given.
	Subject string
	// ReporterDepartmentID is set for a using department's report;
	// ReporterPerson (a token subject) for a data subject's.
	ReporterDepartmentID int64
	ReporterPerson       string
	VerifyDeadline       Deadline
	Extension            *Extension
	Finding              Finding
	VerifiedAt           *time.Time
	VerificationNote     string
	CorrectDeadline      *Deadline
	CorrectedAt          *time.Time
	CorrectionNote       string
}

// Extension is the one extension of a deadline.
type Extension struct {
	At         time.Time
	Days       int
	Reason     string
	ApprovedBy string
}

// MaySeeReporter: a person who reported an error, and the data subject a
// report names, are shown only to the source department, the authority,
// auditors and the reporter itself (MZ 35, WZ 25: personal information of
// the subject stays with those who handle it).
func MaySeeReporter(v Viewer, sourceDepartmentID, reporterDepartmentID int64, reporterPerson string) bool {
	switch {
	case v.Role == RoleAuthority || v.Role == RoleAuditor:
		return true
	case v.Role == RoleDepartment && v.DepartmentID != 0:
		return v.DepartmentID == sourceDepartmentID || v.DepartmentID == reporterDepartmentID
	case v.Role == RolePerson && v.Subject != "":
		return v.Subject == reporterPerson
	}
	return false
}

// ---- Sharing disputes (共享争议) ----

// SharingStep is a step of a sharing dispute (MZ 42).
type SharingStep string

const (
	// StepNegotiation: 自行协商解决.
	StepNegotiation SharingStep = "NEGOTIATION"
	// StepAuthorityCoordination: 协商不成的, 由本级公共数据主管部门予以协调解决.
	StepAuthorityCoordination SharingStep = "AUTHORITY_COORDINATION"
	// StepJointConsultation: 协调不成的, 会同本级机构编制管理部门等单位联合会商.
	StepJointConsultation SharingStep = "JOINT_CONSULTATION"
	// StepGovernmentDecision: 联合会商仍不能解决的, 由公共数据主管部门列明各方
	// 理据, 提出倾向性意见, 报请本级党委或者人民政府决定.
	StepGovernmentDecision SharingStep = "GOVERNMENT_DECISION"
)

// SharingSteps lists the steps in order.
var SharingSteps = []SharingStep{StepNegotiation, StepAuthorityCoordination, StepJointConsultation, StepGovernmentDecision}

// SharingDisputeRequest is what opening a sharing dispute needs to know of
// its share request.
type SharingDisputeRequest struct {
	Status      ShareRequestStatus
	Overdue     bool
	Requester   int64
	Source      int64
	OpenAlready bool
}

// ValidateSharingDispute: MZ 42, WZ 20, QY 16(3): the requesting
// department disputes a refused request, or one the source let pass its
// deadline, starting with negotiation between the two; one dispute per
// request at a time.
func ValidateSharingDispute(v Viewer, r SharingDisputeRequest, position string) error {
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role != RoleDepartment || v.DepartmentID == 0 || v.DepartmentID != r.Requester {
		return Errorf(EForbidden, "MZ 42: the requesting department opens a sharing dispute over its own request")
	}
	switch {
	case r.OpenAlready:
		return Errorf(EConflict, "a dispute over this request is already open: add your position to it")
	case r.Status != RequestRejected && !r.Overdue:
		return Errorf(EPrecondition, "MZ 42, WZ 20: only a refused request, or one the source has not answered by its deadline, can be disputed; this one is %s", r.Status)
	case strings.TrimSpace(position) == "":
		return Errorf(EInvalid, "MZ 42: state your position (理据) to open the negotiation")
	}
	return nil
}

// Escalation is what moving a sharing dispute to its next step records.
type Escalation struct {
	// Outcome: why the step did not settle it.
	Outcome string
	// Reasons (各方理据) and Recommendation (倾向性意见) are the
	// authority's, required to go to the government (MZ 42).
	Reasons        string
	Recommendation string
}

// NextStep is the step after s, or FAILED_PRECONDITION at the last.
func NextStep(s SharingStep) (SharingStep, error) {
	i := slices.Index(SharingSteps, s)
	if i < 0 {
		return s, Errorf(EInternal, "unknown sharing dispute step %s", s)
	}
	if i == len(SharingSteps)-1 {
		return s, Errorf(EPrecondition, "MZ 42: the government's decision is the last step: record it with resolveSharingDispute")
	}
	return SharingSteps[i+1], nil
}

// MayEscalate decides whether v may move a dispute between requester and
// source from step s with esc (MZ 42): either department ends a failed
// negotiation (协商不成); the authority ends its coordination (协调不成)
// and the joint consultation, and only with the parties' reasons and its
// recommended outcome written down may it go to the government (列明各方
// 理据, 提出倾向性意见).
func MayEscalate(v Viewer, s SharingStep, requester, source int64, esc Escalation) error {
	next, err := NextStep(s)
	if err != nil {
		return err
	}
	party := v.Role == RoleDepartment && (v.DepartmentID == requester || v.DepartmentID == source)
	switch s {
	case StepNegotiation:
		if !party && v.Role != RoleAuthority {
			return Errorf(EForbidden, "MZ 42: a party, or the authority, ends the negotiation")
		}
	default:
		if v.Role != RoleAuthority {
			return Errorf(EForbidden, "MZ 42: the data authority moves a dispute from %s to %s", s, next)
		}
	}
	var bad []string
	if strings.TrimSpace(esc.Outcome) == "" {
		bad = append(bad, "MZ 42: record the outcome of the "+string(s)+" step (why it did not settle the dispute)")
	}
	if next == StepGovernmentDecision {
		if strings.TrimSpace(esc.Reasons) == "" {
			bad = append(bad, "MZ 42: list each party's reasons (列明各方理据)")
		}
		if strings.TrimSpace(esc.Recommendation) == "" {
			bad = append(bad, "MZ 42: give the authority's recommended outcome (提出倾向性意见)")
		}
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the dispute cannot go to %s: %s", next, strings.Join(bad, "; "))
	}
	return nil
}

// Resolution is how a sharing dispute ends.
type Resolution struct {
	Outcome string
	// Grant orders the request granted; it is made through the request's
	// workflow (EventOrderGrant).
	Grant bool
	// Terms narrow what is granted (zero fields: as asked).
	Terms ShareTerms
	// DecisionReference names the government's decision document, at the
	// last step.
	DecisionReference string
}

// MayResolve decides whether v may settle a dispute at step s with res
// (MZ 42): at negotiation the source settles it (agreeing to share or the
// requester accepting the refusal is the source's to record, the
// requester withdraws); at coordination and consultation the authority
// records what was agreed; at the last step the authority records the
// government's decision and its reference.
func MayResolve(v Viewer, s SharingStep, source int64, res Resolution) error {
	switch s {
	case StepNegotiation:
		if v.Role != RoleDepartment || v.DepartmentID != source {
			return Errorf(EForbidden, "MZ 42: the negotiation is settled by the source department (the requester may withdraw the dispute)")
		}
	default:
		if v.Role != RoleAuthority {
			return Errorf(EForbidden, "MZ 42: the data authority records how a dispute at %s was settled", s)
		}
	}
	var bad []string
	if strings.TrimSpace(res.Outcome) == "" {
		bad = append(bad, "MZ 42: record the outcome")
	}
	if s == StepGovernmentDecision && strings.TrimSpace(res.DecisionReference) == "" {
		bad = append(bad, "MZ 42: name the government's decision (报请本级党委或者人民政府决定): its document reference")
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the dispute cannot be resolved so: %s", strings.Join(bad, "; "))
	}
	return nil
}

// OrderedTerms is what a resolution ordering the request granted grants
// (MZ 42): the asked items and mode, narrowed by terms (MZ 22: never
// widened), and a last day of the resolution's own, for a dispute may
// outlast the asked one; a BULK grant is the authority's to order, not the
// source's at negotiation (WZ 21: bulk access needs the authority's
// approval).
func OrderedTerms(step SharingStep, asked, terms ShareTerms, today Date) (ShareTerms, error) {
	until := terms.Until
	terms.Until = Date{}
	granted, err := NarrowTerms(asked, terms)
	if err != nil {
		return asked, err
	}
	if until != (Date{}) {
		granted.Until = until
	} else if granted.Until.Before(today) {
		return asked, Errorf(EInvalid, "MZ 42: the last day asked, %s, has passed: give the ordered grant its own last day (terms.until)", granted.Until)
	}
	if step == StepNegotiation && granted.Mode == ModeBulk {
		return asked, Errorf(EForbidden, "WZ 21: bulk access needs the data authority's approval: the source cannot order a BULK grant at negotiation; "+
			"grant a narrower mode, or escalate the dispute to AUTHORITY_COORDINATION")
	}
	return granted, nil
}

// SharingDispute is a dispute over a share request.
type SharingDispute struct {
	Dispute
	RequestID             int64
	RequesterDepartmentID int64
	Step                  SharingStep
	Steps                 []*SharingStepRecord
	Resolution            string
	DecisionReference     string
	GrantOrdered          bool
}

// SharingStepRecord is one step as it went.
type SharingStepRecord struct {
	Step           SharingStep
	StartedAt      time.Time
	EndedAt        *time.Time
	Outcome        string
	Reasons        string
	Recommendation string
	Positions      []*Position
}

// Position is a party's stated position at a step.
type Position struct {
	DepartmentID int64
	Text         string
	By           Actor
	At           time.Time
}

// ---- Open-catalogue objections (NY 45) ----

// ObjectionInput is a person's objection to an entry of the open catalogue.
type ObjectionInput struct {
	ResourceID         int64
	Objection          string
	ProposedCorrection string
}

// ValidateObjection: NY 45: 公民、法人和其他组织对政务数据开放目录有疑义的,
// 可以 … 向数据生产部门提出更正申请: a signed-in person, about a published
// entry, saying what is wrong and what it should say.
func ValidateObjection(v Viewer, in ObjectionInput, published bool) error {
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role != RolePerson || v.Subject == "" {
		return Errorf(EForbidden, "NY 45: objections to the open catalogue are filed by signed-in citizens and organisations; departments report data errors (reportDataError)")
	}
	var bad []string
	if !published {
		bad = append(bad, "NY 45: only an entry of the published open catalogue can be objected to")
	}
	if strings.TrimSpace(in.Objection) == "" {
		bad = append(bad, "NY 45: say what is wrong with the entry (疑义)")
	}
	if strings.TrimSpace(in.ProposedCorrection) == "" {
		bad = append(bad, "NY 45: say what it should say instead (更正申请)")
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the objection cannot be filed: %s", strings.Join(bad, "; "))
	}
	return nil
}

// ValidateObjectionRefusal: NY 45: 不同意更正的, 应当说明理由, 并提供依据.
func ValidateObjectionRefusal(reason, basis string) error {
	return validateRefusal("NY 45", reason, basis)
}

// ObjectionChange is the catalogue change obligation an accepted objection
// opens: NY 45: 同意更正的, 应当提请市级数据主管部门变更政务数据开放目录: the
// source submits a revision of the entry for the authority's review.
func ObjectionChange(objectionID int64, resourceCode, correction string, acceptedOn Date) ChangeObligationInput {
	return ChangeObligationInput{
		Reason:      ChangeObjection,
		Description: "NY 45: objection " + NodeID(KindDispute, objectionID) + " to " + resourceCode + " accepted: " + strings.TrimSpace(correction),
		OccurredOn:  acceptedOn,
	}
}

// OpenObjection is an objection to an entry of the open catalogue.
type OpenObjection struct {
	Dispute
	Objector           string
	Objection          string
	ProposedCorrection string
	AnswerDeadline     Deadline
	Extension          *Extension
	AnsweredAt         *time.Time
	Reason, Basis      string
	// ObligationID is the catalogue change an accepted objection opened.
	ObligationID int64
}

// DisputeAction is one entry of a dispute's history.
type DisputeAction struct {
	DisputeID int64
	At        time.Time
	By        Actor
	Action    string
	From, To  DisputeStatus
	Note      string
}

// DisputeCommand is one action on a dispute.
type DisputeCommand struct {
	DisputeID int64
	Event     DisputeEvent
	Note      string
	// Extension.
	Days       int
	ApprovedBy string
	// Refusal of an objection.
	Reason, Basis  string
	Escalation     Escalation
	Resolution     Resolution
	IdempotencyKey string
}

// DisputeCriteria narrows a list of disputes.
type DisputeCriteria struct {
	Kind         DisputeKind
	Status       DisputeStatus
	Open         *bool
	DepartmentID int64
	ResourceID   int64
	OverdueAt    time.Time
}
