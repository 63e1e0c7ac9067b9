package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
)

// The demo city's platforms.
const (
	sharePlatform = "https://share.meizhou.gov.cn/api/v1"
	openPlatform  = "https://data.meizhou.gov.cn"
)

// chinaTime is the zone the catalogue's dates are in.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Load writes d into db in one transaction; with d the demo Catalogue it
// is what `catalogue serve --demo` loads into an empty database.
func Load(ctx context.Context, db *store.DB) error {
	return LoadData(ctx, db, Catalogue)
}

// LoadData writes d into db in one transaction.
func LoadData(ctx context.Context, db *store.DB, d Data) error {
	return db.Tx(ctx, func(tx *store.Tx) error {
		depts := map[string]int64{}
		// Parents before children: a department's parent must exist.
		for pass := 0; pass < 2; pass++ {
			for _, dd := range d.Departments {
				if (dd.ParentKey == "") != (pass == 0) {
					continue
				}
				dept := &domain.Department{CreditCode: dd.CreditCode, Name: dd.Name, Level: dd.Level, RegionCode: dd.RegionCode}
				if dd.ParentKey != "" {
					parent, ok := depts[dd.ParentKey]
					if !ok {
						return fmt.Errorf("department %s: unknown parent %q", dd.Key, dd.ParentKey)
					}
					dept.ParentID = &parent
				}
				if err := tx.CreateDepartment(ctx, dept); err != nil {
					return fmt.Errorf("department %s: %w", dd.Key, err)
				}
				depts[dd.Key] = dept.ID
			}
		}
		dept := func(key, fallback string) (int64, error) {
			if key == "" {
				key = fallback
			}
			id, ok := depts[key]
			if !ok {
				return 0, fmt.Errorf("unknown department %q", key)
			}
			return id, nil
		}

		elements := map[string]int64{}
		for _, e := range d.Elements {
			src, err := dept(e.Source, "")
			if err != nil {
				return fmt.Errorf("element %s: %w", e.Code, err)
			}
			el := &domain.DataElement{Code: e.Code, Name: e.Name, Description: e.Description, SourceDepartmentID: src}
			if err := tx.CreateDataElement(ctx, el); err != nil {
				return fmt.Errorf("element %s: %w", e.Code, err)
			}
			elements[e.Code] = el.ID
		}

		resources := map[string]int64{}
		for _, rr := range d.Resources {
			r, items, elementIDs, err := resource(rr, dept, elements)
			if err != nil {
				return fmt.Errorf("resource %s: %w", rr.Code, err)
			}
			if err := tx.CreateResource(ctx, r, items, elementIDs); err != nil {
				return fmt.Errorf("resource %s: %w", rr.Code, err)
			}
			resources[rr.Code] = r.ID
		}

		for _, th := range d.Themes {
			lead, err := dept(th.Lead, "")
			if err != nil {
				return fmt.Errorf("theme database %s: %w", th.Code, err)
			}
			ids := make([]int64, 0, len(th.Resources))
			for _, code := range th.Resources {
				id, ok := resources[code]
				if !ok {
					return fmt.Errorf("theme database %s: unknown resource %q", th.Code, code)
				}
				ids = append(ids, id)
			}
			t := &domain.ThemeDatabase{Code: th.Code, Name: th.Name, Kind: th.Kind, Description: th.Description, LeadDepartmentID: lead}
			if err := tx.CreateThemeDatabase(ctx, t, ids); err != nil {
				return fmt.Errorf("theme database %s: %w", th.Code, err)
			}
		}
		return nil
	})
}

func resource(rr Resource, dept func(key, fallback string) (int64, error), elements map[string]int64) (*domain.Resource, []*domain.DataItem, []int64, error) {
	r := &domain.Resource{
		Code: rr.Code, Name: rr.Name, Summary: rr.Summary, Classification: rr.Classification,
		Format: rr.Format, UpdateFrequency: rr.Frequency, ShareType: rr.ShareType,
		ShareConditions: rr.ShareConditions, ShareScope: rr.ShareScope, ShareModes: rr.ShareModes,
		OpenType: rr.OpenType, OpenConditions: rr.OpenConditions, LegalBasis: rr.LegalBasis,
		Status: rr.Status, ContactPerson: rr.ContactPerson, ContactPhone: rr.ContactPhone,
		ReviewNotes: rr.ReviewNotes, NoneShareFiling: rr.NoneShareFiling, Sample: rr.Sample,
	}
	// Where the data is obtained, derived from the code: the sharing
	// platform's interface (a NONE entry offers verification only, MZ 21)
	// and, for open entries, the open platform's download and API.
	r.ShareEndpoint = sharePlatform + "/resources/" + rr.Code
	if rr.ShareType == domain.ShareNone {
		r.ShareEndpoint += "/verify"
	}
	if rr.OpenType != domain.OpenNone {
		r.OpenDownloadURL = openPlatform + "/datasets/" + rr.Code + "/download"
		r.OpenAPIURL = openPlatform + "/api/v1/datasets/" + rr.Code
	}
	var err error
	for _, f := range []struct {
		dst *int64
		key string
	}{{&r.SourceDepartmentID, rr.Source}, {&r.CollectingDepartmentID, rr.Collecting}, {&r.ApprovingDepartmentID, rr.Approving}, {&r.ProvidingDepartmentID, rr.Providing}} {
		if *f.dst, err = dept(f.key, rr.Source); err != nil {
			return nil, nil, nil, err
		}
	}
	if rr.PublishedOn != "" {
		day, err := time.ParseInLocation(time.DateOnly, rr.PublishedOn, chinaTime)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("published on: %w", err)
		}
		at := day.Add(9 * time.Hour)
		r.PublishedAt = &at
	}
	items := make([]*domain.DataItem, len(rr.Items))
	for i, it := range rr.Items {
		items[i] = &domain.DataItem{Name: it.Name, DataType: it.Type, Description: it.Description, Personal: it.Personal}
	}
	ids := make([]int64, len(rr.Elements))
	for i, code := range rr.Elements {
		id, ok := elements[code]
		if !ok {
			return nil, nil, nil, fmt.Errorf("unknown data element %q", code)
		}
		ids[i] = id
	}
	return r, items, ids, nil
}
