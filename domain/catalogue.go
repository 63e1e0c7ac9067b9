package domain

import "time"

// ShareType is a resource's share type (共享类型, MZ 10, QY 15, NY 37, WZ 15).
type ShareType string

const (
	ShareUnconditional ShareType = "UNCONDITIONAL" // 无条件共享
	ShareConditional   ShareType = "CONDITIONAL"   // 有条件共享
	ShareNone          ShareType = "NONE"          // 不予共享
)

// OpenType is a resource's open type (开放类型, NY 44, QY 24, WZ 28).
type OpenType string

const (
	OpenUnconditional OpenType = "UNCONDITIONAL" // 无条件开放
	OpenConditional   OpenType = "CONDITIONAL"   // 有条件开放
	OpenNone          OpenType = "NONE"          // 不予开放
)

// ShareMode is how shared data is delivered (共享方式, WZ 16, WZ 21, NY 38).
type ShareMode string

const (
	ModeVerify ShareMode = "VERIFY" // 核验
	ModeQuery  ShareMode = "QUERY"  // 查询
	ModeBulk   ShareMode = "BULK"   // 批量
)

// ResourceStatus is where a catalogue entry is in its life.
type ResourceStatus string

const (
	StatusDraft     ResourceStatus = "DRAFT"
	StatusSubmitted ResourceStatus = "SUBMITTED"
	StatusPublished ResourceStatus = "PUBLISHED"
	StatusReturned  ResourceStatus = "RETURNED"
	StatusRetired   ResourceStatus = "RETIRED"
)

// UpdateFrequency is a resource's declared update frequency (更新周期, MZ 7, MZ 13).
type UpdateFrequency string

const (
	FreqRealTime   UpdateFrequency = "REAL_TIME"
	FreqDaily      UpdateFrequency = "DAILY"
	FreqWeekly     UpdateFrequency = "WEEKLY"
	FreqMonthly    UpdateFrequency = "MONTHLY"
	FreqQuarterly  UpdateFrequency = "QUARTERLY"
	FreqHalfYearly UpdateFrequency = "HALF_YEARLY"
	FreqYearly     UpdateFrequency = "YEARLY"
	FreqIrregular  UpdateFrequency = "IRREGULAR"
)

// DataType is the type of a data item, from the catalogue compilation guide
// (编制指南): 字符型, 数值型, 货币型, 日期型, 日期时间型, 逻辑型, 备注型, 二进制, 双精度, 整型, 浮点型.
type DataType string

const (
	TypeString   DataType = "STRING"
	TypeNumber   DataType = "NUMBER"
	TypeCurrency DataType = "CURRENCY"
	TypeDate     DataType = "DATE"
	TypeDatetime DataType = "DATETIME"
	TypeBoolean  DataType = "BOOLEAN"
	TypeText     DataType = "TEXT"
	TypeBinary   DataType = "BINARY"
	TypeDouble   DataType = "DOUBLE"
	TypeInteger  DataType = "INTEGER"
	TypeFloat    DataType = "FLOAT"
)

// DepartmentLevel is the administrative level of a department.
type DepartmentLevel string

const (
	LevelCity   DepartmentLevel = "CITY"
	LevelCounty DepartmentLevel = "COUNTY"
)

// ThemeKind distinguishes the five base databases (MZ 14, NY 37, WZ 18) from
// theme and special-subject databases (主题库 / 专题库, MZ 14, NY 30).
type ThemeKind string

const (
	KindBase    ThemeKind = "BASE"
	KindTheme   ThemeKind = "THEME"
	KindSpecial ThemeKind = "SPECIAL"
)

// Department is a public management and service body (公共管理和服务机构),
// identified by its unified social credit code.
type Department struct {
	ID         int64
	CreditCode string
	Name       string
	Level      DepartmentLevel
	RegionCode string
	ParentID   *int64
}

// Resource is one catalogue entry (数据资源). The required elements follow
// MZ 7, QY 8, NY 17 and WZ 10.
type Resource struct {
	ID                     int64
	Code                   string
	Name                   string
	Summary                string
	Classification         string
	Format                 string
	UpdateFrequency        UpdateFrequency
	ShareType              ShareType
	ShareConditions        string
	ShareScope             string
	ShareModes             []ShareMode
	OpenType               OpenType
	OpenConditions         string
	LegalBasis             string
	SourceDepartmentID     int64
	CollectingDepartmentID int64
	ApprovingDepartmentID  int64
	ProvidingDepartmentID  int64
	Status                 ResourceStatus
	PublishedAt            *time.Time
	CreatedAt              time.Time
	UpdatedAt              time.Time

	// ContactPerson is the responsible person (public); their phone is
	// internal.
	ContactPerson string

	// Internal fields: only the source department, the authority and
	// auditors may read them (GateInternal).
	ContactPhone    string
	ReviewNotes     string
	NoneShareFiling string // the filing record of a NONE share type with the authority (MZ 10, WZ 15(3))

	// Sample holds a few example records, keyed by data item name
	// (GateSample). It is written with the entry; reads of resources leave
	// it nil and Catalogue.ResourceSamplesOf reads it.
	Sample []map[string]string

	// ShareEndpoint is the sharing platform's interface (GateShare);
	// OpenDownloadURL and OpenAPIURL are the open platform's (GateOpen).
	ShareEndpoint   string
	OpenDownloadURL string
	OpenAPIURL      string

	// Version counts the entry's changes; an update names the version it
	// was made on, and a stale one is refused (CONFLICT).
	Version int
	// RevisionStatus and Revision are the pending change of a published
	// entry, which stays visible as published until the change is approved.
	RevisionStatus RevisionStatus
	Revision       *Entry
	// Review is the deadline of the pending review (MZ 7), while the entry
	// or its revision is SUBMITTED.
	Review *Deadline

	// SourceDepartment is joined into the query that loads the resource, so a
	// list of resources with their source departments is one statement.
	SourceDepartment *Department

	// Brief says only the brief fields were read (ResourceCriteria.Brief):
	// ID, Code, Name, ShareType, OpenType, SourceDepartmentID and the
	// source department's ID and Name, and the fields of BriefParts
	// (Summary, Classification, Format, UpdateFrequency, Status,
	// PublishedAt, CreatedAt, UpdatedAt, the rest of SourceDepartment).
	// The others are zero.
	Brief      bool
	BriefParts ResourceParts
}

// DataItem is one information item (信息项) of a resource.
type DataItem struct {
	ID          int64
	ResourceID  int64
	Position    int
	Name        string
	DataType    DataType
	Description string
	Personal    bool
}

// DataElement is a kind of data with exactly one legal source department
// (一数一源, MZ 11, JM 8, QY 13).
type DataElement struct {
	ID                 int64
	Code               string
	Name               string
	Description        string
	SourceDepartmentID int64
}

// ThemeDatabase is a base, theme or special-subject database built by a lead
// department from the resources of several departments (MZ 14, NY 30).
type ThemeDatabase struct {
	ID               int64
	Code             string
	Name             string
	Kind             ThemeKind
	Description      string
	LeadDepartmentID int64
}
