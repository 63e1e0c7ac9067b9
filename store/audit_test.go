package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/storetest"
)

// auditDB is a fresh database holding n audit events, one a day from at,
// and a direct connection to it for tampering.
func auditDB(t *testing.T, n int, at time.Time) (*store.DB, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url := storetest.NewDatabase(t, false)
	db, err := store.Open(ctx, store.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	for i := range n {
		e := domain.AuditEvent{At: at.AddDate(0, 0, i), RequestID: "req", Actor: domain.Actor{Subject: "auditor-1", Role: domain.RoleAuditor},
			Action: "exportAudit", Outcome: domain.AuditOK, Details: `{"args":{"n":` + string(rune('0'+i%10)) + `}}`}
		if err := db.AppendAudit(ctx, e); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return db, conn
}

func verify(t *testing.T, db *store.DB) *domain.AuditIntegrity {
	t.Helper()
	r, err := db.VerifyAudit(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// NY 33: the log is append-only in the database, for the application's
// role too; what a superuser changes behind the triggers' back breaks
// the hash chain at the first event touched.
func TestAuditChainDetectsTampering(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 28, 10, 0, 0, 0, domain.ChinaTime)
	db, conn := auditDB(t, 6, start) // across March and April: two partitions
	if r := verify(t, db); !r.OK || r.Checked != 6 || r.FirstID != 1 || r.LastID != 6 || r.VerifiedOnHead != 6 {
		t.Fatalf("an untouched chain: %+v %+v", r, r.FirstBroken)
	}
	for _, sql := range []string{
		`UPDATE audit_events SET message = 'nothing happened' WHERE id = 2`,
		`DELETE FROM audit_events WHERE id = 2`,
		`TRUNCATE audit_events`,
		`TRUNCATE audit_events_y2026m04`,
		`DELETE FROM audit_events_y2026m03`,
	} {
		if _, err := conn.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}

	// Behind the triggers (a superuser's replica mode): an edit.
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE audit_events SET actor_subject = 'someone-else' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	r := verify(t, db)
	if r.OK || r.FirstBroken == nil || r.FirstBroken.ID != 3 || !strings.Contains(r.FirstBroken.Reason, "altered") || r.Checked != 2 {
		t.Fatalf("after an edit of event 3: %+v %+v", r, r.FirstBroken)
	}
	// Recomputing the edited event's own hash does not hide it: the next
	// event names the original as its previous hash.
	page, err := db.AuditEvents(ctx, domain.Viewer{Role: domain.RoleAuditor}, domain.AuditCriteria{}, domain.PageArgs{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Nodes {
		if e.ID == 3 {
			if _, err := conn.Exec(ctx, `UPDATE audit_events SET hash = $1 WHERE id = 3`, e.ComputeHash()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r := verify(t, db); r.OK || r.FirstBroken.ID != 4 || !strings.Contains(r.FirstBroken.Reason, "previous hash") {
		t.Fatalf("a recomputed hash: %+v", r.FirstBroken)
	}

	// A deletion in the middle, and at the end.
	db2, conn2 := auditDB(t, 5, start)
	conn2.Exec(ctx, `SET session_replication_role = replica`)
	if _, err := conn2.Exec(ctx, `DELETE FROM audit_events WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	if r := verify(t, db2); r.OK || r.FirstBroken.ID != 4 || !strings.Contains(r.FirstBroken.Reason, "missing") {
		t.Fatalf("after deleting event 3: %+v", r.FirstBroken)
	}
	db3, conn3 := auditDB(t, 5, start)
	conn3.Exec(ctx, `SET session_replication_role = replica`)
	if _, err := conn3.Exec(ctx, `DELETE FROM audit_events WHERE id = 5`); err != nil {
		t.Fatal(err)
	}
	if r := verify(t, db3); r.OK || !strings.Contains(r.FirstBroken.Reason, "at the end were deleted") {
		t.Fatalf("after deleting the last event: %+v", r.FirstBroken)
	}
}

// NY 33: a purge drops whole months older than six months, never younger,
// and the chain still verifies from where it left off.
func TestAuditPurgeKeepsRetention(t *testing.T) {
	ctx := context.Background()
	db, conn := auditDB(t, 70, time.Date(2026, 1, 1, 9, 0, 0, 0, domain.ChinaTime)) // 01-01 to 03-11
	now := time.Date(2026, 9, 15, 12, 0, 0, 0, domain.ChinaTime)
	if _, err := db.PurgeAudit(ctx, domain.Date{Year: 2026, Month: 4, Day: 1}, now); domain.ErrorCode(err) != domain.EInvalid ||
		!strings.Contains(err.Error(), "NY 33") {
		t.Fatalf("a purge younger than six months: %v", err)
	}
	dropped, err := db.PurgeAudit(ctx, domain.Date{Year: 2026, Month: 3, Day: 1}, now)
	if err != nil || strings.Join(dropped, ",") != "audit_events_y2026m01,audit_events_y2026m02" {
		t.Fatalf("purge before 03-01: %v %v", dropped, err)
	}
	var left int
	conn.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&left)
	if left != 12 {
		t.Errorf("%d events left, want March's 11 and the purge's own", left)
	}
	// The purge is the chain's 71st event.
	if r := verify(t, db); !r.OK || r.PurgedThrough != 59 || r.FirstID != 60 || r.Checked != 12 || r.LastID != 71 {
		t.Fatalf("after the purge: %+v %+v", r, r.FirstBroken)
	}
	page, err := db.AuditEvents(ctx, domain.Viewer{Role: domain.RoleAuditor}, domain.AuditCriteria{Action: "purgeAudit"}, domain.PageArgs{First: 5})
	if err != nil || len(page.Nodes) != 1 || !strings.Contains(page.Nodes[0].Details, "audit_events_y2026m02") {
		t.Fatalf("the purge's event: %+v %v", page, err)
	}
	// Appending goes on after it.
	if err := db.AppendAudit(ctx, domain.AuditEvent{At: now, Actor: domain.Actor{Subject: "a", Role: domain.RoleAuditor}, Action: "exportAudit", Outcome: domain.AuditOK}); err != nil {
		t.Fatal(err)
	}
	if r := verify(t, db); !r.OK || r.LastID != 72 {
		t.Fatalf("after appending: %+v %+v", r, r.FirstBroken)
	}
}

// BenchmarkAppendAudit measures appending events from parallel clients,
// which the chain's head lock serializes.
func BenchmarkAppendAudit(b *testing.B) {
	ctx := context.Background()
	db := storetest.NewDB(b, storetest.Options{})
	e := domain.AuditEvent{At: time.Now(), RequestID: "bench", Actor: domain.Actor{Subject: "svc", Role: domain.RoleDepartment, DepartmentID: 1},
		Action: "accessDecision", Outcome: domain.AuditOK, Details: `{"args":{"mode":"VERIFY"}}`}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := db.AppendAudit(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// Cells a spreadsheet would run as formulas are exported as text.
func TestAuditExportNeutralizesFormulas(t *testing.T) {
	got := store.SpreadsheetSafe([]string{"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "plain", "", "a=b"})
	want := []string{"'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", "", "a=b"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
}
