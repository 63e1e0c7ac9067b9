package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// resourceColumns selects a resource with its source department joined in
// as d, so a page of resources with their source departments is one
// statement. Enums are read as text.
const resourceColumns = `r.id, r.code, r.name, r.summary, r.classification, r.format,
	r.update_frequency::text, r.share_type::text, r.share_conditions, r.share_scope,
	r.share_modes::text[], r.open_type::text, r.open_conditions, r.legal_basis,
	r.source_department_id, r.collecting_department_id, r.approving_department_id,
	r.providing_department_id, r.status::text, r.published_at, r.created_at, r.updated_at,
	r.contact_person, r.contact_phone, r.review_notes, r.none_share_filing,
	r.share_endpoint, r.open_download_url, r.open_api_url,
	r.version, coalesce(r.revision_status::text, ''), r.revision, r.submitted_at, r.review_due_date,
	r.review_due_at, r.review_days, r.review_citation, r.review_calendar_revision,
	` + departmentColumns

const resourceFrom = ` FROM resources r JOIN departments d ON d.id = r.source_department_id`

// scanResource scans resourceColumns, after any leading columns into lead.
func scanResource(row pgx.Row, lead ...any) (*domain.Resource, error) {
	var (
		r          domain.Resource
		d          domain.Department
		modes      []string
		dueDate    *time.Time
		dueAt      *time.Time
		submitted  *time.Time
		reviewDays *int
		citation   *string
		calRev     *int64
	)
	err := row.Scan(append(lead, &r.ID, &r.Code, &r.Name, &r.Summary, &r.Classification, &r.Format,
		&r.UpdateFrequency, &r.ShareType, &r.ShareConditions, &r.ShareScope,
		&modes, &r.OpenType, &r.OpenConditions, &r.LegalBasis,
		&r.SourceDepartmentID, &r.CollectingDepartmentID, &r.ApprovingDepartmentID,
		&r.ProvidingDepartmentID, &r.Status, &r.PublishedAt, &r.CreatedAt, &r.UpdatedAt,
		&r.ContactPerson, &r.ContactPhone, &r.ReviewNotes, &r.NoneShareFiling,
		&r.ShareEndpoint, &r.OpenDownloadURL, &r.OpenAPIURL,
		&r.Version, &r.RevisionStatus, &r.Revision, &submitted, &dueDate,
		&dueAt, &reviewDays, &citation, &calRev,
		&d.ID, &d.CreditCode, &d.Name, &d.Level, &d.RegionCode, &d.ParentID)...)
	if err != nil {
		return nil, err
	}
	r.ShareModes = make([]domain.ShareMode, len(modes))
	for i, m := range modes {
		r.ShareModes[i] = domain.ShareMode(m)
	}
	if dueAt != nil && dueDate != nil && calRev != nil {
		r.Review = &domain.Deadline{
			Due: domain.Date{Year: dueDate.Year(), Month: dueDate.Month(), Day: dueDate.Day()}, DueAt: dueAt.In(domain.ChinaTime),
			Revision: *calRev, Kind: domain.DeadlineCatalogueReview, Start: deref(submitted),
			Days: deref(reviewDays), Citation: deref(citation),
		}
	}
	r.SourceDepartment = &d
	return &r, nil
}

// scope adds the viewer's row filter for resources aliased r.
func (q *query) scope(s domain.ResourceScope) {
	if s.All {
		return
	}
	if s.ExcludeOpenNone {
		q.and("r.open_type <> 'NONE'")
	}
	if s.PublishedOnly {
		if s.OwnDepartmentID != 0 {
			q.and("(r.status = 'PUBLISHED' OR r.source_department_id = " + q.arg(s.OwnDepartmentID) + ")")
		} else {
			q.and("r.status = 'PUBLISHED'")
		}
	}
}

func (q *query) resourceFilter(f domain.ResourceCriteria) {
	q.search("r.search_grams", "r.name || ' ' || r.summary", f.Search)
	if f.SourceDepartmentID != 0 {
		q.and("r.source_department_id = " + q.arg(f.SourceDepartmentID))
	}
	if f.ShareType != "" {
		q.and("r.share_type = " + q.label(string(f.ShareType), "share_type"))
	}
	if f.OpenType != "" {
		q.and("r.open_type = " + q.label(string(f.OpenType), "open_type"))
	}
	if f.Status != "" {
		q.and("r.status = " + q.label(string(f.Status), "resource_status"))
	}
	if f.UpdateFrequency != "" {
		q.and("r.update_frequency = " + q.label(string(f.UpdateFrequency), "update_frequency"))
	}
	if f.ThemeDatabaseID != 0 {
		q.and("EXISTS (SELECT 1 FROM theme_database_resources t WHERE t.resource_id = r.id AND t.theme_database_id = " + q.arg(f.ThemeDatabaseID) + ")")
	}
	if !f.ReviewOverdueAt.IsZero() {
		q.and("r.review_due_at < " + q.arg(f.ReviewOverdueAt))
	}
}

// sortParts are the parts of a brief read a sort's cursors need.
func sortParts(f domain.ResourceOrderField) domain.ResourceParts {
	switch f {
	case domain.ResourceByUpdatedAt:
		return domain.PartUpdatedAt
	case domain.ResourceByPublishedAt:
		return domain.PartPublishedAt
	}
	return 0 // code and name are in every brief read
}

// resourceOrder is the sort of a resource list; cursors carry its value.
func resourceOrder(o domain.ResourceSort) (orderSpec, func(*domain.Resource) string) {
	switch o.Field {
	case domain.ResourceByName:
		return orderSpec{name: "NAME", expr: "r.name", cast: "text", desc: o.Desc},
			func(r *domain.Resource) string { return r.Name }
	case domain.ResourceByUpdatedAt:
		return orderSpec{name: "UPDATED_AT", expr: "r.updated_at", cast: "timestamptz", desc: o.Desc},
			func(r *domain.Resource) string { return r.UpdatedAt.Format(time.RFC3339Nano) }
	case domain.ResourceByPublishedAt:
		// Unpublished entries sort first: -infinity stands in for "never".
		return orderSpec{name: "PUBLISHED_AT", expr: "coalesce(r.published_at, '-infinity')", cast: "timestamptz", desc: o.Desc},
			func(r *domain.Resource) string {
				if r.PublishedAt == nil {
					return "-infinity"
				}
				return r.PublishedAt.Format(time.RFC3339Nano)
			}
	default:
		return orderSpec{name: "CODE", expr: "r.code", cast: "text", desc: o.Desc, unique: true},
			func(r *domain.Resource) string { return r.Code }
	}
}

// Resources returns a page of the resources scope lets the viewer see.
func (db *DB) Resources(ctx context.Context, scope domain.ResourceScope, f domain.ResourceCriteria, o domain.ResourceSort, p domain.PageArgs) (*domain.Page[*domain.Resource], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	spec, value := resourceOrder(o)
	c, err := spec.decode(p.After)
	if err != nil {
		return nil, err
	}
	q := &query{}
	q.scope(scope)
	q.resourceFilter(f)
	count := q.clone()
	orderBy := q.seek(spec, "r", c)
	columns, scan := resourceColumns, func(row pgx.CollectableRow) (*domain.Resource, error) { return scanResource(row) }
	if f.Brief {
		b := briefReadOf(f.BriefParts | sortParts(o.Field))
		columns, scan = b.sql, b.scanner(p.First+1)
	}
	rows, err := db.pool.Query(ctx, "SELECT "+columns+resourceFrom+q.whereSQL()+orderBy+limit(p), q.args...)
	if err != nil {
		return nil, fmt.Errorf("list resources: %w", err)
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("list resources: %w", err)
	}
	pg := page(list, p, func(r *domain.Resource) string { return encodeCursor(spec.key(), value(r), r.ID) })
	pg.Count = func(ctx context.Context) (int, error) {
		var n int
		err := db.pool.QueryRow(ctx, "SELECT count(*) FROM resources r"+count.whereSQL(), count.args...).Scan(&n)
		return n, err
	}
	return pg, nil
}

// ResourcesAt returns up to limit resources in scope matching f, by code
// (unique, so the order is stable), after the first offset, with the count
// of all that match. The count comes first, in the same snapshot as the
// page, so the two agree.
func (db *DB) ResourcesAt(ctx context.Context, scope domain.ResourceScope, f domain.ResourceCriteria, offset, limit int) ([]*domain.Resource, int, error) {
	if offset < 0 || limit < 0 || limit > domain.MaxPageSize {
		return nil, 0, domain.Errorf(domain.EInvalid, "a page is 0 to %d rows from a non-negative offset, not %d from %d", domain.MaxPageSize, limit, offset)
	}
	q := &query{}
	q.scope(scope)
	q.resourceFilter(f)
	var (
		total int
		rows  []*domain.Resource
	)
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM resources r"+q.whereSQL(), q.args...).Scan(&total); err != nil {
			return err
		}
		if limit == 0 || offset >= total {
			return nil
		}
		sql := "SELECT " + resourceColumns + resourceFrom + q.whereSQL() + " ORDER BY r.code" +
			" OFFSET " + q.arg(offset) + " LIMIT " + q.arg(limit)
		list, err := tx.Query(ctx, sql, q.args...)
		if err != nil {
			return err
		}
		rows, err = pgx.CollectRows(list, func(row pgx.CollectableRow) (*domain.Resource, error) { return scanResource(row) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("resources at %d: %w", offset, err)
	}
	return rows, total, nil
}

func (db *DB) queryResources(ctx context.Context, sql string, args ...any) ([]*domain.Resource, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Resource, error) { return scanResource(row) })
}

// ResourcesByID returns the visible resources among ids.
func (db *DB) ResourcesByID(ctx context.Context, scope domain.ResourceScope, ids []int64) (map[int64]*domain.Resource, error) {
	q := &query{}
	q.and(keyIn(q, "r.id", ids))
	q.scope(scope)
	rows, err := db.queryResources(ctx, "SELECT "+resourceColumns+resourceFrom+q.whereSQL(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("resources by id: %w", err)
	}
	m := make(map[int64]*domain.Resource, len(rows))
	for _, r := range rows {
		m[r.ID] = r
	}
	return m, nil
}

// ResourcesByCode returns the visible resources among codes.
func (db *DB) ResourcesByCode(ctx context.Context, scope domain.ResourceScope, codes []string) (map[string]*domain.Resource, error) {
	q := &query{}
	q.and(keyIn(q, "r.code", codes))
	q.scope(scope)
	rows, err := db.queryResources(ctx, "SELECT "+resourceColumns+resourceFrom+q.whereSQL(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("resources by code: %w", err)
	}
	m := make(map[string]*domain.Resource, len(rows))
	for _, r := range rows {
		m[r.Code] = r
	}
	return m, nil
}

// ResourcesOfDepartments pages each department's resources by code, all in
// one statement (a LATERAL subquery per department).
func (db *DB) ResourcesOfDepartments(ctx context.Context, scope domain.ResourceScope, departmentIDs []int64, p domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error) {
	return db.resourcesOfParents(ctx, scope, departmentIDs, p, "r.source_department_id = parent.id")
}

// ResourcesOfThemeDatabases pages, per theme database, the resources it
// draws on, by code, in one statement.
func (db *DB) ResourcesOfThemeDatabases(ctx context.Context, scope domain.ResourceScope, themeIDs []int64, p domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error) {
	return db.resourcesOfParents(ctx, scope, themeIDs, p,
		"EXISTS (SELECT 1 FROM theme_database_resources t WHERE t.resource_id = r.id AND t.theme_database_id = parent.id)")
}

func (db *DB) resourcesOfParents(ctx context.Context, scope domain.ResourceScope, parents []int64, p domain.PageArgs, link string) (map[int64]*domain.Page[*domain.Resource], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	spec, value := resourceOrder(domain.ResourceSort{})
	c, err := spec.decode(p.After)
	if err != nil {
		return nil, err
	}
	q := &query{}
	parentsArg := q.arg(parents)
	q.and(link)
	q.scope(scope)
	orderBy := q.seek(spec, "r", c)
	sql := "SELECT parent.id, x.* FROM unnest(" + parentsArg + "::bigint[]) AS parent(id) CROSS JOIN LATERAL (SELECT " +
		resourceColumns + resourceFrom + q.whereSQL() + orderBy + limit(p) + ") x"
	rows, err := db.pool.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("resources of parents: %w", err)
	}
	byParent := make(map[int64][]*domain.Resource, len(parents))
	var parent int64
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		r, err := scanResource(row, &parent)
		if err == nil {
			byParent[parent] = append(byParent[parent], r)
		}
		return struct{}{}, err
	})
	if err != nil {
		return nil, fmt.Errorf("resources of parents: %w", err)
	}
	pages := make(map[int64]*domain.Page[*domain.Resource], len(parents))
	for _, id := range parents {
		pages[id] = page(byParent[id], p, func(r *domain.Resource) string { return encodeCursor(spec.key(), value(r), r.ID) })
	}
	return pages, nil
}

// CountResourcesOfDepartments counts each department's visible resources.
func (db *DB) CountResourcesOfDepartments(ctx context.Context, scope domain.ResourceScope, departmentIDs []int64) (map[int64]int, error) {
	q := &query{}
	q.and("r.source_department_id = ANY(" + q.arg(departmentIDs) + ")")
	q.scope(scope)
	return db.countBy(ctx, "SELECT r.source_department_id, count(*) FROM resources r"+q.whereSQL()+" GROUP BY 1", q.args)
}

// CountResourcesOfThemeDatabases counts the visible resources each theme
// database draws on.
func (db *DB) CountResourcesOfThemeDatabases(ctx context.Context, scope domain.ResourceScope, themeIDs []int64) (map[int64]int, error) {
	q := &query{}
	q.and("t.theme_database_id = ANY(" + q.arg(themeIDs) + ")")
	q.scope(scope)
	return db.countBy(ctx, "SELECT t.theme_database_id, count(*) FROM theme_database_resources t JOIN resources r ON r.id = t.resource_id"+q.whereSQL()+" GROUP BY 1", q.args)
}

func (db *DB) countBy(ctx context.Context, sql string, args []any) (map[int64]int, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	m := map[int64]int{}
	var id int64
	var n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { m[id] = n; return nil })
	return m, err
}
