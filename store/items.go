package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const itemColumns = `i.id, i.resource_id, i.position, i.name, i.data_type::text, i.description, i.personal`

func scanItem(row pgx.CollectableRow) (*domain.DataItem, error) {
	var i domain.DataItem
	err := row.Scan(&i.ID, &i.ResourceID, &i.Position, &i.Name, &i.DataType, &i.Description, &i.Personal)
	return &i, err
}

// DataItemsOf lists each resource's data items in catalogue order.
func (db *DB) DataItemsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*domain.DataItem, error) {
	q := &query{}
	rows, err := db.pool.Query(ctx, "SELECT "+itemColumns+" FROM data_items i WHERE "+keyIn(q, "i.resource_id", resourceIDs)+
		" AND i.removed_at IS NULL ORDER BY i.resource_id, i.position", q.args...)
	if err != nil {
		return nil, fmt.Errorf("data items: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanItem)
	if err != nil {
		return nil, fmt.Errorf("data items: %w", err)
	}
	m := make(map[int64][]*domain.DataItem, len(resourceIDs))
	for _, i := range items {
		m[i.ResourceID] = append(m[i.ResourceID], i)
	}
	return m, nil
}

// DataItemsByID returns the items among ids whose resource scope lets the
// viewer see.
func (db *DB) DataItemsByID(ctx context.Context, scope domain.ResourceScope, ids []int64) (map[int64]*domain.DataItem, error) {
	q := &query{}
	q.and(keyIn(q, "i.id", ids))
	q.and("i.removed_at IS NULL")
	q.scope(scope)
	rows, err := db.pool.Query(ctx, "SELECT "+itemColumns+" FROM data_items i JOIN resources r ON r.id = i.resource_id"+q.whereSQL(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("data items by id: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanItem)
	if err != nil {
		return nil, fmt.Errorf("data items by id: %w", err)
	}
	return byKey(items, func(i *domain.DataItem) int64 { return i.ID }), nil
}

const elementColumns = `e.id, e.code, e.name, e.description, e.source_department_id`

func scanElement(row pgx.Row, lead ...any) (*domain.DataElement, error) {
	var e domain.DataElement
	err := row.Scan(append(lead, &e.ID, &e.Code, &e.Name, &e.Description, &e.SourceDepartmentID)...)
	return &e, err
}

// DataElementsOf lists, per resource, the data elements it carries.
func (db *DB) DataElementsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*domain.DataElement, error) {
	rows, err := db.pool.Query(ctx, "SELECT re.resource_id, "+elementColumns+
		" FROM resource_data_elements re JOIN data_elements e ON e.id = re.data_element_id"+
		" WHERE re.resource_id = ANY($1) ORDER BY 1, e.code", resourceIDs)
	if err != nil {
		return nil, fmt.Errorf("data elements of resources: %w", err)
	}
	return groupRows(rows, func(row pgx.CollectableRow, parent *int64) (*domain.DataElement, error) {
		return scanElement(row, parent)
	})
}

// DataElementsByID returns the data elements among ids.
func (db *DB) DataElementsByID(ctx context.Context, ids []int64) (map[int64]*domain.DataElement, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+elementColumns+" FROM data_elements e WHERE e.id = ANY($1)", ids)
	if err != nil {
		return nil, fmt.Errorf("data elements by id: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.DataElement, error) { return scanElement(row) })
	if err != nil {
		return nil, fmt.Errorf("data elements by id: %w", err)
	}
	return byKey(list, func(e *domain.DataElement) int64 { return e.ID }), nil
}

// ResourceSamplesOf reads each resource's sample records (the resource
// reads leave them out).
func (db *DB) ResourceSamplesOf(ctx context.Context, resourceIDs []int64) (map[int64][]map[string]string, error) {
	rows, err := db.pool.Query(ctx, "SELECT id, sample FROM resources WHERE id = ANY($1)", resourceIDs)
	if err != nil {
		return nil, fmt.Errorf("resource samples: %w", err)
	}
	m := make(map[int64][]map[string]string, len(resourceIDs))
	var (
		id     int64
		sample []map[string]string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &sample}, func() error {
		m[id] = sample
		sample = nil
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resource samples: %w", err)
	}
	return m, nil
}
