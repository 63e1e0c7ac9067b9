package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Entry is the editable content of a catalogue entry: the required
// elements of MZ 7 (QY 8, NY 17, WZ 10) and the entry's contact and
// platform details. Drafts, pending revisions and version snapshots are
// Entries; the store keeps them as JSON, hence the tags.
type Entry struct {
	Code            string          `json:"code"`
	Name            string          `json:"name"`
	Summary         string          `json:"summary"`
	Classification  string          `json:"classification"`
	Format          string          `json:"format"`
	UpdateFrequency UpdateFrequency `json:"updateFrequency"`
	ShareType       ShareType       `json:"shareType"`
	ShareConditions string          `json:"shareConditions"`
	ShareScope      string          `json:"shareScope"`
	ShareModes      []ShareMode     `json:"shareModes"`
	OpenType        OpenType        `json:"openType"`
	OpenConditions  string          `json:"openConditions"`
	LegalBasis      string          `json:"legalBasis"`
	// The collecting, approving and providing departments (MZ 7), by ID.
	CollectingDepartmentID int64  `json:"collectingDepartmentId"`
	ApprovingDepartmentID  int64  `json:"approvingDepartmentId"`
	ProvidingDepartmentID  int64  `json:"providingDepartmentId"`
	ContactPerson          string `json:"contactPerson"`
	ContactPhone           string `json:"contactPhone"`
	ShareEndpoint          string `json:"shareEndpoint"`
	OpenDownloadURL        string `json:"openDownloadUrl"`
	OpenAPIURL             string `json:"openApiUrl"`
	// Items in catalogue order.
	Items []EntryItem `json:"items"`
	// DataElementIDs are the data elements the entry carries (MZ 11).
	DataElementIDs []int64 `json:"dataElementIds"`
}

// EntryItem is one information item (信息项) of an Entry.
type EntryItem struct {
	Name        string   `json:"name"`
	DataType    DataType `json:"dataType"`
	Description string   `json:"description"`
	Personal    bool     `json:"personal"`
}

// EntryOf is the editable content of r with its items and elements.
func EntryOf(r *Resource, items []*DataItem, elementIDs []int64) Entry {
	e := Entry{
		Code: r.Code, Name: r.Name, Summary: r.Summary, Classification: r.Classification, Format: r.Format,
		UpdateFrequency: r.UpdateFrequency, ShareType: r.ShareType, ShareConditions: r.ShareConditions,
		ShareScope: r.ShareScope, ShareModes: slices.Clone(r.ShareModes), OpenType: r.OpenType,
		OpenConditions: r.OpenConditions, LegalBasis: r.LegalBasis,
		CollectingDepartmentID: r.CollectingDepartmentID, ApprovingDepartmentID: r.ApprovingDepartmentID,
		ProvidingDepartmentID: r.ProvidingDepartmentID, ContactPerson: r.ContactPerson, ContactPhone: r.ContactPhone,
		ShareEndpoint: r.ShareEndpoint, OpenDownloadURL: r.OpenDownloadURL, OpenAPIURL: r.OpenAPIURL,
		Items: make([]EntryItem, len(items)), DataElementIDs: slices.Clone(elementIDs),
	}
	for i, it := range items {
		e.Items[i] = EntryItem{Name: it.Name, DataType: it.DataType, Description: it.Description, Personal: it.Personal}
	}
	if e.ShareModes == nil {
		e.ShareModes = []ShareMode{}
	}
	if e.DataElementIDs == nil {
		e.DataElementIDs = []int64{}
	}
	slices.Sort(e.DataElementIDs)
	return e
}

// Normalize trims the text fields and sorts what has no order, so that
// two Entries saying the same thing compare equal.
func (e *Entry) Normalize() {
	for _, s := range []*string{&e.Code, &e.Name, &e.Summary, &e.Classification, &e.Format, &e.ShareConditions,
		&e.ShareScope, &e.OpenConditions, &e.LegalBasis, &e.ContactPerson, &e.ContactPhone,
		&e.ShareEndpoint, &e.OpenDownloadURL, &e.OpenAPIURL} {
		*s = strings.TrimSpace(*s)
	}
	for i := range e.Items {
		e.Items[i].Name = strings.TrimSpace(e.Items[i].Name)
		e.Items[i].Description = strings.TrimSpace(e.Items[i].Description)
	}
	if e.ShareModes == nil {
		e.ShareModes = []ShareMode{}
	}
	slices.Sort(e.ShareModes)
	e.ShareModes = slices.Compact(e.ShareModes)
	if e.DataElementIDs == nil {
		e.DataElementIDs = []int64{}
	}
	slices.Sort(e.DataElementIDs)
	e.DataElementIDs = slices.Compact(e.DataElementIDs)
	if e.Items == nil {
		e.Items = []EntryItem{}
	}
}

// DefaultDepartments names source as the collecting, approving and
// providing department where e names none: a department usually collects,
// approves and provides its own data (MZ 7 lists all three).
func (e *Entry) DefaultDepartments(source int64) {
	for _, id := range []*int64{&e.CollectingDepartmentID, &e.ApprovingDepartmentID, &e.ProvidingDepartmentID} {
		if *id == 0 {
			*id = source
		}
	}
}

// EntryContext is what validating an Entry needs to know beyond it.
type EntryContext struct {
	// SourceDepartmentID is the department the entry belongs to.
	SourceDepartmentID int64
	// InBaseDatabase: the entry feeds one of the five base databases.
	InBaseDatabase bool
	// ElementSources maps each data element the entry names to its
	// source department; an element missing from it does not exist.
	ElementSources map[int64]int64
	// KnownDepartments holds the department IDs that exist.
	KnownDepartments map[int64]bool
}

var resourceCodePattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{2,63}$`)

// ValidateEntry checks e. Always (drafts too): the code's form, the
// departments and data elements exist, one source per data element
// (MZ 11), item names unique and types known. With complete (submission):
// the required elements of MZ 7 are present, and the rules of the share and
// open types hold (MZ 10, WZ 15, NY 37, NY 44). Every violation is listed,
// each naming its rule and article, in one BAD_USER_INPUT error.
func ValidateEntry(e Entry, c EntryContext, complete bool) error {
	var v []string
	add := func(format string, args ...any) { v = append(v, fmt.Sprintf(format, args...)) }

	if e.Code == "" {
		// Even a draft has its code: it is how the entry is referred to.
		add("MZ 7: code is required, even for a draft, e.g. 441400-GA-001")
	} else if !resourceCodePattern.MatchString(e.Code) {
		add("code %q: use 3 to 64 letters, digits and hyphens, e.g. 441400-GA-001", e.Code)
	}
	if e.UpdateFrequency != "" && !slices.Contains(updateFrequencies, e.UpdateFrequency) {
		add("updateFrequency %q is not one of %s", e.UpdateFrequency, joinValues(updateFrequencies))
	}
	for role, id := range map[string]int64{"collecting": e.CollectingDepartmentID, "approving": e.ApprovingDepartmentID, "providing": e.ProvidingDepartmentID} {
		if id != 0 && !c.KnownDepartments[id] {
			add("MZ 7: the %s department does not exist", role)
		}
	}
	seen := map[string]bool{}
	for i, it := range e.Items {
		switch {
		case it.Name == "":
			add("MZ 7: data item %d has no name", i+1)
		case seen[it.Name]:
			add("data item %q is listed twice", it.Name)
		}
		seen[it.Name] = true
		if !slices.Contains(dataTypes, it.DataType) {
			add("data item %q: type %q is not one of %s", it.Name, it.DataType, joinValues(dataTypes))
		}
	}
	for _, id := range e.DataElementIDs {
		src, ok := c.ElementSources[id]
		switch {
		case !ok:
			add("data element %s does not exist", NodeID(KindDataElement, id))
		case src != c.SourceDepartmentID:
			// MZ 11, JM 8, QY 13: 一数一源.
			add("MZ 11 (一数一源): data element %s has another source department; only its source may catalogue it", NodeID(KindDataElement, id))
		}
	}
	if e.ShareType == ShareNone {
		for _, m := range e.ShareModes {
			if m != ModeVerify {
				// MZ 21: data not shared may only be verified (核实比对).
				add("MZ 21: a NONE share type allows only the VERIFY mode, not %s", m)
			}
		}
	}

	if complete {
		// MZ 7 (QY 8, NY 17, WZ 10): the required elements.
		for name, val := range map[string]string{"name": e.Name, "summary": e.Summary,
			"classification": e.Classification, "format": e.Format, "shareScope": e.ShareScope} {
			if val == "" {
				add("MZ 7: %s is required", name)
			}
		}
		if e.UpdateFrequency == "" {
			add("MZ 7: updateFrequency is required")
		}
		if e.CollectingDepartmentID == 0 || e.ApprovingDepartmentID == 0 || e.ProvidingDepartmentID == 0 {
			add("MZ 7: the collecting, approving and providing departments are required")
		}
		if len(e.Items) == 0 {
			add("MZ 7: at least one data item (信息项) is required")
		}
		for _, it := range e.Items {
			if it.Name != "" && it.Description == "" {
				add("MZ 7: data item %q needs a description", it.Name)
			}
		}
		if e.ShareType != ShareNone && len(e.ShareModes) == 0 {
			add("MZ 7: a shared entry names its share modes (VERIFY, QUERY, BULK)")
		}
		switch e.ShareType {
		case ShareConditional:
			// MZ 10, WZ 15(2): conditions and basis.
			if e.ShareConditions == "" {
				add("MZ 10, WZ 15(2): a CONDITIONAL share type needs share conditions")
			}
			if e.LegalBasis == "" {
				add("MZ 10, WZ 15(2): a CONDITIONAL share type needs a legal basis")
			}
		case ShareNone:
			// MZ 10, WZ 15(3): basis, filed with the authority.
			if e.LegalBasis == "" {
				add("MZ 10, WZ 15(3): a NONE share type needs a legal basis (法律、法规、规章依据)")
			}
		case "":
			add("MZ 7: shareType is required")
		}
		if c.InBaseDatabase && e.ShareType != ShareUnconditional && e.ShareType != "" {
			// NY 37(2): base databases are shared unconditionally.
			add("NY 37: the entry feeds a base database, whose items must be shared UNCONDITIONAL, not %s", e.ShareType)
		}
		switch e.OpenType {
		case OpenConditional:
			// NY 44, NY 46: conditions stated in the open catalogue.
			if e.OpenConditions == "" {
				add("NY 46: a CONDITIONAL open type needs open conditions")
			}
		case OpenNone:
			// NY 44: not opening needs a basis.
			if e.LegalBasis == "" {
				add("NY 44: a NONE open type needs a legal basis")
			}
		case "":
			add("MZ 7: openType is required")
		}
	}
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	what := "the entry is not valid"
	if complete {
		what = "the entry cannot be submitted"
	}
	return Errorf(EInvalid, "%s: %s", what, strings.Join(v, "; "))
}

var (
	updateFrequencies = []UpdateFrequency{FreqRealTime, FreqDaily, FreqWeekly, FreqMonthly, FreqQuarterly, FreqHalfYearly, FreqYearly, FreqIrregular}
	dataTypes         = []DataType{TypeString, TypeNumber, TypeCurrency, TypeDate, TypeDatetime, TypeBoolean, TypeText, TypeBinary, TypeDouble, TypeInteger, TypeFloat}
)

func joinValues[T ~string](vals []T) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// FieldChange is one field of an entry that a change altered.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// DiffEntries lists the fields that differ between before and after, in a
// fixed order. Items are compared as a whole list, one change per item
// added, removed or altered.
func DiffEntries(before, after Entry) []FieldChange {
	var out []FieldChange
	cmp := func(field, b, a string) {
		if b != a {
			out = append(out, FieldChange{Field: field, Before: b, After: a})
		}
	}
	cmp("code", before.Code, after.Code)
	cmp("name", before.Name, after.Name)
	cmp("summary", before.Summary, after.Summary)
	cmp("classification", before.Classification, after.Classification)
	cmp("format", before.Format, after.Format)
	cmp("updateFrequency", string(before.UpdateFrequency), string(after.UpdateFrequency))
	cmp("shareType", string(before.ShareType), string(after.ShareType))
	cmp("shareConditions", before.ShareConditions, after.ShareConditions)
	cmp("shareScope", before.ShareScope, after.ShareScope)
	cmp("shareModes", joinValues(before.ShareModes), joinValues(after.ShareModes))
	cmp("openType", string(before.OpenType), string(after.OpenType))
	cmp("openConditions", before.OpenConditions, after.OpenConditions)
	cmp("legalBasis", before.LegalBasis, after.LegalBasis)
	cmp("collectingDepartment", idString(before.CollectingDepartmentID), idString(after.CollectingDepartmentID))
	cmp("approvingDepartment", idString(before.ApprovingDepartmentID), idString(after.ApprovingDepartmentID))
	cmp("providingDepartment", idString(before.ProvidingDepartmentID), idString(after.ProvidingDepartmentID))
	cmp("contactPerson", before.ContactPerson, after.ContactPerson)
	cmp("contactPhone", before.ContactPhone, after.ContactPhone)
	cmp("shareEndpoint", before.ShareEndpoint, after.ShareEndpoint)
	cmp("openDownloadUrl", before.OpenDownloadURL, after.OpenDownloadURL)
	cmp("openApiUrl", before.OpenAPIURL, after.OpenAPIURL)
	items := func(e Entry) map[string]EntryItem {
		m := make(map[string]EntryItem, len(e.Items))
		for _, it := range e.Items {
			m[it.Name] = it
		}
		return m
	}
	bi, ai := items(before), items(after)
	for _, it := range before.Items {
		if _, ok := ai[it.Name]; !ok {
			cmp("dataItems."+it.Name, itemString(it), "")
		}
	}
	for i, it := range after.Items {
		b, ok := bi[it.Name]
		switch {
		case !ok:
			cmp("dataItems."+it.Name, "", itemString(it))
		case b != it:
			cmp("dataItems."+it.Name, itemString(b), itemString(it))
		case i >= len(before.Items) || before.Items[i].Name != it.Name:
			cmp("dataItems."+it.Name+".position", "", fmt.Sprint(i+1))
		}
	}
	cmp("dataElements", idsString(before.DataElementIDs), idsString(after.DataElementIDs))
	return out
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprint(id)
}

func idsString(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

func itemString(it EntryItem) string {
	s := fmt.Sprintf("%s (%s): %s", it.Name, it.DataType, it.Description)
	if it.Personal {
		s += " [personal]"
	}
	return s
}

// RevisionStatus is the state of a pending change to a published entry,
// which stays visible as published until the change is approved.
type RevisionStatus string

const (
	RevisionNone      RevisionStatus = ""
	RevisionDraft     RevisionStatus = "DRAFT"
	RevisionSubmitted RevisionStatus = "SUBMITTED"
	RevisionReturned  RevisionStatus = "RETURNED"
)

// WorkflowState is where an entry is: its status and, for a published
// entry, the state of its pending revision.
type WorkflowState struct {
	Status   ResourceStatus
	Revision RevisionStatus
}

func (s WorkflowState) String() string {
	if s.Revision == RevisionNone {
		return string(s.Status)
	}
	return fmt.Sprintf("%s with a %s revision", s.Status, s.Revision)
}

// Event is something that happens to an entry.
type Event string

const (
	EventUpdate  Event = "UPDATE"  // the source edits the content
	EventSubmit  Event = "SUBMIT"  // the source submits it for review
	EventApprove Event = "APPROVE" // the authority publishes it (MZ 7)
	EventReturn  Event = "RETURN"  // the authority returns it for changes
	EventRetire  Event = "RETIRE"  // the source withdraws it; nothing is deleted (WZ 35)
)

// Events lists every event.
var Events = []Event{EventUpdate, EventSubmit, EventApprove, EventReturn, EventRetire}

// WorkflowStates lists every state an entry can be in.
var WorkflowStates = []WorkflowState{
	{StatusDraft, RevisionNone}, {StatusSubmitted, RevisionNone}, {StatusReturned, RevisionNone},
	{StatusPublished, RevisionNone}, {StatusPublished, RevisionDraft}, {StatusPublished, RevisionSubmitted},
	{StatusPublished, RevisionReturned}, {StatusRetired, RevisionNone},
}

// transitions is the workflow: for each state, the events allowed and the
// state each leads to. An event missing from a state's row is refused.
// MZ 7: the authority reviews what departments submit; WZ 35: a published
// entry changes only through a reviewed revision, and nothing is deleted.
var transitions = map[WorkflowState]map[Event]WorkflowState{
	{StatusDraft, RevisionNone}: {
		EventUpdate: {StatusDraft, RevisionNone},
		EventSubmit: {StatusSubmitted, RevisionNone},
		EventRetire: {StatusRetired, RevisionNone},
	},
	{StatusSubmitted, RevisionNone}: {
		EventApprove: {StatusPublished, RevisionNone},
		EventReturn:  {StatusReturned, RevisionNone},
	},
	{StatusReturned, RevisionNone}: {
		EventUpdate: {StatusDraft, RevisionNone},
		EventSubmit: {StatusSubmitted, RevisionNone},
		EventRetire: {StatusRetired, RevisionNone},
	},
	{StatusPublished, RevisionNone}: {
		EventUpdate: {StatusPublished, RevisionDraft},
		EventRetire: {StatusRetired, RevisionNone},
	},
	{StatusPublished, RevisionDraft}: {
		EventUpdate: {StatusPublished, RevisionDraft},
		EventSubmit: {StatusPublished, RevisionSubmitted},
		EventRetire: {StatusRetired, RevisionNone},
	},
	{StatusPublished, RevisionSubmitted}: {
		EventApprove: {StatusPublished, RevisionNone},
		EventReturn:  {StatusPublished, RevisionReturned},
	},
	{StatusPublished, RevisionReturned}: {
		EventUpdate: {StatusPublished, RevisionDraft},
		EventSubmit: {StatusPublished, RevisionSubmitted},
		EventRetire: {StatusRetired, RevisionNone},
	},
	{StatusRetired, RevisionNone}: {},
}

// Transition returns the state event e leads to from s, or a
// FAILED_PRECONDITION error saying what s allows.
func Transition(s WorkflowState, e Event) (WorkflowState, error) {
	row, ok := transitions[s]
	if !ok {
		return s, Errorf(EInternal, "unknown workflow state %s", s)
	}
	next, ok := row[e]
	if !ok {
		var allowed []string
		for _, ev := range Events {
			if _, ok := row[ev]; ok {
				allowed = append(allowed, string(ev))
			}
		}
		hint := "nothing: a retired entry is kept as it is (WZ 35)"
		if len(allowed) > 0 {
			hint = strings.Join(allowed, ", ")
		}
		return s, Errorf(EPrecondition, "cannot %s an entry that is %s; it allows %s", strings.ToLower(string(e)), s, hint)
	}
	return next, nil
}

// MayAct decides whether v may cause e on an entry of sourceDepartmentID:
// the source department edits, submits and retires its own entries (MZ 7,
// MZ 8); the data authority approves and returns them (MZ 7). Auditors
// change nothing (MayMutate).
func MayAct(v Viewer, e Event, sourceDepartmentID int64) error {
	// SECURITY: every workflow mutation passes here before it changes a row.
	if err := MayMutate(v); err != nil {
		return err
	}
	switch e {
	case EventApprove, EventReturn:
		if v.Role != RoleAuthority {
			return Errorf(EForbidden, "only the data authority reviews catalogue entries (MZ 7)")
		}
	default:
		if v.Role != RoleDepartment || v.DepartmentID == 0 || v.DepartmentID != sourceDepartmentID {
			return Errorf(EForbidden, "only the source department maintains its catalogue entries (MZ 7, MZ 8): sign in as staff of that department")
		}
	}
	return nil
}

// Actor is who made a change, as recorded in versions.
type Actor struct {
	Subject      string `json:"subject"`
	Role         Role   `json:"role"`
	DepartmentID int64  `json:"departmentId,omitempty"`
}

// ActorOf is the actor of a viewer.
func ActorOf(v Viewer) Actor {
	return Actor{Subject: v.Subject, Role: v.Role, DepartmentID: v.DepartmentID}
}

// Key identifies the actor for idempotency keys: the same key from two
// users is two keys.
func (a Actor) Key() string { return fmt.Sprintf("%s/%d/%s", a.Role, a.DepartmentID, a.Subject) }

// ResourceVersion is one change of an entry (WZ 35: who, when, why and
// what changed).
type ResourceVersion struct {
	ResourceID int64
	Version    int
	// Action names the change, e.g. CREATED, UPDATED, REVISED, SUBMITTED.
	Action  string
	Actor   Actor
	At      time.Time
	Comment string
	// State is the workflow state after the change.
	State   WorkflowState
	Changes []FieldChange
}

// Version actions: one per event, plus a new entry, an imported one, and
// an update of a published entry, which makes a revision.
const (
	ActionCreated  = "CREATED"
	ActionImported = "IMPORTED"
	ActionRevised  = "REVISED"
)

// Action is the version action of e.
func (e Event) Action() string {
	return map[Event]string{EventUpdate: "UPDATED", EventSubmit: "SUBMITTED", EventApprove: "APPROVED",
		EventReturn: "RETURNED", EventRetire: "RETIRED"}[e]
}

// NoneShareFiling is the record made when an entry whose share type is
// NONE is submitted: MZ 10 and WZ 15(3) require such an entry, with its
// basis, to be filed with the data authority (报公共数据主管部门备案).
func NoneShareFiling(on Date, version int, legalBasis string) string {
	return fmt.Sprintf("filed with the data authority on %s with version %d (MZ 10, WZ 15(3)); basis: %s", on, version, legalBasis)
}
