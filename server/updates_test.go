package server_test

import (
	"testing"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// MZ 13: the source records each update of its data; an entry whose last
// update (or, never updated, its publication) is older than its declared
// frequency is stale.
func TestDataUpdatesAndStaleness(t *testing.T) {
	clock := &testClock{}
	clock.set("2027-01-10 10:00") // the demo was published on the real day it loaded
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	var list struct {
		Resources struct {
			Nodes []struct {
				ID, PublishedAt  string
				SourceDepartment struct{ CreditCode string }
			}
		}
	}
	a.as(authority).query(`{ resources(first: 1, filter: {updateFrequency: MONTHLY, status: PUBLISHED}) {
		nodes { id publishedAt sourceDepartment { creditCode } } } }`, nil, &list)
	if len(list.Resources.Nodes) == 0 {
		t.Fatal("the demo has no published monthly entry")
	}
	e := list.Resources.Nodes[0]
	src := a.as(departmentClaims(e.SourceDepartment.CreditCode))
	type fresh struct {
		Resource struct {
			Stale          bool
			NextUpdateDue  *string
			LastDataUpdate *struct {
				At   string
				Rows int
			}
		}
	}
	const q = `query($id: ID!) { resource(id: $id) { stale nextUpdateDue lastDataUpdate { at rows } } }`
	var f fresh
	a.public().query(q, map[string]any{"id": e.ID}, &f)
	if !f.Resource.Stale || f.Resource.LastDataUpdate != nil || f.Resource.NextUpdateDue == nil {
		t.Fatalf("a monthly entry published in December, never updated, on 01-10: %+v", f.Resource)
	}

	const record = `mutation($r: ID!, $at: Time!, $rows: Int!) { recordDataUpdate(resourceId: $r, at: $at, rows: $rows) { at rows recordedAt } }`
	vars := map[string]any{"r": e.ID, "at": "2027-01-09T23:00:00+08:00", "rows": 1204331}
	a.as(gaj).queryErr(record, vars, "FORBIDDEN")
	a.as(authority).queryErr(record, vars, "FORBIDDEN")
	src.queryErr(record, map[string]any{"r": e.ID, "at": "2027-01-11T09:00:00+08:00", "rows": 1}, "BAD_USER_INPUT")
	src.queryErr(record, map[string]any{"r": e.ID, "at": "2027-01-09T09:00:00+08:00", "rows": -1}, "BAD_USER_INPUT")
	var out struct {
		RecordDataUpdate struct {
			At   string
			Rows int
		}
	}
	src.query(record, vars, &out)
	if out.RecordDataUpdate.Rows != 1204331 {
		t.Fatalf("recorded %+v", out)
	}
	a.public().query(q, map[string]any{"id": e.ID}, &f)
	if f.Resource.Stale || f.Resource.LastDataUpdate == nil || f.Resource.LastDataUpdate.Rows != 1204331 ||
		deref(f.Resource.NextUpdateDue) != "2027-02-09T23:00:00+08:00" {
		t.Fatalf("after the update %+v %v", f.Resource, deref(f.Resource.NextUpdateDue))
	}
	clock.set("2027-02-10 10:00")
	a.public().query(q, map[string]any{"id": e.ID}, &f)
	if !f.Resource.Stale {
		t.Error("a month and a day after its update, the monthly entry is not stale")
	}
	if ev := a.as(auditor).audit(t, map[string]any{"action": "recordDataUpdate", "outcome": "OK"}); len(ev) != 1 || ev[0].Resource == nil || ev[0].Resource.ID != e.ID {
		t.Errorf("the update's audit event %+v", ev)
	}
}
