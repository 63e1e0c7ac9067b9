package domain

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
}

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

// ThemeDatabaseCriteria narrows a list of theme databases.
type ThemeDatabaseCriteria struct {
	Kind             ThemeKind
	LeadDepartmentID int64
	Search           string
}
