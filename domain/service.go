package domain

import (
	"context"
	"io"
	"time"
)

// Catalogue reads the catalogue. Every resource read takes the viewer's
// ResourceScope so that rows the viewer may not see are filtered where the
// rows are selected, and lists, counts, cursors and lookups agree.
//
// Lookups by ID or code return maps holding only the rows found and
// visible; the caller decides whether a missing key is NOT_FOUND. Batch
// methods ("...Of") take many parent IDs and answer them in one round trip.
// List methods return EInvalid for a malformed cursor or page size.
type Catalogue interface {
	Resources(ctx context.Context, scope ResourceScope, f ResourceCriteria, o ResourceSort, p PageArgs) (*Page[*Resource], error)
	ResourcesByID(ctx context.Context, scope ResourceScope, ids []int64) (map[int64]*Resource, error)
	// ResourcesAt returns up to limit of the resources scope lets the
	// viewer see that match f, by code, skipping the first offset, with
	// the number that match: numbered pages for exports whose clients
	// follow page links (DCAT-AP with Hydra paging). It reads offset+limit
	// rows, so callers bound both.
	ResourcesAt(ctx context.Context, scope ResourceScope, f ResourceCriteria, offset, limit int) ([]*Resource, int, error)
	ResourcesByCode(ctx context.Context, scope ResourceScope, codes []string) (map[string]*Resource, error)
	// ResourcesOfDepartments pages the resources of each source department, by code.
	ResourcesOfDepartments(ctx context.Context, scope ResourceScope, departmentIDs []int64, p PageArgs) (map[int64]*Page[*Resource], error)
	// ResourcesOfThemeDatabases pages the resources each theme database draws on, by code.
	ResourcesOfThemeDatabases(ctx context.Context, scope ResourceScope, themeIDs []int64, p PageArgs) (map[int64]*Page[*Resource], error)
	CountResourcesOfDepartments(ctx context.Context, scope ResourceScope, departmentIDs []int64) (map[int64]int, error)
	CountResourcesOfThemeDatabases(ctx context.Context, scope ResourceScope, themeIDs []int64) (map[int64]int, error)

	Departments(ctx context.Context, f DepartmentCriteria, o DepartmentSort, p PageArgs) (*Page[*Department], error)
	DepartmentsByID(ctx context.Context, ids []int64) (map[int64]*Department, error)
	DepartmentsByCreditCode(ctx context.Context, codes []string) (map[string]*Department, error)
	// DepartmentsOfThemeDatabases lists, per theme database, the source
	// departments of the resources it draws on that scope lets the viewer see.
	DepartmentsOfThemeDatabases(ctx context.Context, scope ResourceScope, themeIDs []int64) (map[int64][]*Department, error)

	ThemeDatabases(ctx context.Context, f ThemeDatabaseCriteria, p PageArgs) (*Page[*ThemeDatabase], error)
	ThemeDatabasesByID(ctx context.Context, ids []int64) (map[int64]*ThemeDatabase, error)
	// ThemeDatabasesOf lists the theme databases each resource belongs to.
	ThemeDatabasesOf(ctx context.Context, resourceIDs []int64) (map[int64][]*ThemeDatabase, error)

	DataItemsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*DataItem, error)
	// ResourceSamplesOf reads the sample records of resources: reads of
	// resources leave Resource.Sample nil, since a list rarely shows them
	// and decoding them was a quarter of a list's allocations.
	ResourceSamplesOf(ctx context.Context, resourceIDs []int64) (map[int64][]map[string]string, error)
	DataElementsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*DataElement, error)
	DataElementsByID(ctx context.Context, ids []int64) (map[int64]*DataElement, error)
	DataItemsByID(ctx context.Context, scope ResourceScope, ids []int64) (map[int64]*DataItem, error)

	// ViewerRights loads what v holds beyond its role (grants, approved
	// open requests), once per request.
	ViewerRights(ctx context.Context, v Viewer, now time.Time) (Rights, error)
	// DepartmentIDByCreditCode resolves a token's department claim.
	DepartmentIDByCreditCode(ctx context.Context, code string) (int64, bool, error)

	// CreateEntry makes a DRAFT entry of v's department (MZ 7). A repeated
	// idempotency key with the same input answers with the entry it made.
	CreateEntry(ctx context.Context, v Viewer, e Entry, idempotencyKey string) (*Resource, error)
	// ActOnEntry applies one workflow event to an entry, in one
	// transaction: visibility, MayAct, the version check, Transition,
	// validation, the review deadline, and a new version.
	ActOnEntry(ctx context.Context, v Viewer, cmd EntryCommand) (*Resource, error)
	// ResourceVersionsOf lists each resource's versions, oldest first.
	ResourceVersionsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*ResourceVersion, error)

	// Calendar is the working-day calendar from the stored schedules.
	Calendar(ctx context.Context) (*Calendar, error)
	// AddHolidaySchedule stores a year's schedule (replace: over a stored
	// one) and returns the new calendar. A retry with the same
	// idempotency key stores nothing again (no new calendar revision).
	AddHolidaySchedule(ctx context.Context, v Viewer, s HolidaySchedule, raw []byte, replace bool, reason, idempotencyKey string) (*Calendar, error)
	// PolicyFor is the profile in force in a region: its override, else
	// deployment. overridden says which.
	PolicyFor(ctx context.Context, regionCode string, deployment Profile) (p Profile, overridden bool, err error)
	// SetRegionPolicy makes a region follow profile; "" removes the
	// override. A retry with the same idempotency key changes nothing.
	SetRegionPolicy(ctx context.Context, v Viewer, regionCode, profile, idempotencyKey string) error

	// RecordCatalogueChange opens a change obligation of in.DepartmentID,
	// due under its region's profile (deployment unless overridden).
	RecordCatalogueChange(ctx context.Context, v Viewer, in ChangeObligationInput, deployment Profile, idempotencyKey string, now time.Time) (*ChangeObligation, error)
	// ChangeObligations lists the obligations in scope, newest first.
	ChangeObligations(ctx context.Context, scope OversightScope, f ChangeObligationCriteria, p PageArgs) (*Page[*ChangeObligation], error)
	// ChangeObligationsByID returns the obligations among ids in scope.
	ChangeObligationsByID(ctx context.Context, scope OversightScope, ids []int64) (map[int64]*ChangeObligation, error)
	// RecordFullReview records a full review of a department's catalogue
	// (QY 8).
	RecordFullReview(ctx context.Context, v Viewer, departmentID int64, reviewedOn Date, note, idempotencyKey string, now time.Time) error
	// FullReviewsOf is each department's full-review status on today, under
	// its region's profile.
	FullReviewsOf(ctx context.Context, departmentIDs []int64, deployment Profile, today Date) (map[int64]*FullReviewStatus, error)

	// SubmitShareRequest files a share request of v's department (MZ 21),
	// granted at once or due for the source's answer under its region's
	// profile.
	SubmitShareRequest(ctx context.Context, v Viewer, in ShareRequestInput, deployment Profile, idempotencyKey string, now time.Time) (*ShareRequest, error)
	// DecideShareRequest applies a decision, making the grant on approval.
	DecideShareRequest(ctx context.Context, v Viewer, cmd RequestCommand, now time.Time) (*ShareRequest, error)
	// ShareRequests lists the requests in scope (filed or to be decided by
	// the scope's department), newest first.
	ShareRequests(ctx context.Context, scope OversightScope, f ShareRequestCriteria, p PageArgs) (*Page[*ShareRequest], error)
	ShareRequestsByID(ctx context.Context, scope OversightScope, ids []int64) (map[int64]*ShareRequest, error)
	// ChangeGrant suspends, reinstates or revokes a grant (NY 41, WZ 22).
	// A retry with the same idempotency key answers with the grant instead
	// of refusing a second transition.
	ChangeGrant(ctx context.Context, v Viewer, grantID int64, e GrantEvent, reason, idempotencyKey string, now time.Time) (*ShareGrant, error)
	// Grants lists the grants in scope (held or given by the scope's
	// department), newest first.
	Grants(ctx context.Context, scope OversightScope, f GrantCriteria, p PageArgs) (*Page[*ShareGrant], error)
	GrantsByID(ctx context.Context, scope OversightScope, ids []int64) (map[int64]*ShareGrant, error)

	// SubmitOpenRequest files a person's open request (NY 46), due for the
	// source's answer under its region's profile.
	SubmitOpenRequest(ctx context.Context, v Viewer, in OpenRequestInput, deployment Profile, idempotencyKey string, now time.Time) (*OpenRequest, error)
	// ActOnOpenRequest answers, extends or withdraws an open request.
	ActOnOpenRequest(ctx context.Context, v Viewer, cmd OpenCommand, deployment Profile, now time.Time) (*OpenRequest, error)
	OpenRequests(ctx context.Context, scope OpenRequestScope, f OpenRequestCriteria, p PageArgs) (*Page[*OpenRequest], error)
	OpenRequestsByID(ctx context.Context, scope OpenRequestScope, ids []int64) (map[int64]*OpenRequest, error)

	// RecordAccessDecision decides an access query of a department's data
	// service and records it, the subject kept as subjectHash.
	RecordAccessDecision(ctx context.Context, v Viewer, q AccessQuery, subjectHash []byte, now time.Time) (*AccessDecision, error)
	// AccessRecordsOf lists the access decisions about the data subject
	// whose protected identifier is subjectHash, newest first (WZ 25).
	AccessRecordsOf(ctx context.Context, subjectHash []byte, p PageArgs) (*Page[*AccessRecord], error)

	// Lineage walks the catalogue's graph (LineageQuery) over the
	// resources rs shows and, when showGrants, the grants in grants.
	Lineage(ctx context.Context, rs ResourceScope, grants OversightScope, showGrants bool, q LineageQuery, p PageArgs) (*Page[*LineageNode], error)

	// RecordDataUpdate records an update of a resource's data (MZ 13).
	RecordDataUpdate(ctx context.Context, v Viewer, resourceID int64, at time.Time, rows int64, key string, now time.Time) (*DataUpdate, error)
	// LastDataUpdatesOf returns each resource's latest update.
	LastDataUpdatesOf(ctx context.Context, resourceIDs []int64) (map[int64]*DataUpdate, error)

	// AppendAudit appends an audit event on its own (NY 33).
	AppendAudit(ctx context.Context, e AuditEvent) error
	// AuditEvents lists audit events, newest first, for v (MayReadAudit).
	AuditEvents(ctx context.Context, v Viewer, f AuditCriteria, p PageArgs) (*Page[*AuditEvent], error)
	// ExportAudit streams the events f selects as CSV, oldest first.
	ExportAudit(ctx context.Context, v Viewer, f AuditCriteria, w io.Writer, flush func()) error
	// ComplianceDepartments resolves a compliance scope to its
	// departments, in ID order.
	ComplianceDepartments(ctx context.Context, s ComplianceScope) ([]*Department, error)
	// Compliance counts the figures of the departments over a period, its
	// deadlines judged at now (NY 59, WZ 40, QY 31).
	Compliance(ctx context.Context, ids []int64, p Period, now time.Time) (*ComplianceReport, error)
	// Violations pages the violations those figures found.
	Violations(ctx context.Context, ids []int64, p Period, now time.Time, f ViolationCriteria, page PageArgs) (*Page[*ComplianceViolation], error)
	// VerifyAudit checks the audit log's hash chain.
	VerifyAudit(ctx context.Context, now time.Time) (*AuditIntegrity, error)

	// FileUsageReport files a half-yearly usage report on a grant (MZ 39).
	FileUsageReport(ctx context.Context, v Viewer, in UsageReportInput, idempotencyKey string, now time.Time) (*UsageReport, error)
	// UsageReportsOf lists each grant's reports, oldest period first.
	UsageReportsOf(ctx context.Context, grantIDs []int64) (map[int64][]*UsageReport, error)

	// ShareRequestUpdates streams the IDs of share requests filed or
	// decided (by any instance) until ctx ends.
	ShareRequestUpdates(ctx context.Context) <-chan int64

	// ReportDataError files a report of wrong data with its evidence (MZ 23,
	// NY 64, MZ 35), due for verification under the source's profile.
	ReportDataError(ctx context.Context, v Viewer, in DataErrorInput, deployment Profile, idempotencyKey string, now time.Time) (*DataError, error)
	// OpenSharingDispute opens the negotiation over a refused or overdue
	// share request (MZ 42).
	OpenSharingDispute(ctx context.Context, v Viewer, requestID int64, position, idempotencyKey string, now time.Time) (*SharingDispute, error)
	// ObjectToOpenCatalogue files a person's objection to an open
	// catalogue entry (NY 45).
	ObjectToOpenCatalogue(ctx context.Context, v Viewer, in ObjectionInput, deployment Profile, idempotencyKey string, now time.Time) (*OpenObjection, error)
	// ActOnDispute applies one action to a dispute and records it.
	ActOnDispute(ctx context.Context, v Viewer, cmd DisputeCommand, deployment Profile, now time.Time) (DisputeRecord, error)
	Disputes(ctx context.Context, scope DisputeScope, f DisputeCriteria, p PageArgs) (*Page[DisputeRecord], error)
	DisputesByID(ctx context.Context, scope DisputeScope, ids []int64) (map[int64]DisputeRecord, error)
	// EvidenceOf lists each dispute's evidence, files without content.
	EvidenceOf(ctx context.Context, disputeIDs []int64) (map[int64][]*Evidence, error)
	// EvidenceFile returns an uploaded file of a dispute in scope.
	EvidenceFile(ctx context.Context, scope DisputeScope, id int64) (*Evidence, []byte, error)
	DisputeHistoryOf(ctx context.Context, disputeIDs []int64) (map[int64][]*DisputeAction, error)
	SharingStepsOf(ctx context.Context, disputeIDs []int64) (map[int64][]*SharingStepRecord, error)
	// DisputeUpdates streams the IDs of disputes opened or acted on.
	DisputeUpdates(ctx context.Context) <-chan int64

	// Unavailable reports whether err means the database could not be
	// reached or went away mid-request, rather than a fault of the
	// request or of the service (see EUnavailable).
	Unavailable(err error) bool
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}

// EntryCommand is one workflow event on an entry.
type EntryCommand struct {
	ResourceID int64
	Event      Event
	// Entry is the new content, for EventUpdate.
	Entry *Entry
	// ExpectedVersion, when set, must be the entry's current version.
	ExpectedVersion *int
	// Comment is the reason or review comment, kept in the version.
	Comment string
	// IdempotencyKey makes a retry answer with the first attempt's result.
	IdempotencyKey string
	// Policy is the deployment's profile; a region's override wins.
	Policy Profile
	// Now is when the event happens; zero means now.
	Now time.Time
}
