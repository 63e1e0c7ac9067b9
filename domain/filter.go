package domain

// ResourceFilter narrows a list of resources. Zero fields match anything.
type ResourceFilter struct {
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

// ResourceOrder sorts a resource list.
type ResourceOrder struct {
	Field ResourceOrderField
	Desc  bool
}

// DepartmentFilter narrows a list of departments.
type DepartmentFilter struct {
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

// DepartmentOrder sorts a department list.
type DepartmentOrder struct {
	Field DepartmentOrderField
	Desc  bool
}

// ThemeDatabaseFilter narrows a list of theme databases.
type ThemeDatabaseFilter struct {
	Kind             ThemeKind
	LeadDepartmentID int64
	Search           string
}
