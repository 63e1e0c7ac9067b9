package store

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// auditTargets says, per kind of target, where its entry and department
// are found, so an event about a request or a dispute can be found by the
// entry it concerns.
var auditTargets = map[domain.NodeKind]string{
	domain.KindResource:         `SELECT id, source_department_id FROM resources WHERE id = $1`,
	domain.KindShareRequest:     `SELECT resource_id, source_department_id FROM share_requests WHERE id = $1`,
	domain.KindGrant:            `SELECT g.resource_id, r.source_department_id FROM grants g JOIN resources r ON r.id = g.resource_id WHERE g.id = $1`,
	domain.KindOpenRequest:      `SELECT o.resource_id, r.source_department_id FROM open_requests o JOIN resources r ON r.id = o.resource_id WHERE o.id = $1`,
	domain.KindDispute:          `SELECT resource_id, source_department_id FROM disputes WHERE id = $1`,
	domain.KindChangeObligation: `SELECT coalesce(resource_id, 0), department_id FROM catalogue_change_obligations WHERE id = $1`,
	domain.KindDepartment:       `SELECT 0::bigint, id FROM departments WHERE id = $1`,
}

// snapshotSQL is a catalogue entry as kept in before and after: its row
// (without the search index) and its data items.
const snapshotSQL = `SELECT json_build_object('resource', to_jsonb(r) - 'search_grams',
		'dataItems', coalesce((SELECT jsonb_agg(to_jsonb(i) ORDER BY i.id) FROM data_items i WHERE i.resource_id = r.id), '[]'::jsonb))::text
	FROM resources r WHERE r.id = $1`

// snapshot is the entry e's target is, as JSON text; "" for another kind
// of target or none. The first snapshot locks the entry's row, so what is
// kept as before is what the change starts from.
func (tx *Tx) snapshot(ctx context.Context, e domain.AuditEvent) (string, error) {
	if !domain.ChangesCatalogue(e.Action) || e.TargetKind != domain.KindResource || e.TargetID == 0 {
		return "", nil
	}
	if _, err := tx.tx.Exec(ctx, `SELECT 1 FROM resources WHERE id = $1 FOR UPDATE`, e.TargetID); err != nil {
		return "", fmt.Errorf("audit snapshot: %w", err)
	}
	var s string
	err := tx.tx.QueryRow(ctx, snapshotSQL, e.TargetID).Scan(&s)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit snapshot: %w", err)
	}
	return s, nil
}

// concerns fills in the entry and department e's target concerns.
func (tx *Tx) concerns(ctx context.Context, e *domain.AuditEvent) error {
	q, ok := auditTargets[e.TargetKind]
	if !ok || e.TargetID == 0 {
		return nil
	}
	var resource, department int64
	err := tx.tx.QueryRow(ctx, q, e.TargetID).Scan(&resource, &department)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit target: %w", err)
	}
	if e.ResourceID == 0 {
		e.ResourceID = resource
	}
	if e.DepartmentID == 0 {
		e.DepartmentID = department
	}
	return nil
}

// commitAudit appends the event of the attempt in progress, its outcome
// OK, with the entry's snapshot taken before the change.
func (tx *Tx) commitAudit(ctx context.Context, rec *domain.AuditRecord, before string) error {
	e := rec.Event()
	if e.Outcome == "" {
		e.Outcome = domain.AuditOK
	}
	e.Before = before
	after, err := tx.snapshot(ctx, e)
	if err != nil {
		return err
	}
	e.After = after
	if err := tx.concerns(ctx, &e); err != nil {
		return err
	}
	return tx.appendAudit(ctx, &e)
}

// appendAudit gives e the next place in the chain and inserts it. It locks
// the chain's head until the transaction ends, so call it last.
func (tx *Tx) appendAudit(ctx context.Context, e *domain.AuditEvent) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.Truncate(time.Microsecond)
	if err := tx.tx.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_chain FOR UPDATE`).Scan(&e.ID, &e.PrevHash); err != nil {
		return fmt.Errorf("audit chain head: %w", err)
	}
	e.ID++
	e.Hash = e.ComputeHash()
	if err := tx.ensurePartition(ctx, e.At); err != nil {
		return err
	}
	_, err := tx.tx.Exec(ctx, `INSERT INTO audit_events (id, at, request_id, actor_subject, actor_role, actor_department_id,
		action, target_kind, target_id, resource_id, department_id, outcome, code, message, before, after, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), $7, $8, nullif($9::bigint, 0), nullif($10::bigint, 0), nullif($11::bigint, 0),
			$12, $13, $14, nullif($15, '')::json, nullif($16, '')::json, nullif($17, '')::json, $18, $19)`,
		e.ID, e.At, e.RequestID, e.Actor.Subject, string(e.Actor.Role), e.Actor.DepartmentID,
		e.Action, string(e.TargetKind), e.TargetID, e.ResourceID, e.DepartmentID, string(e.Outcome), string(e.Code), e.Message,
		e.Before, e.After, e.Details, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	_, err = tx.tx.Exec(ctx, `UPDATE audit_chain SET last_id = $1, last_hash = $2`, e.ID, e.Hash)
	if err != nil {
		return fmt.Errorf("audit chain head: %w", err)
	}
	return nil
}

// monthOf is the first instant of at's month in China time and of the next.
func monthOf(at time.Time) (time.Time, time.Time) {
	c := at.In(domain.ChinaTime)
	from := time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, domain.ChinaTime)
	return from, from.AddDate(0, 1, 0)
}

func partitionName(from time.Time) string {
	return fmt.Sprintf("audit_events_y%04dm%02d", from.Year(), from.Month())
}

// ensurePartition creates the month's partition of at if it is missing,
// with the append-only TRUNCATE guard that a partition does not inherit.
// It runs under the chain's lock, so two appends never race to create it.
func (tx *Tx) ensurePartition(ctx context.Context, at time.Time) error {
	from, to := monthOf(at)
	name := partitionName(from)
	if _, ok := tx.db.partitions.Load(name); ok {
		return nil
	}
	var exists bool
	if err := tx.tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists); err != nil {
		return fmt.Errorf("audit partition: %w", err)
	}
	if !exists {
		ident := pgx.Identifier{name}.Sanitize()
		_, err := tx.tx.Exec(ctx, `CREATE TABLE `+ident+` PARTITION OF audit_events FOR VALUES FROM ('`+
			from.Format(time.RFC3339)+`') TO ('`+to.Format(time.RFC3339)+`')`)
		if err != nil {
			return fmt.Errorf("create audit partition %s: %w", name, err)
		}
		_, err = tx.tx.Exec(ctx, `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON `+ident+
			` FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`)
		if err != nil {
			return fmt.Errorf("create audit partition %s: %w", name, err)
		}
		_, err = tx.tx.Exec(ctx, `REVOKE UPDATE, DELETE, TRUNCATE ON `+ident+` FROM PUBLIC`)
		if err != nil {
			return fmt.Errorf("create audit partition %s: %w", name, err)
		}
	}
	// Remembered once this transaction commits; a rollback undoes the
	// CREATE, so remembering it now could skip a needed one. A later
	// append checks again, which costs one catalog lookup.
	tx.onCommit(func() { tx.db.partitions.Store(name, true) })
	return nil
}

// created names the row the audited attempt of ctx created.
func created(ctx context.Context, kind domain.NodeKind, id int64) {
	if rec := domain.AuditFrom(ctx); rec != nil {
		rec.Created(kind, id)
	}
}

// ensureAuditPartitions creates the partitions of the months from now's
// to months later, so appends seldom create one: creating a partition
// takes an exclusive lock on the log, which waits for a long verify or
// export to end.
func (db *DB) ensureAuditPartitions(ctx context.Context, now time.Time, months int) error {
	return db.plainTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `SELECT 1 FROM audit_chain FOR UPDATE`); err != nil {
			return fmt.Errorf("audit chain head: %w", err)
		}
		from, _ := monthOf(now)
		for i := 0; i <= months; i++ {
			if err := tx.ensurePartition(ctx, from.AddDate(0, i, 0)); err != nil {
				return err
			}
		}
		return nil
	})
}

// AppendAudit appends e on its own: an attempt that committed nothing (a
// refusal, a failure, a read that is audited).
func (db *DB) AppendAudit(ctx context.Context, e domain.AuditEvent) error {
	return db.plainTx(ctx, func(tx *Tx) error {
		if err := tx.concerns(ctx, &e); err != nil {
			return err
		}
		return tx.appendAudit(ctx, &e)
	})
}

const auditColumns = `e.id, e.at, e.request_id, e.actor_subject, e.actor_role, coalesce(e.actor_department_id, 0),
	e.action, e.target_kind, coalesce(e.target_id, 0), coalesce(e.resource_id, 0), coalesce(e.department_id, 0),
	e.outcome, e.code, e.message, coalesce(e.before::text, ''), coalesce(e.after::text, ''), coalesce(e.details::text, ''),
	e.prev_hash, e.hash`

func scanAudit(row pgx.CollectableRow) (*domain.AuditEvent, error) {
	var e domain.AuditEvent
	err := row.Scan(&e.ID, &e.At, &e.RequestID, &e.Actor.Subject, &e.Actor.Role, &e.Actor.DepartmentID,
		&e.Action, &e.TargetKind, &e.TargetID, &e.ResourceID, &e.DepartmentID,
		&e.Outcome, &e.Code, &e.Message, &e.Before, &e.After, &e.Details, &e.PrevHash, &e.Hash)
	return &e, err
}

func (q *query) auditCriteria(f domain.AuditCriteria) {
	if len(f.Actors) > 0 {
		q.and("e.actor_subject = ANY(" + q.arg(f.Actors) + ")")
	}
	if f.DepartmentID != 0 {
		p := q.arg(f.DepartmentID)
		q.and("(e.actor_department_id = " + p + " OR e.department_id = " + p + ")")
	}
	if f.ResourceID != 0 {
		q.and("e.resource_id = " + q.arg(f.ResourceID))
	}
	if f.Action != "" {
		q.and("e.action = " + q.arg(f.Action))
	}
	if f.Outcome != "" {
		q.and("e.outcome = " + q.label(string(f.Outcome), ""))
	}
	if !f.From.IsZero() {
		q.and("e.at >= " + q.arg(f.From))
	}
	if !f.To.IsZero() {
		q.and("e.at < " + q.arg(f.To))
	}
}

// AuditEvents lists the events f selects, newest first.
func (db *DB) AuditEvents(ctx context.Context, v domain.Viewer, f domain.AuditCriteria, p domain.PageArgs) (*domain.Page[*domain.AuditEvent], error) {
	// SECURITY: auditors and the authority only (WZ 34).
	if err := domain.MayReadAudit(v); err != nil {
		return nil, err
	}
	q := &query{}
	q.auditCriteria(f)
	return newestFirst(ctx, db, q, p, "audit_events e", "e", auditColumns, scanAudit,
		func(e *domain.AuditEvent) int64 { return e.ID })
}

// ExportAudit writes the events f selects, oldest first, as CSV to w, row
// by row from one query, so a range of any size streams in constant
// memory. The export is itself an audited access.
func (db *DB) ExportAudit(ctx context.Context, v domain.Viewer, f domain.AuditCriteria, w io.Writer, flush func()) error {
	if err := domain.MayReadAudit(v); err != nil {
		return err
	}
	q := &query{}
	q.auditCriteria(f)
	rows, err := db.pool.Query(ctx, "SELECT "+auditColumns+" FROM audit_events e"+q.whereSQL()+" ORDER BY e.id", q.args...)
	if err != nil {
		return fmt.Errorf("export audit: %w", err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "at", "request_id", "actor_subject", "actor_role", "actor_department_id", "action",
		"target_kind", "target_id", "resource_id", "department_id", "outcome", "code", "message", "before", "after", "details",
		"prev_hash", "hash"})
	n := 0
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("export audit: %w", err)
		}
		if err := cw.Write(domain.SpreadsheetSafe(auditRecord(e))); err != nil {
			return err
		}
		if n++; n%1000 == 0 {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			flush()
		}
	}
	cw.Flush()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export audit: %w", err)
	}
	return cw.Error()
}

func auditRecord(e *domain.AuditEvent) []string {
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	return []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), e.RequestID, e.Actor.Subject,
		string(e.Actor.Role), id(e.Actor.DepartmentID), e.Action, string(e.TargetKind), id(e.TargetID), id(e.ResourceID),
		id(e.DepartmentID), string(e.Outcome), string(e.Code), e.Message, e.Before, e.After, e.Details,
		fmt.Sprintf("%x", e.PrevHash), fmt.Sprintf("%x", e.Hash)}
}

// VerifyAudit walks the whole chain in ID order, from where the last
// purge left it to the head, and reports the first event that breaks it.
func (db *DB) VerifyAudit(ctx context.Context, now time.Time) (*domain.AuditIntegrity, error) {
	// One snapshot: the head and the rows agree even while events are
	// appended.
	var out *domain.AuditIntegrity
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var (
			headID, purgedTo     int64
			headHash, purgedHash []byte
		)
		if err := tx.QueryRow(ctx, `SELECT last_id, last_hash, purged_to, purged_hash FROM audit_chain`).
			Scan(&headID, &headHash, &purgedTo, &purgedHash); err != nil {
			return fmt.Errorf("audit chain head: %w", err)
		}
		v := domain.ChainVerifier{LastID: purgedTo, LastHash: purgedHash}
		res := &domain.AuditIntegrity{PurgedThrough: purgedTo, VerifiedAt: now, VerifiedOnHead: headID}
		// Events at or before the anchor that a kept partition still holds
		// (appended across a month's end) precede the kept chain.
		rows, err := tx.Query(ctx, "SELECT "+auditColumns+" FROM audit_events e WHERE e.id > $1 ORDER BY e.id", purgedTo)
		if err != nil {
			return fmt.Errorf("verify audit: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return fmt.Errorf("verify audit: %w", err)
			}
			if res.FirstID == 0 {
				res.FirstID = e.ID
			}
			res.LastID = e.ID
			if b := v.Check(e); b != nil {
				res.FirstBroken = b
				break
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("verify audit: %w", err)
		}
		if res.FirstBroken == nil {
			res.FirstBroken = v.End(headID, headHash)
		}
		res.Checked = v.Checked
		res.OK = res.FirstBroken == nil
		out = res
		return nil
	})
	return out, err
}

// PurgeAudit drops the monthly partitions wholly before cutoff, refusing
// any cutoff younger than the retention (NY 33), and moves the chain's
// anchor to the last event dropped so verification still holds. It
// returns the partitions dropped.
func (db *DB) PurgeAudit(ctx context.Context, cutoff domain.Date, now time.Time) ([]string, error) {
	if err := domain.ValidatePurge(cutoff, domain.DateOf(now)); err != nil {
		return nil, err
	}
	var dropped []string
	err := db.plainTx(ctx, func(tx *Tx) error {
		// Under the chain's lock: nothing is appended while the anchor moves.
		var headID int64
		if err := tx.tx.QueryRow(ctx, `SELECT last_id FROM audit_chain FOR UPDATE`).Scan(&headID); err != nil {
			return fmt.Errorf("audit chain head: %w", err)
		}
		rows, err := tx.tx.Query(ctx, `SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
			FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = 'audit_events'::regclass ORDER BY c.relname`)
		if err != nil {
			return fmt.Errorf("audit partitions: %w", err)
		}
		names, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
			var name, bound string
			err := row.Scan(&name, &bound)
			return name, err
		})
		if err != nil {
			return fmt.Errorf("audit partitions: %w", err)
		}
		cut := cutoff.StartOfDay()
		for _, name := range names {
			var y, m int
			if n, err := fmt.Sscanf(name, "audit_events_y%04dm%02d", &y, &m); err != nil || n != 2 {
				continue
			}
			from := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, domain.ChinaTime)
			to := from.AddDate(0, 1, 0)
			if to.After(cut) {
				continue
			}
			var lastID int64
			var lastHash []byte
			err := tx.tx.QueryRow(ctx, `SELECT id, hash FROM `+pgx.Identifier{name}.Sanitize()+` ORDER BY id DESC LIMIT 1`).Scan(&lastID, &lastHash)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("purge %s: %w", name, err)
			}
			if lastID != 0 {
				if _, err := tx.tx.Exec(ctx, `UPDATE audit_chain SET purged_to = $1, purged_hash = $2 WHERE purged_to < $1`, lastID, lastHash); err != nil {
					return fmt.Errorf("purge %s: %w", name, err)
				}
			}
			if _, err := tx.tx.Exec(ctx, `DROP TABLE `+pgx.Identifier{name}.Sanitize()); err != nil {
				return fmt.Errorf("purge %s: %w", name, err)
			}
			db.partitions.Delete(name)
			dropped = append(dropped, name)
		}
		// The purge is in the chain itself.
		details, _ := json.Marshal(map[string]any{"before": cutoff.String(), "dropped": dropped})
		return tx.appendAudit(ctx, &domain.AuditEvent{At: now, Actor: domain.Actor{Subject: "catalogue audit purge", Role: domain.RoleAuthority},
			Action: "purgeAudit", Outcome: domain.AuditOK, Details: string(details)})
	})
	return dropped, err
}

// AuditChainHead returns the id of the chain's last event and the id
// through which events have been purged. It reads the head row without
// locking it, so it never waits for an append.
func (db *DB) AuditChainHead(ctx context.Context) (head, purged int64, err error) {
	err = db.pool.QueryRow(ctx, `SELECT last_id, purged_to FROM audit_chain`).Scan(&head, &purged)
	if err != nil {
		return 0, 0, fmt.Errorf("audit chain head: %w", err)
	}
	return head, purged, nil
}
