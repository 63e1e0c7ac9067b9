package store

import (
	"context"

	"github.com/citydata/catalogue/domain"
)

// CreateDepartment inserts d and sets its ID. A duplicate credit code is
// EConflict.
func (tx *Tx) CreateDepartment(ctx context.Context, d *domain.Department) error {
	err := tx.tx.QueryRow(ctx, `INSERT INTO departments (credit_code, name, level, region_code, parent_id)
		VALUES ($1, $2, $3::department_level, $4, $5) RETURNING id`,
		d.CreditCode, d.Name, string(d.Level), d.RegionCode, d.ParentID).Scan(&d.ID)
	return mapError(err)
}

// CreateDataElement inserts e and sets its ID. An element already claimed
// by a department is EConflict (一数一源, MZ 11).
func (tx *Tx) CreateDataElement(ctx context.Context, e *domain.DataElement) error {
	err := tx.tx.QueryRow(ctx, `INSERT INTO data_elements (code, name, description, source_department_id)
		VALUES ($1, $2, $3, $4) RETURNING id`, e.Code, e.Name, e.Description, e.SourceDepartmentID).Scan(&e.ID)
	return mapError(err)
}

// CreateResource inserts r with its data items (in order) and the data
// elements it carries, sets the IDs, and records version 1 as IMPORTED:
// it bypasses the workflow, for loading a catalogue in bulk. A data element of another source
// department is EConflict (MZ 11).
func (tx *Tx) CreateResource(ctx context.Context, r *domain.Resource, items []*domain.DataItem, elementIDs []int64) error {
	modes := make([]string, len(r.ShareModes))
	for i, m := range r.ShareModes {
		modes[i] = string(m)
	}
	sample := r.Sample
	if sample == nil {
		sample = []map[string]string{}
	}
	err := tx.tx.QueryRow(ctx, `INSERT INTO resources (code, name, summary, classification, format,
		update_frequency, share_type, share_conditions, share_scope, share_modes, open_type,
		open_conditions, legal_basis, source_department_id, collecting_department_id,
		approving_department_id, providing_department_id, status, published_at,
		contact_person, contact_phone, review_notes, none_share_filing, sample,
		share_endpoint, open_download_url, open_api_url)
		VALUES ($1, $2, $3, $4, $5, $6::update_frequency, $7::share_type, $8, $9, $10::share_mode[],
		$11::open_type, $12, $13, $14, $15, $16, $17, $18::resource_status, $19, $20, $21, $22, $23, $24,
		$25, $26, $27)
		RETURNING id, created_at, updated_at`,
		r.Code, r.Name, r.Summary, r.Classification, r.Format, string(r.UpdateFrequency),
		string(r.ShareType), r.ShareConditions, r.ShareScope, modes, string(r.OpenType),
		r.OpenConditions, r.LegalBasis, r.SourceDepartmentID, r.CollectingDepartmentID,
		r.ApprovingDepartmentID, r.ProvidingDepartmentID, string(r.Status), r.PublishedAt,
		r.ContactPerson, r.ContactPhone, r.ReviewNotes, r.NoneShareFiling, sample,
		r.ShareEndpoint, r.OpenDownloadURL, r.OpenAPIURL,
	).Scan(&r.ID, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return mapError(err)
	}
	for i, it := range items {
		it.ResourceID, it.Position = r.ID, i+1
		err := tx.tx.QueryRow(ctx, `INSERT INTO data_items (resource_id, position, name, data_type, description, personal)
			VALUES ($1, $2, $3, $4::data_type, $5, $6) RETURNING id`,
			it.ResourceID, it.Position, it.Name, string(it.DataType), it.Description, it.Personal).Scan(&it.ID)
		if err != nil {
			return mapError(err)
		}
	}
	for _, e := range elementIDs {
		_, err := tx.tx.Exec(ctx, `INSERT INTO resource_data_elements (resource_id, data_element_id, source_department_id)
			VALUES ($1, $2, $3)`, r.ID, e, r.SourceDepartmentID)
		if err != nil {
			return mapError(err)
		}
	}
	r.Version = 1
	return tx.addVersion(ctx, r.ID, 1, domain.ActionImported, importer, "imported into the catalogue",
		domain.WorkflowState{Status: r.Status}, nil, domain.EntryOf(r, items, elementIDs))
}

// importer is the actor of entries loaded in bulk (the demo catalogue, an
// import), not through the workflow.
var importer = domain.Actor{Subject: "catalogue-import", Role: domain.RoleAuthority}

// CreateThemeDatabase inserts t with the resources it draws on.
func (tx *Tx) CreateThemeDatabase(ctx context.Context, t *domain.ThemeDatabase, resourceIDs []int64) error {
	err := tx.tx.QueryRow(ctx, `INSERT INTO theme_databases (code, name, kind, description, lead_department_id)
		VALUES ($1, $2, $3::theme_kind, $4, $5) RETURNING id`,
		t.Code, t.Name, string(t.Kind), t.Description, t.LeadDepartmentID).Scan(&t.ID)
	if err != nil {
		return mapError(err)
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO theme_database_resources (theme_database_id, resource_id)
		SELECT $1, unnest($2::bigint[])`, t.ID, resourceIDs)
	return mapError(err)
}

// CreateGrant inserts an active share grant and sets its ID.
func (tx *Tx) CreateGrant(ctx context.Context, g *domain.Grant, departmentID int64) error {
	items := g.ItemIDs
	if items == nil {
		items = []int64{}
	}
	err := tx.tx.QueryRow(ctx, `INSERT INTO grants (resource_id, department_id, item_ids, mode, scenario, purpose, valid_until)
		VALUES ($1, $2, $3, $4::share_mode, $5, $6, $7) RETURNING id`,
		g.ResourceID, departmentID, items, string(g.Mode), g.Scenario, g.Purpose, g.ValidUntil).Scan(&g.ID)
	return mapError(err)
}

// CreateApprovedOpenRequest records an approved open request of requester
// for resourceID and returns its ID.
func (tx *Tx) CreateApprovedOpenRequest(ctx context.Context, resourceID int64, requester, purpose string) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(ctx, `INSERT INTO open_requests (resource_id, requester, purpose, status, decided_at)
		VALUES ($1, $2, $3, 'APPROVED', now()) RETURNING id`, resourceID, requester, purpose).Scan(&id)
	return id, mapError(err)
}
