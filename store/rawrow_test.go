package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/storetest"
)

// The brief list's hand decoder reads every demo resource exactly as
// pgx's Scan does, NULLs (an unpublished entry, a top-level department)
// included, and leaves what it does not expect to Scan.
func TestBriefRowsDecodeAsScanDoes(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDB(t, storetest.Options{Demo: true})
	const from = " FROM resources r JOIN departments d ON d.id = r.source_department_id ORDER BY r.id"
	raw, scanned, decodable, rawErr, scanErr := db.BriefBothWays(ctx, domain.AllBriefParts, "SELECT "+store.BriefColumns(domain.AllBriefParts)+from)
	if rawErr != nil || scanErr != nil {
		t.Fatal(rawErr, scanErr)
	}
	if !decodable {
		t.Fatal("the brief columns are not decoded by hand: their types or formats changed")
	}
	var unpublished, topLevel int
	for i := range raw {
		if !reflect.DeepEqual(raw[i], scanned[i]) || !reflect.DeepEqual(raw[i].SourceDepartment, scanned[i].SourceDepartment) {
			t.Errorf("row %d:\nraw:  %+v %+v\nScan: %+v %+v", i, raw[i], raw[i].SourceDepartment, scanned[i], scanned[i].SourceDepartment)
		}
		if raw[i].PublishedAt == nil {
			unpublished++
		}
		if raw[i].SourceDepartment.ParentID == nil {
			topLevel++
		}
	}
	if len(raw) < 10 || unpublished == 0 || topLevel == 0 || unpublished == len(raw) || topLevel == len(raw) {
		t.Fatalf("%d rows, %d unpublished, %d of top-level departments: the demo no longer covers NULLs and values", len(raw), unpublished, topLevel)
	}
	if raw[0].Code == "" || raw[0].SourceDepartment.Name == "" || raw[0].CreatedAt.IsZero() {
		t.Fatalf("an empty row: %+v", raw[0])
	}

	// A read of fewer parts reads the same values of the fields it has
	// and leaves the others zero; rows of one department share it.
	all := raw
	for _, parts := range []domain.ResourceParts{0, domain.PartSummary, domain.PartStatus | domain.PartPublishedAt,
		domain.PartCreatedAt | domain.PartUpdatedAt | domain.PartFormat, domain.PartDepartment, domain.PartUpdateFrequency | domain.PartClassification | domain.PartDepartment} {
		raw, scanned, decodable, rawErr, scanErr := db.BriefBothWays(ctx, parts, "SELECT "+store.BriefColumns(parts)+from)
		if rawErr != nil || scanErr != nil || !decodable {
			t.Fatalf("parts %b: %v, %v, decoded by hand: %v", parts, rawErr, scanErr, decodable)
		}
		shared := 0
		for i := range raw {
			want := briefOf(all[i], parts)
			if !reflect.DeepEqual(raw[i], want) || !reflect.DeepEqual(raw[i].SourceDepartment, want.SourceDepartment) ||
				!reflect.DeepEqual(scanned[i], want) || !reflect.DeepEqual(scanned[i].SourceDepartment, want.SourceDepartment) {
				t.Errorf("parts %b, row %d:\nraw:  %+v %+v\nScan: %+v %+v\nwant: %+v %+v", parts, i, raw[i], raw[i].SourceDepartment,
					scanned[i], scanned[i].SourceDepartment, want, want.SourceDepartment)
			}
			if i > 0 && raw[i].SourceDepartment == raw[i-1].SourceDepartment {
				shared++
			}
		}
		if len(raw) != len(all) || shared == 0 {
			t.Errorf("parts %b: %d rows of %d, %d sharing the previous row's department", parts, len(raw), len(all), shared)
		}
	}

	// Rows the decoder does not expect: Scan's answer, or Scan's error.
	row := func(cols ...string) string {
		base := []string{"7::int8", "'C-1'", "'名'", "''", "'分类'", "'csv'", "'MONTHLY'", "'UNCONDITIONAL'", "'NONE'", "'PUBLISHED'",
			"3::int8", "NULL::timestamptz", "'2025-01-02 03:04:05.678901+08'::timestamptz", "now()", "3::int8", "'X'", "'部门'", "'CITY'", "'330100'", "NULL::int8"}
		for _, c := range cols {
			i, v, _ := strings.Cut(c, "=")
			n := 0
			for _, ch := range i {
				n = n*10 + int(ch-'0')
			}
			base[n] = v
		}
		return "SELECT " + strings.Join(base, ", ")
	}
	for _, c := range []struct {
		name      string
		sql       string
		decodable bool
		wantErr   bool
	}{
		{"as expected", row(), true, false},
		{"a varchar", row("1='C-1'::varchar"), true, false},
		{"an int4 id", row("0=7::int4"), false, false},
		{"a NULL name", row("2=NULL::text"), true, true},
		{"an infinite creation", row("12='infinity'::timestamptz"), true, true},
		{"a far timestamp", row("13='20000-01-01'::timestamptz"), true, false},
		{"a parent", row("19=1::int8"), true, false},
	} {
		raw, scanned, decodable, rawErr, scanErr := db.BriefBothWays(ctx, domain.AllBriefParts, c.sql)
		if decodable != c.decodable {
			t.Errorf("%s: decoded by hand: %v, want %v", c.name, decodable, c.decodable)
		}
		if (scanErr != nil) != c.wantErr || (rawErr != nil) != (scanErr != nil) {
			t.Errorf("%s: raw error %v, Scan's %v (want an error: %v)", c.name, rawErr, scanErr, c.wantErr)
			continue
		}
		if scanErr == nil && (len(raw) != 1 || !reflect.DeepEqual(raw[0], scanned[0]) || !reflect.DeepEqual(raw[0].SourceDepartment, scanned[0].SourceDepartment)) {
			t.Errorf("%s:\nraw:  %+v\nScan: %+v", c.name, raw[0], scanned[0])
		}
	}
}

// briefOf is r, read with every part, as a read of parts reads it.
func briefOf(r *domain.Resource, parts domain.ResourceParts) *domain.Resource {
	b := &domain.Resource{Brief: true, BriefParts: parts, ID: r.ID, Code: r.Code, Name: r.Name, ShareType: r.ShareType,
		OpenType: r.OpenType, SourceDepartmentID: r.SourceDepartmentID,
		SourceDepartment: &domain.Department{ID: r.SourceDepartment.ID, Name: r.SourceDepartment.Name}}
	for _, p := range []struct {
		part domain.ResourceParts
		set  func()
	}{
		{domain.PartSummary, func() { b.Summary = r.Summary }},
		{domain.PartClassification, func() { b.Classification = r.Classification }},
		{domain.PartFormat, func() { b.Format = r.Format }},
		{domain.PartUpdateFrequency, func() { b.UpdateFrequency = r.UpdateFrequency }},
		{domain.PartStatus, func() { b.Status = r.Status }},
		{domain.PartPublishedAt, func() { b.PublishedAt = r.PublishedAt }},
		{domain.PartCreatedAt, func() { b.CreatedAt = r.CreatedAt }},
		{domain.PartUpdatedAt, func() { b.UpdatedAt = r.UpdatedAt }},
		{domain.PartDepartment, func() { b.SourceDepartment = r.SourceDepartment }},
	} {
		if parts&p.part != 0 {
			p.set()
		}
	}
	return b
}
