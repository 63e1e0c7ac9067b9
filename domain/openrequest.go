package domain

import (
	"strings"
	"time"
)

// OpenRequestStatus is where an open request (开放申请) stands.
type OpenRequestStatus string

const (
	OpenPending   OpenRequestStatus = "PENDING"
	OpenApproved  OpenRequestStatus = "APPROVED"
	OpenRejected  OpenRequestStatus = "REJECTED"
	OpenWithdrawn OpenRequestStatus = "WITHDRAWN"
)

// OpenRequestStatuses lists every status.
var OpenRequestStatuses = []OpenRequestStatus{OpenPending, OpenApproved, OpenRejected, OpenWithdrawn}

// OpenEvent is something that happens to an open request.
type OpenEvent string

const (
	OpenEventApprove  OpenEvent = "APPROVE"
	OpenEventReject   OpenEvent = "REJECT"
	OpenEventExtend   OpenEvent = "EXTEND"
	OpenEventWithdraw OpenEvent = "WITHDRAW"
)

// OpenEvents lists every event.
var OpenEvents = []OpenEvent{OpenEventApprove, OpenEventReject, OpenEventExtend, OpenEventWithdraw}

// openTransitions: NY 46, QY 24(2), WZ 29: the source answers a pending
// request, and may extend its deadline (once, see OpenExtension).
var openTransitions = map[OpenRequestStatus]map[OpenEvent]OpenRequestStatus{
	OpenPending: {
		OpenEventApprove: OpenApproved, OpenEventReject: OpenRejected,
		OpenEventExtend: OpenPending, OpenEventWithdraw: OpenWithdrawn,
	},
	OpenApproved:  {},
	OpenRejected:  {},
	OpenWithdrawn: {},
}

// OpenTransition returns the status e leads to from s, or
// FAILED_PRECONDITION.
func OpenTransition(s OpenRequestStatus, e OpenEvent) (OpenRequestStatus, error) {
	next, ok := openTransitions[s][e]
	if !ok {
		return s, Errorf(EPrecondition, "an open request that is %s cannot take %s: it is answered", s, e)
	}
	return next, nil
}

// OpenRequestInput is what a person submits.
type OpenRequestInput struct {
	ResourceID int64
	Purpose    string
	Scope      string
}

// ValidateOpenRequest checks a request of v for an entry whose open type
// is ot: persons apply (NY 46: 公民、法人和其他组织), departments obtain
// data by sharing; only CONDITIONAL data needs a request (NY 46: 无条件开放
// … 直接获取); the application states purpose and scope (QY 24(2), WZ 29).
func ValidateOpenRequest(v Viewer, in OpenRequestInput, ot OpenType) error {
	// SECURITY: open requests are the public's; a department's would be a
	// way around least-privilege sharing.
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role != RolePerson || v.Subject == "" {
		return Errorf(EForbidden, "open requests are filed by signed-in citizens and organisations (NY 46); departments request data by sharing (submitShareRequest)")
	}
	var bad []string
	if ot == OpenUnconditional {
		bad = append(bad, "NY 46: the entry is open unconditionally: obtain it directly from openAccess, no request is needed")
	}
	if strings.TrimSpace(in.Purpose) == "" {
		bad = append(bad, "QY 24(2), WZ 29: state the purpose (用途)")
	}
	if strings.TrimSpace(in.Scope) == "" {
		bad = append(bad, "QY 24(2), WZ 29: state the scope of the data you need (范围)")
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the open request cannot be filed: %s", strings.Join(bad, "; "))
	}
	return nil
}

// MayDecideOpen decides whether v may cause e on an open request of
// requester (a token subject) for data of source: the source answers and
// extends (NY 46: 政务数据生产部门), the requester withdraws.
func MayDecideOpen(v Viewer, e OpenEvent, source int64, requester string) error {
	// SECURITY: every open request decision passes here.
	if err := MayMutate(v); err != nil {
		return err
	}
	if e == OpenEventWithdraw {
		if v.Role != RolePerson || v.Subject == "" || v.Subject != requester {
			return Errorf(EForbidden, "only the person who filed an open request withdraws it")
		}
		return nil
	}
	if v.Role != RoleDepartment || v.DepartmentID == 0 || v.DepartmentID != source {
		return Errorf(EForbidden, "the source department answers an open request (NY 46)")
	}
	return nil
}

// ValidateOpenRefusal: NY 46, QY 24(2): a refusal gives reasons and a basis.
func ValidateOpenRefusal(reason, basis string) error {
	return validateRefusal("NY 46, QY 24(2)", reason, basis)
}

// OpenExtension is the deadline of an open request after its one
// extension under rule, the whole extension, counted on cal from the
// original due day. NY 46: 如需延长答复期限的, 应当经 … 主要负责人同意,
// 延长答复期限不得超过10个工作日.
func OpenExtension(cal *Calendar, d Deadline, rule Rule, alreadyExtended bool, reason, approvedBy string) (Deadline, error) {
	return ExtendDeadline(cal, d, rule, alreadyExtended, 0, reason, approvedBy)
}

// OpenRequestScope is whose open requests a viewer may read.
type OpenRequestScope struct {
	All bool
	// SourceDepartmentID: requests for the department's entries.
	SourceDepartmentID int64
	// Requester: a person's own requests.
	Requester string
}

// OpenRequestScopeFor decides v's OpenRequestScope: a person reads its
// own, a department those for its entries, the overseers all.
func OpenRequestScopeFor(v Viewer) (OpenRequestScope, error) {
	switch {
	case v.Role == RoleAuthority || v.Role == RoleAuditor:
		return OpenRequestScope{All: true}, nil
	case v.Role == RoleDepartment && v.DepartmentID != 0:
		return OpenRequestScope{SourceDepartmentID: v.DepartmentID}, nil
	case v.Role == RolePerson && v.Subject != "":
		// SECURITY: a person sees its own requests only.
		return OpenRequestScope{Requester: v.Subject}, nil
	}
	return OpenRequestScope{}, Errorf(EForbidden, "sign in to see open requests: a person sees its own, a department those for its entries")
}

// OpenRequest is a person's application for conditionally open data.
type OpenRequest struct {
	ID                 int64
	ResourceID         int64
	SourceDepartmentID int64
	Requester          string
	Purpose            string
	Scope              string
	Status             OpenRequestStatus
	SubmittedAt        time.Time
	Deadline           *Deadline
	ExtendedAt         *time.Time
	ExtensionReason    string
	ExtensionApprover  string
	DecidedAt          *time.Time
	Reason, Basis      string
}

// OverdueAt: the source has not answered by its deadline.
func (o *OpenRequest) OverdueAt(now time.Time) bool {
	return o.Status == OpenPending && o.Deadline != nil && now.After(o.Deadline.DueAt)
}

func (o *OpenRequest) NodeID() string { return NodeID(KindOpenRequest, o.ID) }

// OpenCommand is one event on an open request.
type OpenCommand struct {
	RequestID               int64
	Event                   OpenEvent
	Reason, Basis, Approver string
	IdempotencyKey          string
}

// OpenRequestCriteria narrows a list of open requests.
type OpenRequestCriteria struct {
	ResourceID int64
	Status     OpenRequestStatus
	OverdueAt  time.Time
}
