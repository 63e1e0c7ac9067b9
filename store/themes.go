package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const themeColumns = `th.id, th.code, th.name, th.kind::text, th.description, th.lead_department_id`

func scanTheme(row pgx.Row, lead ...any) (*domain.ThemeDatabase, error) {
	var t domain.ThemeDatabase
	err := row.Scan(append(lead, &t.ID, &t.Code, &t.Name, &t.Kind, &t.Description, &t.LeadDepartmentID)...)
	return &t, err
}

// ThemeDatabases returns a page of theme databases by code.
func (db *DB) ThemeDatabases(ctx context.Context, f domain.ThemeDatabaseCriteria, p domain.PageArgs) (*domain.Page[*domain.ThemeDatabase], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	spec := orderSpec{name: "CODE", expr: "th.code", cast: "text", unique: true}
	c, err := spec.decode(p.After)
	if err != nil {
		return nil, err
	}
	q := &query{}
	q.search("", "th.name", f.Search)
	if f.Kind != "" {
		q.and("th.kind = " + q.label(string(f.Kind), "theme_kind"))
	}
	if f.LeadDepartmentID != 0 {
		q.and("th.lead_department_id = " + q.arg(f.LeadDepartmentID))
	}
	count := q.clone()
	orderBy := q.seek(spec, "th", c)
	rows, err := db.pool.Query(ctx, "SELECT "+themeColumns+" FROM theme_databases th"+q.whereSQL()+orderBy+limit(p), q.args...)
	if err != nil {
		return nil, fmt.Errorf("list theme databases: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.ThemeDatabase, error) { return scanTheme(row) })
	if err != nil {
		return nil, fmt.Errorf("list theme databases: %w", err)
	}
	pg := page(list, p, func(t *domain.ThemeDatabase) string { return encodeCursor(spec.key(), t.Code, t.ID) })
	pg.Count = func(ctx context.Context) (int, error) {
		var n int
		err := db.pool.QueryRow(ctx, "SELECT count(*) FROM theme_databases th"+count.whereSQL(), count.args...).Scan(&n)
		return n, err
	}
	return pg, nil
}

// ThemeDatabasesByID returns the theme databases among ids.
func (db *DB) ThemeDatabasesByID(ctx context.Context, ids []int64) (map[int64]*domain.ThemeDatabase, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+themeColumns+" FROM theme_databases th WHERE th.id = ANY($1)", ids)
	if err != nil {
		return nil, fmt.Errorf("theme databases by id: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.ThemeDatabase, error) { return scanTheme(row) })
	if err != nil {
		return nil, fmt.Errorf("theme databases by id: %w", err)
	}
	return byKey(list, func(t *domain.ThemeDatabase) int64 { return t.ID }), nil
}

// ThemeDatabasesOf lists, per resource, the theme databases drawing on it.
func (db *DB) ThemeDatabasesOf(ctx context.Context, resourceIDs []int64) (map[int64][]*domain.ThemeDatabase, error) {
	rows, err := db.pool.Query(ctx, "SELECT t.resource_id, "+themeColumns+
		" FROM theme_database_resources t JOIN theme_databases th ON th.id = t.theme_database_id"+
		" WHERE t.resource_id = ANY($1) ORDER BY 1, th.code", resourceIDs)
	if err != nil {
		return nil, fmt.Errorf("theme databases of resources: %w", err)
	}
	return groupRows(rows, func(row pgx.CollectableRow, parent *int64) (*domain.ThemeDatabase, error) {
		return scanTheme(row, parent)
	})
}
