package domain

import "context"

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
	DataElementsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*DataElement, error)
	DataElementsByID(ctx context.Context, ids []int64) (map[int64]*DataElement, error)
	DataItemsByID(ctx context.Context, scope ResourceScope, ids []int64) (map[int64]*DataItem, error)

	// ViewerRights loads what v holds beyond its role (grants, approved
	// open requests), once per request.
	ViewerRights(ctx context.Context, v Viewer) (Rights, error)
	// DepartmentIDByCreditCode resolves a token's department claim.
	DepartmentIDByCreditCode(ctx context.Context, code string) (int64, bool, error)

	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}
