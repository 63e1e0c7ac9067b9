package domain

import (
	"slices"
	"strings"
	"time"
)

// ShareRequestStatus is where a share request (共享申请) stands.
type ShareRequestStatus string

const (
	// RequestPendingSource: the source department decides (MZ 22).
	RequestPendingSource ShareRequestStatus = "PENDING_SOURCE"
	// RequestPendingAuthority: a BULK request the source approved waits
	// for the data authority (WZ 21).
	RequestPendingAuthority ShareRequestStatus = "PENDING_AUTHORITY"
	RequestGranted          ShareRequestStatus = "GRANTED"
	RequestRejected         ShareRequestStatus = "REJECTED"
	RequestWithdrawn        ShareRequestStatus = "WITHDRAWN"
)

// RequestStatuses lists every status.
var RequestStatuses = []ShareRequestStatus{RequestPendingSource, RequestPendingAuthority, RequestGranted, RequestRejected, RequestWithdrawn}

// RequestEvent is something that happens to a share request.
type RequestEvent string

const (
	EventSourceApprove    RequestEvent = "SOURCE_APPROVE"
	EventSourceReject     RequestEvent = "SOURCE_REJECT"
	EventAuthorityApprove RequestEvent = "AUTHORITY_APPROVE"
	EventAuthorityReject  RequestEvent = "AUTHORITY_REJECT"
	EventWithdraw         RequestEvent = "WITHDRAW"
	// EventOrderGrant: the resolution of a sharing dispute orders the
	// request granted (MZ 42); never a decision of decideShareRequest.
	EventOrderGrant RequestEvent = "ORDER_GRANT"
)

// RequestEvents lists every event.
var RequestEvents = []RequestEvent{EventSourceApprove, EventSourceReject, EventAuthorityApprove, EventAuthorityReject, EventWithdraw, EventOrderGrant}

// requestTransitions is the share request workflow; an event missing from
// a status's row is refused. The source approving a BULK request passes it
// to the authority instead of granting it (see RequestTransition).
var requestTransitions = map[ShareRequestStatus]map[RequestEvent]ShareRequestStatus{
	// MZ 22: the source decides; QY 16(2), WZ 20: a refusal gives reasons.
	RequestPendingSource: {
		EventSourceApprove: RequestGranted,
		EventSourceReject:  RequestRejected,
		EventWithdraw:      RequestWithdrawn,
		EventOrderGrant:    RequestGranted,
	},
	// WZ 21: bulk sharing needs the authority's approval too.
	RequestPendingAuthority: {
		EventAuthorityApprove: RequestGranted,
		EventAuthorityReject:  RequestRejected,
		EventWithdraw:         RequestWithdrawn,
		EventOrderGrant:       RequestGranted,
	},
	RequestGranted: {},
	// MZ 42: a dispute's resolution may overturn a refusal.
	RequestRejected:  {EventOrderGrant: RequestGranted},
	RequestWithdrawn: {},
}

// RequestTransition returns the status event e leads to from s; mode is
// the mode the decision grants. WZ 21: the source approving BULK passes the
// request to the authority. A refused event is FAILED_PRECONDITION.
func RequestTransition(s ShareRequestStatus, e RequestEvent, mode ShareMode) (ShareRequestStatus, error) {
	row, ok := requestTransitions[s]
	if !ok {
		return s, Errorf(EInternal, "unknown share request status %s", s)
	}
	next, ok := row[e]
	if !ok {
		var allowed []string
		for _, ev := range RequestEvents {
			if _, ok := row[ev]; ok {
				allowed = append(allowed, string(ev))
			}
		}
		hint := "nothing: it is decided"
		if len(allowed) > 0 {
			hint = strings.Join(allowed, ", ")
		}
		return s, Errorf(EPrecondition, "a share request that is %s cannot take %s; it allows %s", s, e, hint)
	}
	if e == EventSourceApprove && mode == ModeBulk {
		return RequestPendingAuthority, nil
	}
	return next, nil
}

// ShareTerms are what a request asks for and a grant allows: the items,
// the mode and the last day (MZ 22: 所需数据、共享模式、截止时间).
type ShareTerms struct {
	ItemIDs []int64
	Mode    ShareMode
	Until   Date
}

// modeRank orders the modes by how much they give: a check of a value
// the user holds, one subject's record, a batch (WZ 16, WZ 21).
var modeRank = map[ShareMode]int{ModeVerify: 1, ModeQuery: 2, ModeBulk: 3}

// NarrowTerms is the grant of a decision on a request that asked for
// asked: MZ 22 and NY 12 (最小授权): the source may approve fewer items,
// a narrower mode and an earlier last day than asked, never more. A zero
// field of decided keeps what was asked.
func NarrowTerms(asked, decided ShareTerms) (ShareTerms, error) {
	out := asked
	var v []string
	if decided.ItemIDs != nil {
		if len(decided.ItemIDs) == 0 {
			v = append(v, "approve at least one item, or reject the request")
		}
		for _, id := range decided.ItemIDs {
			if !slices.Contains(asked.ItemIDs, id) {
				v = append(v, "item "+NodeID(KindDataItem, id)+" was not asked for")
			}
		}
		out.ItemIDs = slices.Compact(slices.Sorted(slices.Values(decided.ItemIDs)))
	}
	if decided.Mode != "" {
		if modeRank[decided.Mode] == 0 {
			v = append(v, "mode "+string(decided.Mode)+" is not VERIFY, QUERY or BULK")
		} else if modeRank[decided.Mode] > modeRank[asked.Mode] {
			v = append(v, "mode "+string(decided.Mode)+" gives more than the "+string(asked.Mode)+" asked for")
		}
		out.Mode = decided.Mode
	}
	if decided.Until != (Date{}) {
		if asked.Until.Before(decided.Until) {
			v = append(v, "until "+decided.Until.String()+" is later than the "+asked.Until.String()+" asked for")
		}
		out.Until = decided.Until
	}
	if len(v) > 0 {
		return asked, Errorf(EInvalid, "MZ 22 (最小授权): a grant may narrow a request, never widen it: %s", strings.Join(v, "; "))
	}
	return out, nil
}

// ValidateGrantTerms checks what a decision would grant on r on today:
// a last day not yet passed, items the entry still has, and a mode the
// entry offers (a NONE entry: VERIFY only, MZ 21).
func ValidateGrantTerms(t ShareTerms, r RequestedResource, today Date) error {
	var bad []string
	if t.Until.Before(today) {
		bad = append(bad, "until "+t.Until.String()+" has passed: a grant must allow access from today")
	}
	for _, id := range t.ItemIDs {
		if !slices.Contains(r.ItemIDs, id) {
			bad = append(bad, "item "+NodeID(KindDataItem, id)+" is no longer an item of the entry")
		}
	}
	switch {
	case r.ShareType == ShareNone && t.Mode != ModeVerify:
		bad = append(bad, "MZ 21: the entry is not shared (NONE); only VERIFY may be granted")
	case r.ShareType != ShareNone && !slices.Contains(r.ShareModes, t.Mode):
		bad = append(bad, "the entry is shared by "+joinValues(r.ShareModes)+", not "+string(t.Mode))
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the grant cannot be made: %s", strings.Join(bad, "; "))
	}
	return nil
}

// ShareRequestInput is what a department submits.
type ShareRequestInput struct {
	ResourceID int64
	Purpose    string
	Scenario   string
	ItemIDs    []int64
	Mode       ShareMode
	Until      Date
}

// RequestedResource is what deciding on a request needs to know of the
// resource it names.
type RequestedResource struct {
	SourceDepartmentID int64
	ShareType          ShareType
	ShareModes         []ShareMode
	// ItemIDs are the items the entry has now, ItemNames their names.
	ItemIDs   []int64
	ItemNames map[int64]string
}

// OpenShareRequest validates a request of v's department on r submitted
// on today and returns the status it starts in:
//   - MZ 21: a NONE entry may be asked only for VERIFY (核实比对);
//   - MZ 21, QY 16(1): UNCONDITIONAL data is granted at once, except
//     BULK, which needs the source's and the authority's approval (WZ 21);
//   - otherwise the source decides (MZ 22).
func OpenShareRequest(v Viewer, in ShareRequestInput, r RequestedResource, today Date) (ShareRequestStatus, error) {
	// SECURITY: sharing is between departments (MZ 21).
	if err := MayMutate(v); err != nil {
		return "", err
	}
	if v.Role != RoleDepartment || v.DepartmentID == 0 {
		return "", Errorf(EForbidden, "share requests are filed by departments (MZ 21): sign in as staff of the using department")
	}
	var bad []string
	if v.DepartmentID == r.SourceDepartmentID {
		bad = append(bad, "this is your own department's entry: use it directly")
	}
	if strings.TrimSpace(in.Purpose) == "" {
		bad = append(bad, "MZ 21: state the purpose (合理用途)")
	}
	if strings.TrimSpace(in.Scenario) == "" {
		bad = append(bad, "MZ 22: name the business scenario (应用业务场景)")
	}
	if len(in.ItemIDs) == 0 {
		bad = append(bad, "MZ 22: name the data items you need (所需数据)")
	}
	for _, id := range in.ItemIDs {
		if !slices.Contains(r.ItemIDs, id) {
			bad = append(bad, "item "+NodeID(KindDataItem, id)+" is not an item of this entry")
		}
	}
	if in.Until.Before(today) {
		bad = append(bad, "MZ 22: until "+in.Until.String()+" has passed; give the last day you need the data (截止时间)")
	}
	switch {
	case modeRank[in.Mode] == 0:
		bad = append(bad, "mode "+string(in.Mode)+" is not VERIFY, QUERY or BULK")
	case r.ShareType == ShareNone && in.Mode != ModeVerify:
		bad = append(bad, "MZ 21: the entry is not shared (NONE); only VERIFY (核实比对) may be requested, not "+string(in.Mode))
	case r.ShareType != ShareNone && !slices.Contains(r.ShareModes, in.Mode):
		bad = append(bad, "the entry is shared by "+joinValues(r.ShareModes)+", not "+string(in.Mode))
	}
	if len(bad) > 0 {
		return "", Errorf(EInvalid, "the share request cannot be filed: %s", strings.Join(bad, "; "))
	}
	if r.ShareType == ShareUnconditional && in.Mode != ModeBulk {
		return RequestGranted, nil
	}
	return RequestPendingSource, nil
}

// MayDecideRequest decides whether v may cause e on a request by
// requester for data of source: the source department decides first
// (MZ 22), the data authority decides BULK after it (WZ 21), the requester
// withdraws.
func MayDecideRequest(v Viewer, e RequestEvent, source, requester int64) error {
	// SECURITY: every share request decision passes here.
	if err := MayMutate(v); err != nil {
		return err
	}
	switch e {
	case EventSourceApprove, EventSourceReject:
		if v.Role != RoleDepartment || v.DepartmentID == 0 || v.DepartmentID != source {
			return Errorf(EForbidden, "the source department decides a share request (MZ 22)")
		}
	case EventAuthorityApprove, EventAuthorityReject:
		if v.Role != RoleAuthority {
			return Errorf(EForbidden, "the data authority decides bulk sharing after the source (WZ 21)")
		}
	case EventWithdraw:
		if v.Role != RoleDepartment || v.DepartmentID == 0 || v.DepartmentID != requester {
			return Errorf(EForbidden, "only the requesting department withdraws its request")
		}
	}
	return nil
}

// ValidateRejection checks a refusal of a share request: QY 16(2) and
// WZ 20 require reasons, and a refusal names its basis.
func ValidateRejection(reason, basis string) error {
	return validateRefusal("QY 16(2), WZ 20", reason, basis)
}

// validateRefusal checks that a refusal gives a reason and a basis, as
// the articles cited require.
func validateRefusal(articles, reason, basis string) error {
	var v []string
	if strings.TrimSpace(reason) == "" {
		v = append(v, articles+": give the reason (说明理由)")
	}
	if strings.TrimSpace(basis) == "" {
		v = append(v, articles+": name the basis of the refusal (提供依据: the law, rule or condition)")
	}
	if len(v) > 0 {
		return Errorf(EInvalid, "the request cannot be refused so: %s", strings.Join(v, "; "))
	}
	return nil
}

// RequestScopeFor is whose share requests v may read: those its
// department filed or must decide, or all for the authority and auditors.
func RequestScopeFor(v Viewer) (OversightScope, error) {
	s, err := OversightScopeFor(v)
	if err != nil {
		return s, Errorf(EForbidden, "share requests and grants are for departments, the data authority and auditors")
	}
	return s, nil
}

// ShareRequest is a department's request for another's data.
type ShareRequest struct {
	ID                    int64
	ResourceID            int64
	RequesterDepartmentID int64
	SourceDepartmentID    int64
	RequestedBy           string
	Purpose               string
	Scenario              string
	Asked                 ShareTerms
	Status                ShareRequestStatus
	SubmittedAt           time.Time
	// Deadline is the source's (SHARE_ANSWER); nil when granted at once.
	Deadline *Deadline
	// Decided are the terms the source approved (nil before).
	Decided            *ShareTerms
	SourceDecidedAt    *time.Time
	AuthorityDecidedAt *time.Time
	Reason             string
	Basis              string
	GrantID            int64
}

// Pending reports whether a decision is still awaited.
func (r *ShareRequest) Pending() bool {
	return r.Status == RequestPendingSource || r.Status == RequestPendingAuthority
}

// OverdueAt: the source has not answered by its deadline (MZ 21, QY 16,
// WZ 20).
func (r *ShareRequest) OverdueAt(now time.Time) bool {
	return r.Status == RequestPendingSource && r.Deadline != nil && now.After(r.Deadline.DueAt)
}

func (r *ShareRequest) NodeID() string { return NodeID(KindShareRequest, r.ID) }

// GrantStatus is a grant's standing.
type GrantStatus string

const (
	GrantActive    GrantStatus = "ACTIVE"
	GrantSuspended GrantStatus = "SUSPENDED"
	GrantRevoked   GrantStatus = "REVOKED"
	// GrantExpired is derived: an active grant past its last day.
	GrantExpired GrantStatus = "EXPIRED"
)

// GrantEvent is what the authority does to a grant.
type GrantEvent string

const (
	EventSuspend   GrantEvent = "SUSPEND"
	EventReinstate GrantEvent = "REINSTATE"
	EventRevoke    GrantEvent = "REVOKE"
)

// GrantEvents lists every grant event.
var GrantEvents = []GrantEvent{EventSuspend, EventReinstate, EventRevoke}

// grantTransitions: NY 41 (暂停), WZ 22 (取消数据共享): a suspension is
// reversible, a revocation final.
var grantTransitions = map[GrantStatus]map[GrantEvent]GrantStatus{
	GrantActive:    {EventSuspend: GrantSuspended, EventRevoke: GrantRevoked},
	GrantSuspended: {EventReinstate: GrantActive, EventRevoke: GrantRevoked},
	GrantRevoked:   {},
}

// GrantTransition returns the status e leads to from s, or
// FAILED_PRECONDITION.
func GrantTransition(s GrantStatus, e GrantEvent) (GrantStatus, error) {
	next, ok := grantTransitions[s][e]
	if !ok {
		return s, Errorf(EPrecondition, "a %s grant cannot be %s (a suspension is reversible, a revocation final: NY 41, WZ 22)", s, strings.ToLower(string(e))+"d")
	}
	return next, nil
}

// MayChangeGrant: only the data authority suspends, reinstates or revokes
// a grant, and says why (NY 41, WZ 22).
func MayChangeGrant(v Viewer, reason string) error {
	// SECURITY: a grant change cuts or restores a department's access.
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role != RoleAuthority {
		return Errorf(EForbidden, "only the data authority suspends, reinstates or revokes grants (NY 41, WZ 22)")
	}
	if strings.TrimSpace(reason) == "" {
		return Errorf(EInvalid, "say why: a grant change needs a reason (NY 41, WZ 22)")
	}
	return nil
}

// ShareGrant is a grant as listed: Grant's terms plus its standing.
type ShareGrant struct {
	Grant
	DepartmentID int64
	RequestID    int64
	Status       GrantStatus
	StatusReason string
	CreatedAt    time.Time
	// RevokedAt is when the authority revoked it (WZ 22).
	RevokedAt *time.Time
}

// Ended is when the grant stopped being in force: its revocation, else
// its last day; nil while it has neither.
func (g *ShareGrant) Ended() *time.Time {
	if g.RevokedAt != nil {
		return g.RevokedAt
	}
	return g.ValidUntil
}

// StatusAt is the grant's standing at now: an active grant past its last
// day has expired on its own.
func (g *ShareGrant) StatusAt(now time.Time) GrantStatus {
	if g.Status == GrantActive && g.ValidUntil != nil && !now.Before(*g.ValidUntil) {
		return GrantExpired
	}
	return g.Status
}

func (g *ShareGrant) NodeID() string { return NodeID(KindGrant, g.ID) }

// GrantValidUntil is the instant a grant whose last day is until stops
// allowing access: the end of that day, China time.
func GrantValidUntil(until Date) time.Time { return until.EndOfDay() }

// Decision is what a decider says of a share request.
type Decision string

const (
	DecisionApprove  Decision = "APPROVE"
	DecisionReject   Decision = "REJECT"
	DecisionWithdraw Decision = "WITHDRAW"
)

// RequestEventFor is the event a decision is on a request in status s:
// the source decides a PENDING_SOURCE request, the authority a
// PENDING_AUTHORITY one (WZ 21).
func RequestEventFor(s ShareRequestStatus, d Decision) RequestEvent {
	switch {
	case d == DecisionWithdraw:
		return EventWithdraw
	case s == RequestPendingAuthority && d == DecisionApprove:
		return EventAuthorityApprove
	case s == RequestPendingAuthority:
		return EventAuthorityReject
	case d == DecisionApprove:
		return EventSourceApprove
	default:
		return EventSourceReject
	}
}

// RequestCommand is one decision on a share request.
type RequestCommand struct {
	RequestID int64
	Decision  Decision
	// Terms narrow the grant on approval (zero fields: as asked).
	Terms          ShareTerms
	Reason, Basis  string
	IdempotencyKey string
}

// ShareRequestCriteria narrows a list of share requests.
type ShareRequestCriteria struct {
	RequesterDepartmentID int64
	SourceDepartmentID    int64
	ResourceID            int64
	Status                ShareRequestStatus
	// OverdueAt, when set, keeps requests the source has not answered by
	// their deadline at that instant.
	OverdueAt time.Time
}

// GrantCriteria narrows a list of grants.
type GrantCriteria struct {
	DepartmentID int64
	ResourceID   int64
	// Status, judged at At (EXPIRED is derived from the last day).
	Status GrantStatus
	At     time.Time
	// Usage keeps grants missing a usage report (MZ 39).
	Usage GrantUsageCriteria
}
