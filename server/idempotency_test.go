package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/store/storetest"
)

// Every mutation takes an optional idempotencyKey, as an argument or a
// field of its input object: a client retrying after a lost answer must
// never act twice. A new mutation without one fails here.
func TestEveryMutationTakesAnIdempotencyKey(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	if len(schema.Mutation.Fields) < 30 {
		t.Fatalf("only %d mutations in the schema", len(schema.Mutation.Fields))
	}
	for _, f := range schema.Mutation.Fields {
		if f.Name[:2] == "__" {
			continue
		}
		found := false
		for _, arg := range f.Arguments {
			if arg.Name == "idempotencyKey" {
				found = !arg.Type.NonNull && arg.Type.Name() == "String"
			}
			if in := schema.Types[arg.Type.Name()]; in != nil && in.Kind == "INPUT_OBJECT" {
				if k := in.Fields.ForName("idempotencyKey"); k != nil {
					found = !k.Type.NonNull && k.Type.Name() == "String"
				}
			}
		}
		if !found {
			t.Errorf("mutation %s takes no optional idempotencyKey: String", f.Name)
		}
	}
}

// NY 41, WZ 22: suspending, reinstating and revoking a grant with a key
// acts once; a retry answers with the grant, and the key with another
// reason is a CONFLICT.
func TestGrantChangesWithIdempotencyKeys(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept, auth := a.as(gaj), a.as(authority)
	u := findEntry(t, a, "UNCONDITIONAL", "QUERY", 1)
	g := dept.request(t, submitRequest, map[string]any{"in": requestInput(u, "QUERY", u.DataItems[0].ID)}).Grant
	if g == nil {
		t.Fatal("unconditional request not granted at once")
	}
	for _, step := range []struct{ mutation, key, want string }{
		{"suspendGrant", "s-1", "SUSPENDED"},
		{"reinstateGrant", "r-1", "ACTIVE"},
		{"revokeGrant", "v-1", "REVOKED"},
	} {
		q := `mutation($id: ID!, $why: String!, $key: String) { g: ` + step.mutation + `(id: $id, reason: $why, idempotencyKey: $key) { status } }`
		for try := range 3 { // the first attempt, then two retries
			var out struct{ G struct{ Status string } }
			auth.query(q, map[string]any{"id": g.ID, "why": "核查 " + step.mutation, "key": step.key}, &out)
			if out.G.Status != step.want {
				t.Fatalf("%s try %d: %s, want %s", step.mutation, try, out.G.Status, step.want)
			}
		}
		e := auth.queryErr(q, map[string]any{"id": g.ID, "why": "另一个理由", "key": step.key}, "CONFLICT")
		if !contains(e.Message, step.key) {
			t.Errorf("conflict message %q does not name the key", e.Message)
		}
	}
	// The record holds one change per step, whatever the retries.
	id, err := domain.ParseNodeIDOf(domain.KindGrant, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var changes, replays int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM grant_changes WHERE grant_id = $1`, id).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	if changes != 3 {
		t.Errorf("%d grant changes recorded, want 3 (one per step)", changes)
	}
	// Each replay is an audit event that says which it replays.
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_events
		WHERE action IN ('suspendGrant', 'reinstateGrant', 'revokeGrant') AND details::text LIKE '%"replayOf"%'`).Scan(&replays); err != nil {
		t.Fatal(err)
	}
	if replays != 6 {
		t.Errorf("%d replay audit events, want 6", replays)
	}
}

// A retried addHolidaySchedule neither fails as "already stored" nor
// makes a new calendar revision; a retried setRegionPolicy changes
// nothing, even after the region was set otherwise in between.
func TestConfigurationWithIdempotencyKeys(t *testing.T) {
	a := newEmptyAPI(t)
	auth := a.as(authority)
	const add = `mutation($s: String!, $r: Boolean!, $why: String, $key: String) {
		addHolidaySchedule(schedule: $s, replace: $r, reason: $why, idempotencyKey: $key) { revision years } }`
	y2027 := `{"year": 2027, "papers": ["test schedule"], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`
	type calendar struct {
		AddHolidaySchedule struct {
			Revision int
			Years    []int
		}
	}
	var first, again calendar
	auth.query(add, map[string]any{"s": y2027, "r": false, "key": "cal-2027"}, &first)
	auth.query(add, map[string]any{"s": y2027, "r": false, "key": "cal-2027"}, &again)
	if again.AddHolidaySchedule.Revision != first.AddHolidaySchedule.Revision {
		t.Errorf("a retry made revision %d after %d", again.AddHolidaySchedule.Revision, first.AddHolidaySchedule.Revision)
	}
	// Without the key, the second add is refused, as before.
	auth.queryErr(add, map[string]any{"s": y2027, "r": false}, "CONFLICT")
	// A replace with a key replaces once.
	replace := map[string]any{"s": y2027, "r": true, "why": "国务院办公厅通知调整", "key": "cal-2027-fix"}
	auth.query(add, replace, &first)
	auth.query(add, replace, &again)
	if again.AddHolidaySchedule.Revision != first.AddHolidaySchedule.Revision {
		t.Errorf("a retried replace made revision %d after %d", again.AddHolidaySchedule.Revision, first.AddHolidaySchedule.Revision)
	}

	const set = `mutation($p: String, $key: String) { setRegionPolicy(regionCode: "441400", profile: $p, idempotencyKey: $key) { name } }`
	var out struct{ SetRegionPolicy struct{ Name string } }
	auth.query(set, map[string]any{"p": "nanyang", "key": "policy-1"}, &out)
	auth.query(set, map[string]any{"p": "meizhou", "key": "policy-2"}, &out)
	// The first call's retry arrives late: it does not set nanyang again.
	auth.query(set, map[string]any{"p": "nanyang", "key": "policy-1"}, &out)
	if out.SetRegionPolicy.Name != "meizhou" {
		t.Errorf("a late retry changed the region to %s", out.SetRegionPolicy.Name)
	}
	auth.queryErr(set, map[string]any{"p": "wenzhou", "key": "policy-1"}, "CONFLICT")
}
