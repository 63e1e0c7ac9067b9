package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const departmentColumns = `d.id, d.credit_code, d.name, d.level::text, d.region_code, d.parent_id`

func scanDepartment(row pgx.CollectableRow) (*domain.Department, error) {
	var d domain.Department
	err := row.Scan(&d.ID, &d.CreditCode, &d.Name, &d.Level, &d.RegionCode, &d.ParentID)
	return &d, err
}

func (db *DB) queryDepartments(ctx context.Context, sql string, args ...any) ([]*domain.Department, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanDepartment)
}

func departmentOrder(o domain.DepartmentSort) (orderSpec, func(*domain.Department) string) {
	switch o.Field {
	case domain.DepartmentByCreditCode:
		return orderSpec{name: "CREDIT_CODE", expr: "d.credit_code", cast: "text", desc: o.Desc, unique: true},
			func(d *domain.Department) string { return d.CreditCode }
	case domain.DepartmentByRegionCode:
		return orderSpec{name: "REGION_CODE", expr: "d.region_code", cast: "text", desc: o.Desc},
			func(d *domain.Department) string { return d.RegionCode }
	default:
		return orderSpec{name: "NAME", expr: "d.name", cast: "text", desc: o.Desc},
			func(d *domain.Department) string { return d.Name }
	}
}

// Departments returns a page of departments. Departments are public: the
// catalogue says who is the source of what.
func (db *DB) Departments(ctx context.Context, f domain.DepartmentCriteria, o domain.DepartmentSort, p domain.PageArgs) (*domain.Page[*domain.Department], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	spec, value := departmentOrder(o)
	c, err := spec.decode(p.After)
	if err != nil {
		return nil, err
	}
	q := &query{}
	q.search("", "d.name", f.Search)
	if f.Level != "" {
		q.and("d.level = " + q.label(string(f.Level), "department_level"))
	}
	if f.RegionCode != "" {
		q.and("d.region_code = " + q.arg(f.RegionCode))
	}
	if f.ParentID != 0 {
		q.and("d.parent_id = " + q.arg(f.ParentID))
	}
	if f.FullReviewOverdueOn != nil {
		q.fullReviewOverdue(*f.FullReviewOverdueOn, f.Policy)
	}
	count := q.clone()
	orderBy := q.seek(spec, "d", c)
	rows, err := db.queryDepartments(ctx, "SELECT "+departmentColumns+" FROM departments d"+q.whereSQL()+orderBy+limit(p), q.args...)
	if err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	pg := page(rows, p, func(d *domain.Department) string { return encodeCursor(spec.key(), value(d), d.ID) })
	pg.Count = func(ctx context.Context) (int, error) {
		var n int
		err := db.pool.QueryRow(ctx, "SELECT count(*) FROM departments d"+count.whereSQL(), count.args...).Scan(&n)
		return n, err
	}
	return pg, nil
}

// DepartmentsByID returns the departments among ids.
func (db *DB) DepartmentsByID(ctx context.Context, ids []int64) (map[int64]*domain.Department, error) {
	rows, err := db.queryDepartments(ctx, "SELECT "+departmentColumns+" FROM departments d WHERE d.id = ANY($1)", ids)
	if err != nil {
		return nil, fmt.Errorf("departments by id: %w", err)
	}
	return byKey(rows, func(d *domain.Department) int64 { return d.ID }), nil
}

// DepartmentsByCreditCode returns the departments among codes.
func (db *DB) DepartmentsByCreditCode(ctx context.Context, codes []string) (map[string]*domain.Department, error) {
	rows, err := db.queryDepartments(ctx, "SELECT "+departmentColumns+" FROM departments d WHERE d.credit_code = ANY($1)", codes)
	if err != nil {
		return nil, fmt.Errorf("departments by credit code: %w", err)
	}
	return byKey(rows, func(d *domain.Department) string { return d.CreditCode }), nil
}

// DepartmentsOfThemeDatabases lists, per theme database, the source
// departments of the visible resources it draws on, by name.
func (db *DB) DepartmentsOfThemeDatabases(ctx context.Context, scope domain.ResourceScope, themeIDs []int64) (map[int64][]*domain.Department, error) {
	q := &query{}
	q.and("t.theme_database_id = ANY(" + q.arg(themeIDs) + ")")
	q.scope(scope)
	rows, err := db.pool.Query(ctx, "SELECT DISTINCT t.theme_database_id, "+departmentColumns+
		" FROM theme_database_resources t JOIN resources r ON r.id = t.resource_id JOIN departments d ON d.id = r.source_department_id"+
		q.whereSQL()+" ORDER BY 1, d.name, d.id", q.args...)
	if err != nil {
		return nil, fmt.Errorf("departments of theme databases: %w", err)
	}
	return groupRows(rows, func(row pgx.CollectableRow, theme *int64) (*domain.Department, error) {
		var d domain.Department
		err := row.Scan(theme, &d.ID, &d.CreditCode, &d.Name, &d.Level, &d.RegionCode, &d.ParentID)
		return &d, err
	})
}

// byKey indexes rows by key.
func byKey[K comparable, T any](rows []T, key func(T) K) map[K]T {
	m := make(map[K]T, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

// groupRows collects rows whose first column is a parent ID into lists per
// parent, keeping the rows' order.
func groupRows[T any](rows pgx.Rows, scan func(row pgx.CollectableRow, parent *int64) (T, error)) (map[int64][]T, error) {
	m := map[int64][]T{}
	var parent int64
	_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		v, err := scan(row, &parent)
		if err == nil {
			m[parent] = append(m[parent], v)
		}
		return struct{}{}, err
	})
	return m, err
}

// DepartmentIDByCreditCode resolves a credit code (a token's department
// claim) to the department's ID.
func (db *DB) DepartmentIDByCreditCode(ctx context.Context, code string) (int64, bool, error) {
	var id int64
	err := db.pool.QueryRow(ctx, `SELECT id FROM departments WHERE credit_code = $1`, code).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("department by credit code: %w", err)
	}
	return id, true, nil
}

// deref returns *p, or T's zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
