package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/storetest"
)

// A load of one key (a resource's detail loads all its parts so) and a
// lineage walk are statements PostgreSQL plans once and then runs with
// their generic plans, not planned again on every execution as a bound
// array makes them (keyIn). Loads of several keys still answer.
func TestStatementsKeepTheirPlans(t *testing.T) {
	ctx := context.Background()
	_, url := storetest.NewDBWithURL(t, storetest.Options{Demo: true})
	db, err := store.Open(ctx, store.Config{URL: url, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	public := domain.ResourceScopeFor(domain.Viewer{})
	page, err := db.Resources(ctx, public, domain.ResourceCriteria{}, domain.ResourceSort{}, domain.PageArgs{First: 3})
	if err != nil || len(page.Nodes) < 2 {
		t.Fatalf("%v, %d resources", err, len(page.Nodes))
	}
	one, two := []int64{page.Nodes[0].ID}, []int64{page.Nodes[0].ID, page.Nodes[1].ID}
	for range 8 {
		if m, err := db.ResourcesByID(ctx, public, one); err != nil || len(m) != 1 {
			t.Fatalf("resources by id: %v, %d", err, len(m))
		}
		if _, err := db.DataItemsOf(ctx, one); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LastDataUpdatesOf(ctx, one); err != nil {
			t.Fatal(err)
		}
		lq := domain.LineageQuery{StartKind: domain.KindResource, StartID: one[0], Direction: domain.LineageDownstream, Depth: 2, At: time.Now()}
		if _, err := db.Lineage(ctx, public, domain.OversightScope{All: true}, true, lq, domain.PageArgs{First: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := db.ResourcesByID(ctx, public, two); err != nil || len(m) != 2 {
		t.Fatalf("resources by two ids: %v, %d", err, len(m))
	}
	fragments := []string{"r.id = $1", "i.resource_id = $1", "FROM (VALUES ($1::bigint))", "WITH RECURSIVE walk"}
	plans, err := db.GenericPlans(ctx, fragments...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fragments {
		if p, ok := plans[f]; !ok || p[0] == 0 {
			t.Errorf("the statement with %q: %d generic plans, %d custom (prepared: %v); want it to keep a generic plan", f, p[0], p[1], ok)
		}
	}
}
