package domain

import "time"

// ResourceCriteria narrows a list of resources. Zero fields match anything.
type ResourceCriteria struct {
	// Search is a substring of the name or summary.
	Search             string
	SourceDepartmentID int64
	ShareType          ShareType
	OpenType           OpenType
	ThemeDatabaseID    int64
	Status             ResourceStatus
	UpdateFrequency    UpdateFrequency
	// ReviewOverdueAt, when set, keeps entries whose pending review (MZ 7)
	// was due before it.
	ReviewOverdueAt time.Time
	// Brief asks for a brief read (Resource.Brief), for a list that shows
	// little: the resource's id, code, name, share and open types and its
	// source department's id and name, and the parts in BriefParts: 6 to
	// 14 of the resource's 44 columns, 2 or 6 of its department's (issue
	// #20).
	Brief      bool
	BriefParts ResourceParts
}

// ResourceParts are the parts of a resource a brief read may add to what
// every brief read has.
type ResourceParts uint16

const (
	PartSummary ResourceParts = 1 << iota
	PartClassification
	PartFormat
	PartUpdateFrequency
	PartStatus
	PartPublishedAt
	PartCreatedAt
	PartUpdatedAt
	// PartDepartment is the rest of the source department: its credit
	// code, level, region and parent.
	PartDepartment

	// AllBriefParts is every part: a brief read with all of them reads
	// what Brief once always read.
	AllBriefParts = PartDepartment<<1 - 1
)

// ResourceOrderField is what a resource list is sorted by (then by ID).
type ResourceOrderField string

const (
	ResourceByCode        ResourceOrderField = "CODE"
	ResourceByName        ResourceOrderField = "NAME"
	ResourceByUpdatedAt   ResourceOrderField = "UPDATED_AT"
	ResourceByPublishedAt ResourceOrderField = "PUBLISHED_AT"
)

// ResourceSort sorts a resource list.
type ResourceSort struct {
	Field ResourceOrderField
	Desc  bool
}

// DepartmentCriteria narrows a list of departments.
type DepartmentCriteria struct {
	Search     string
	Level      DepartmentLevel
	RegionCode string
	ParentID   int64
	// FullReviewOverdueOn, when set, keeps departments whose full review
	// (QY 8) was due before that day, each under its region's profile
	// (Policy, the deployment's, unless a region overrides it).
	FullReviewOverdueOn *Date
	Policy              Profile
}

// DepartmentOrderField is what a department list is sorted by (then by ID).
type DepartmentOrderField string

const (
	DepartmentByName       DepartmentOrderField = "NAME"
	DepartmentByCreditCode DepartmentOrderField = "CREDIT_CODE"
	DepartmentByRegionCode DepartmentOrderField = "REGION_CODE"
)

// DepartmentSort sorts a department list.
type DepartmentSort struct {
	Field DepartmentOrderField
	Desc  bool
}

// ChangeObligationCriteria narrows a list of catalogue change
// obligations. Zero fields match anything.
type ChangeObligationCriteria struct {
	DepartmentID int64
	// Met: true only met ones, false only open ones, nil both.
	Met *bool
	// OverdueAt, when set, keeps obligations still open after their
	// deadline at that instant.
	OverdueAt time.Time
}

// GrantUsageCriteria is GrantCriteria's MZ 39 filter: grants missing a
// half-yearly usage report on Today.
type GrantUsageCriteria struct {
	Missing bool
	Today   Date
}

// ThemeDatabaseCriteria narrows a list of theme databases.
type ThemeDatabaseCriteria struct {
	Kind             ThemeKind
	LeadDepartmentID int64
	Search           string
}
