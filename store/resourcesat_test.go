package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store/storetest"
)

// ResourcesAt's numbered pages cover the visible rows once each, by code,
// with the same total as the keyset list's count.
func TestResourcesAtPages(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDB(t, storetest.Options{Demo: true})
	scope := domain.ResourceScopeFor(domain.Public)
	keyset, err := db.Resources(ctx, scope, domain.ResourceCriteria{}, domain.ResourceSort{Field: domain.ResourceByCode}, domain.PageArgs{First: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	want, err := keyset.TotalCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want == 0 || want > domain.MaxPageSize {
		t.Fatalf("demo has %d public entries; the test needs 1..%d", want, domain.MaxPageSize)
	}
	var codes []string
	const size = 7
	for offset := 0; ; offset += size {
		rows, total, err := db.ResourcesAt(ctx, scope, domain.ResourceCriteria{}, offset, size)
		if err != nil {
			t.Fatal(err)
		}
		if total != want {
			t.Fatalf("total at offset %d = %d, want %d", offset, total, want)
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			if !scope.Contains(r) {
				t.Errorf("%s (%s, %s) is outside the public scope", r.Code, r.Status, r.OpenType)
			}
			codes = append(codes, r.Code)
		}
	}
	var keysetCodes []string
	for _, r := range keyset.Nodes {
		keysetCodes = append(keysetCodes, r.Code)
	}
	if !slices.Equal(codes, keysetCodes) {
		t.Errorf("pages gave\n%v\nwant the keyset list's\n%v", codes, keysetCodes)
	}
	for _, bad := range [][2]int{{-1, 10}, {0, -1}, {0, domain.MaxPageSize + 1}} {
		if _, _, err := db.ResourcesAt(ctx, scope, domain.ResourceCriteria{}, bad[0], bad[1]); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("offset %d limit %d: err %v, want %s", bad[0], bad[1], err, domain.EInvalid)
		}
	}
}
