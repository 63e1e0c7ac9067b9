package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// CreateEntry makes a DRAFT entry of v's department, with version 1.
func (db *DB) CreateEntry(ctx context.Context, v domain.Viewer, e domain.Entry, key string) (*domain.Resource, error) {
	// SECURITY: only a department creates entries, and only its own.
	if err := domain.MayAct(v, domain.EventUpdate, v.DepartmentID); err != nil {
		return nil, err
	}
	e.Normalize()
	e.DefaultDepartments(v.DepartmentID)
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		replayed, err := tx.claimKey(ctx, v, key, "createResource", e)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		ec, err := tx.entryContext(ctx, v.DepartmentID, 0, e)
		if err != nil {
			return err
		}
		if err := domain.ValidateEntry(e, ec, false); err != nil {
			return err
		}
		r := &domain.Resource{SourceDepartmentID: v.DepartmentID, Status: domain.StatusDraft}
		if err := tx.tx.QueryRow(ctx, `INSERT INTO resources (code, name, update_frequency, share_type, open_type,
			source_department_id, collecting_department_id, approving_department_id, providing_department_id, status)
			VALUES ($1, $2, $3::update_frequency, $4::share_type, $5::open_type, $6, $7, $8, $9, 'DRAFT') RETURNING id`,
			e.Code, placeholder(e.Name), string(e.UpdateFrequency), string(e.ShareType), string(e.OpenType), v.DepartmentID,
			e.CollectingDepartmentID, e.ApprovingDepartmentID, e.ProvidingDepartmentID).Scan(&r.ID); err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindResource, r.ID)
		if err := tx.writeEntry(ctx, r.ID, e); err != nil {
			return err
		}
		id = r.ID
		if err := tx.addVersion(ctx, r.ID, 1, domain.ActionCreated, domain.ActorOf(v), "",
			domain.WorkflowState{Status: domain.StatusDraft}, domain.DiffEntries(domain.Entry{}, e), e); err != nil {
			return err
		}
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.ResourcesByID, domain.ResourceScope{All: true}, id, "resource")
}

// placeholder keeps a NOT NULL, non-empty column satisfied while a draft
// lacks a name; ValidateEntry refuses to submit it so.
func placeholder(s string) string {
	if s == "" {
		return "(untitled draft)"
	}
	return s
}

// ActOnEntry applies cmd in one transaction, the entry's row locked.
func (db *DB) ActOnEntry(ctx context.Context, v domain.Viewer, cmd domain.EntryCommand) (*domain.Resource, error) {
	now := cmd.Now
	if now.IsZero() {
		now = time.Now()
	}
	if cmd.Entry != nil {
		cmd.Entry.Normalize()
	}
	err := db.Tx(ctx, func(tx *Tx) error {
		// The key covers what the client sent, not the server's settings.
		input := struct {
			ID              int64
			Event           domain.Event
			Entry           *domain.Entry
			ExpectedVersion *int
			Comment         string
		}{cmd.ResourceID, cmd.Event, cmd.Entry, cmd.ExpectedVersion, cmd.Comment}
		replayed, err := tx.claimKey(ctx, v, cmd.IdempotencyKey, strings.ToLower(string(cmd.Event))+"Resource", input)
		if err != nil || replayed != 0 {
			return err
		}
		r, err := tx.lockResource(ctx, cmd.ResourceID)
		if err != nil {
			return err
		}
		// SECURITY: an entry the viewer may not see does not exist for it.
		if r == nil || !domain.ResourceScopeFor(v).Contains(r) {
			return domain.Errorf(domain.ENotFound, "no Resource %s", domain.NodeID(domain.KindResource, cmd.ResourceID))
		}
		if err := domain.MayAct(v, cmd.Event, r.SourceDepartmentID); err != nil {
			return err
		}
		if cmd.ExpectedVersion != nil && *cmd.ExpectedVersion != r.Version {
			return domain.Errorf(domain.EConflict, "%s is at version %d, not %d: someone changed it since you loaded it; reload it and apply your change again",
				r.Code, r.Version, *cmd.ExpectedVersion)
		}
		from := domain.WorkflowState{Status: r.Status, Revision: r.RevisionStatus}
		to, err := domain.Transition(from, cmd.Event)
		if err != nil {
			return err
		}
		live, err := tx.entryOf(ctx, r)
		if err != nil {
			return err
		}
		// The content under work: the pending revision of a published
		// entry, else the entry itself.
		current := live
		if r.Revision != nil {
			current = *r.Revision
		}
		ch := stateChange{to: to, review: r.Review, reviewNotes: r.ReviewNotes, filing: r.NoneShareFiling}
		var (
			action  = cmd.Event.Action()
			changes []domain.FieldChange
			content = current
		)
		switch cmd.Event {
		case domain.EventUpdate:
			e := *cmd.Entry
			e.DefaultDepartments(r.SourceDepartmentID)
			if r.PublishedAt != nil && e.Code != live.Code {
				return domain.Errorf(domain.EInvalid, "the code of a published entry cannot change (it is how other systems refer to it): keep %s", live.Code)
			}
			ec, err := tx.entryContext(ctx, r.SourceDepartmentID, r.ID, e)
			if err != nil {
				return err
			}
			if err := domain.ValidateEntry(e, ec, false); err != nil {
				return err
			}
			changes, content = domain.DiffEntries(current, e), e
			if len(changes) == 0 && to == from {
				return tx.settleKey(ctx, v, cmd.IdempotencyKey, r.ID) // nothing to record
			}
			if to.Status == domain.StatusPublished {
				ch.revision = &e
				action = domain.ActionRevised
			} else if err := tx.writeEntry(ctx, r.ID, e); err != nil {
				return err
			}
		case domain.EventSubmit:
			ec, err := tx.entryContext(ctx, r.SourceDepartmentID, r.ID, current)
			if err != nil {
				return err
			}
			if err := domain.ValidateEntry(current, ec, true); err != nil {
				return err
			}
			policy, cal, err := db.rulesIn(ctx, tx, r.SourceDepartment.RegionCode, cmd.Policy)
			if err != nil {
				return err
			}
			d, err := policy.Deadline(cal, domain.DeadlineCatalogueReview, now)
			if err != nil {
				return err
			}
			ch.review, ch.revision = &d, r.Revision
		case domain.EventApprove:
			if r.Revision != nil {
				changes = domain.DiffEntries(live, current)
				if err := tx.writeEntry(ctx, r.ID, current); err != nil {
					return err
				}
			}
			ch.review, ch.publish = nil, true
			ch.reviewNotes = appendNote(r.ReviewNotes, now, "approved", cmd.Comment)
			ch.filing = ""
			if current.ShareType == domain.ShareNone {
				// MZ 10, WZ 15(3): recorded as filed with the authority.
				ch.filing = domain.NoneShareFiling(domain.DateOf(now), r.Version+1, current.LegalBasis)
			}
		case domain.EventReturn:
			if strings.TrimSpace(cmd.Comment) == "" {
				return domain.Errorf(domain.EInvalid, "say what the department should change: a returned entry needs a comment")
			}
			ch.review, ch.revision = nil, r.Revision
			ch.reviewNotes = appendNote(r.ReviewNotes, now, "returned", cmd.Comment)
		case domain.EventRetire:
			if strings.TrimSpace(cmd.Comment) == "" {
				return domain.Errorf(domain.EInvalid, "say why the entry is retired: retiring needs a reason (it is kept, WZ 35)")
			}
			ch.review, content = nil, live
			if r.Revision != nil {
				changes = []domain.FieldChange{{Field: "revision", Before: string(r.RevisionStatus), After: "discarded"}}
			}
		}
		if to.Revision == domain.RevisionNone {
			ch.revision = nil
		}
		ch.version = r.Version + 1
		if err := tx.setState(ctx, r.ID, ch, now); err != nil {
			return err
		}
		if err := tx.addVersion(ctx, r.ID, ch.version, action, domain.ActorOf(v), strings.TrimSpace(cmd.Comment), to, changes, content); err != nil {
			return err
		}
		if d := r.Review; d != nil && (cmd.Event == domain.EventApprove || cmd.Event == domain.EventReturn) {
			// MZ 8, NY 22, WZ 11: the review is kept with its deadline, which
			// the entry's row forgets, for the evaluation (NY 59, WZ 40).
			if _, err := tx.tx.Exec(ctx, `INSERT INTO catalogue_reviews (resource_id, version, department_id, submitted_at, due_at, decided_at, outcome)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, ch.version, r.SourceDepartmentID, d.Start, d.DueAt, now, action); err != nil {
				return mapError(err)
			}
		}
		if cmd.Event == domain.EventSubmit {
			// MZ 8, QY 8, NY 22, WZ 11: submitting an update meets the
			// department's open catalogue change obligations.
			if err := tx.meetObligations(ctx, r.SourceDepartmentID, r.ID, ch.version, now); err != nil {
				return err
			}
		}
		return tx.settleKey(ctx, v, cmd.IdempotencyKey, r.ID)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.ResourcesByID, domain.ResourceScope{All: true}, cmd.ResourceID, "resource")
}

func appendNote(notes string, at time.Time, what, comment string) string {
	line := fmt.Sprintf("%s %s", domain.DateOf(at), what)
	if c := strings.TrimSpace(comment); c != "" {
		line += ": " + c
	}
	if notes == "" {
		return line
	}
	return notes + "\n" + line
}

// stateChange is what a workflow event writes besides the content.
type stateChange struct {
	to          domain.WorkflowState
	version     int
	revision    *domain.Entry
	review      *domain.Deadline
	publish     bool
	reviewNotes string
	filing      string
}

func (tx *Tx) setState(ctx context.Context, id int64, c stateChange, now time.Time) error {
	var (
		revStatus                 *string
		dueDate, dueAt, submitted *time.Time
		days                      *int
		citation                  *string
		calRev                    *int64
		revision                  []byte
		err                       error
	)
	if c.to.Revision != domain.RevisionNone {
		s := string(c.to.Revision)
		revStatus = &s
		if revision, err = json.Marshal(c.revision); err != nil {
			return err
		}
	}
	if d := c.review; d != nil {
		due := time.Date(d.Due.Year, d.Due.Month, d.Due.Day, 0, 0, 0, 0, time.UTC)
		dueDate, dueAt, submitted, days, citation, calRev = &due, &d.DueAt, &d.Start, &d.Days, &d.Citation, &d.Revision
	}
	_, err = tx.tx.Exec(ctx, `UPDATE resources SET status = $2::resource_status, version = $3,
		revision_status = $4::revision_status, revision = $5::jsonb, submitted_at = $6, review_due_date = $7,
		review_due_at = $8, review_days = $9, review_citation = $10, review_calendar_revision = $11,
		published_at = CASE WHEN $12 THEN coalesce(published_at, $13) ELSE published_at END,
		review_notes = $14, none_share_filing = $15, updated_at = $13
		WHERE id = $1`,
		id, string(c.to.Status), c.version, revStatus, nullJSON(revision), submitted, dueDate, dueAt, days, citation, calRev,
		c.publish, now, c.reviewNotes, c.filing)
	return mapError(err)
}

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// lockResource loads the entry for update, or nil when there is none.
func (tx *Tx) lockResource(ctx context.Context, id int64) (*domain.Resource, error) {
	r, err := scanResource(tx.tx.QueryRow(ctx, "SELECT "+resourceColumns+resourceFrom+" WHERE r.id = $1 FOR UPDATE OF r", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock resource %d: %w", id, err)
	}
	return r, nil
}

// entryOf is the content of r as stored: its row, items in use and
// elements.
func (tx *Tx) entryOf(ctx context.Context, r *domain.Resource) (domain.Entry, error) {
	rows, err := tx.tx.Query(ctx, "SELECT "+itemColumns+" FROM data_items i WHERE i.resource_id = $1 AND i.removed_at IS NULL ORDER BY i.position", r.ID)
	if err != nil {
		return domain.Entry{}, fmt.Errorf("entry items: %w", err)
	}
	items, err := pgx.CollectRows(rows, scanItem)
	if err != nil {
		return domain.Entry{}, fmt.Errorf("entry items: %w", err)
	}
	rows, err = tx.tx.Query(ctx, "SELECT data_element_id FROM resource_data_elements WHERE resource_id = $1", r.ID)
	if err != nil {
		return domain.Entry{}, fmt.Errorf("entry elements: %w", err)
	}
	elements, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return domain.Entry{}, fmt.Errorf("entry elements: %w", err)
	}
	return domain.EntryOf(r, items, elements), nil
}

// entryContext gathers what ValidateEntry needs about e of resource id
// (0: a new entry) of department source.
func (tx *Tx) entryContext(ctx context.Context, source, id int64, e domain.Entry) (domain.EntryContext, error) {
	c := domain.EntryContext{SourceDepartmentID: source, ElementSources: map[int64]int64{}, KnownDepartments: map[int64]bool{}}
	rows, err := tx.tx.Query(ctx, "SELECT id, source_department_id FROM data_elements WHERE id = ANY($1)", e.DataElementIDs)
	if err != nil {
		return c, fmt.Errorf("entry context: %w", err)
	}
	var eid, src int64
	if _, err := pgx.ForEachRow(rows, []any{&eid, &src}, func() error { c.ElementSources[eid] = src; return nil }); err != nil {
		return c, fmt.Errorf("entry context: %w", err)
	}
	depts := []int64{e.CollectingDepartmentID, e.ApprovingDepartmentID, e.ProvidingDepartmentID}
	rows, err = tx.tx.Query(ctx, "SELECT id FROM departments WHERE id = ANY($1)", depts)
	if err != nil {
		return c, fmt.Errorf("entry context: %w", err)
	}
	var did int64
	if _, err := pgx.ForEachRow(rows, []any{&did}, func() error { c.KnownDepartments[did] = true; return nil }); err != nil {
		return c, fmt.Errorf("entry context: %w", err)
	}
	if id != 0 {
		err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM theme_database_resources t
			JOIN theme_databases d ON d.id = t.theme_database_id WHERE t.resource_id = $1 AND d.kind = 'BASE')`, id).Scan(&c.InBaseDatabase)
		if err != nil {
			return c, fmt.Errorf("entry context: %w", err)
		}
	}
	return c, nil
}

// writeEntry stores e as the content of resource id: the row's columns,
// its items (matched by name, so grants naming an item keep it; items
// dropped are marked removed, never deleted) and its data elements.
func (tx *Tx) writeEntry(ctx context.Context, id int64, e domain.Entry) error {
	modes := make([]string, len(e.ShareModes))
	for i, m := range e.ShareModes {
		modes[i] = string(m)
	}
	_, err := tx.tx.Exec(ctx, `UPDATE resources SET code = $2, name = $3, summary = $4, classification = $5, format = $6,
		update_frequency = $7::update_frequency, share_type = $8::share_type, share_conditions = $9, share_scope = $10,
		share_modes = $11::share_mode[], open_type = $12::open_type, open_conditions = $13, legal_basis = $14,
		collecting_department_id = $15, approving_department_id = $16, providing_department_id = $17,
		contact_person = $18, contact_phone = $19, share_endpoint = $20, open_download_url = $21, open_api_url = $22
		WHERE id = $1`,
		id, e.Code, placeholder(e.Name), e.Summary, e.Classification, e.Format, string(e.UpdateFrequency), string(e.ShareType),
		e.ShareConditions, e.ShareScope, modes, string(e.OpenType), e.OpenConditions, e.LegalBasis,
		e.CollectingDepartmentID, e.ApprovingDepartmentID, e.ProvidingDepartmentID,
		e.ContactPerson, e.ContactPhone, e.ShareEndpoint, e.OpenDownloadURL, e.OpenAPIURL)
	if err != nil {
		return mapError(err)
	}
	names := make([]string, len(e.Items))
	for i, it := range e.Items {
		names[i] = it.Name
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE data_items SET removed_at = now()
		WHERE resource_id = $1 AND removed_at IS NULL AND NOT (name = ANY($2))`, id, names); err != nil {
		return mapError(err)
	}
	for i, it := range e.Items {
		_, err := tx.tx.Exec(ctx, `INSERT INTO data_items (resource_id, position, name, data_type, description, personal)
			VALUES ($1, $2, $3, $4::data_type, $5, $6)
			ON CONFLICT (resource_id, name) WHERE removed_at IS NULL
			DO UPDATE SET position = EXCLUDED.position, data_type = EXCLUDED.data_type,
				description = EXCLUDED.description, personal = EXCLUDED.personal`,
			id, i+1, it.Name, string(it.DataType), it.Description, it.Personal)
		if err != nil {
			return mapError(err)
		}
	}
	if _, err := tx.tx.Exec(ctx, `DELETE FROM resource_data_elements WHERE resource_id = $1 AND NOT (data_element_id = ANY($2))`,
		id, e.DataElementIDs); err != nil {
		return mapError(err)
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO resource_data_elements (resource_id, data_element_id, source_department_id)
		SELECT $1, unnest($2::bigint[]), source_department_id FROM resources WHERE id = $1
		ON CONFLICT DO NOTHING`, id, e.DataElementIDs)
	return mapError(err)
}

func (tx *Tx) addVersion(ctx context.Context, id int64, version int, action string, a domain.Actor, comment string,
	s domain.WorkflowState, changes []domain.FieldChange, content domain.Entry) error {
	if changes == nil {
		changes = []domain.FieldChange{}
	}
	var dept *int64
	if a.DepartmentID != 0 {
		dept = &a.DepartmentID
	}
	var rev *string
	if s.Revision != domain.RevisionNone {
		r := string(s.Revision)
		rev = &r
	}
	_, err := tx.tx.Exec(ctx, `INSERT INTO resource_versions (resource_id, version, action, actor_subject, actor_role,
		actor_department_id, comment, status, revision_status, changes, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::resource_status, $9::revision_status, $10, $11)`,
		id, version, action, a.Subject, string(a.Role), dept, comment, string(s.Status), rev, changes, content)
	return mapError(err)
}

// claimKey records an idempotency key for this actor and input. A key
// seen before with the same operation and input returns the ID of the row
// the first call produced or changed (replayed != 0); with another input it is a
// CONFLICT. A concurrent retry waits on the first call's row lock and
// then replays it. No key: nothing to do.
func (tx *Tx) claimKey(ctx context.Context, v domain.Viewer, key, operation string, input any) (replayed int64, err error) {
	if key == "" {
		return 0, nil
	}
	if len(key) > 200 {
		return 0, domain.Errorf(domain.EInvalid, "an idempotency key is at most 200 characters")
	}
	b, err := json.Marshal(input)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(append([]byte(operation+"\x00"), b...))
	actor := domain.ActorOf(v).Key()
	tag, err := tx.tx.Exec(ctx, `INSERT INTO idempotency_keys (actor, key, operation, input_hash)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, actor, key, operation, sum[:])
	if err != nil {
		return 0, mapError(err)
	}
	if tag.RowsAffected() == 1 {
		return 0, nil
	}
	var (
		op   string
		hash []byte
		rid  *int64
	)
	if err := tx.tx.QueryRow(ctx, `SELECT operation, input_hash, result_id FROM idempotency_keys WHERE actor = $1 AND key = $2`,
		actor, key).Scan(&op, &hash, &rid); err != nil {
		return 0, fmt.Errorf("idempotency key: %w", err)
	}
	if op != operation || !bytes.Equal(hash, sum[:]) || rid == nil {
		return 0, domain.Errorf(domain.EConflict, "idempotency key %q was used for a different request (%s): use a new key for a new request", key, op)
	}
	// The replay's audit event says it changed nothing.
	if rec := domain.AuditFrom(ctx); rec != nil {
		rec.Note("replayOf", *rid)
		rec.Note("idempotencyKey", key)
	}
	return *rid, nil
}

// settleKey records the ID of the row a keyed call produced or changed.
func (tx *Tx) settleKey(ctx context.Context, v domain.Viewer, key string, resultID int64) error {
	if key == "" {
		return nil
	}
	_, err := tx.tx.Exec(ctx, `UPDATE idempotency_keys SET result_id = $3 WHERE actor = $1 AND key = $2`,
		domain.ActorOf(v).Key(), key, resultID)
	return mapError(err)
}

// ResourceVersionsOf lists each resource's versions, oldest first.
func (db *DB) ResourceVersionsOf(ctx context.Context, resourceIDs []int64) (map[int64][]*domain.ResourceVersion, error) {
	rows, err := db.pool.Query(ctx, `SELECT resource_id, version, action, actor_subject, actor_role,
		coalesce(actor_department_id, 0), at, comment, status::text, coalesce(revision_status::text, ''), changes
		FROM resource_versions WHERE resource_id = ANY($1) ORDER BY resource_id, version`, resourceIDs)
	if err != nil {
		return nil, fmt.Errorf("resource versions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.ResourceVersion, error) {
		var v domain.ResourceVersion
		err := row.Scan(&v.ResourceID, &v.Version, &v.Action, &v.Actor.Subject, &v.Actor.Role, &v.Actor.DepartmentID,
			&v.At, &v.Comment, &v.State.Status, &v.State.Revision, &v.Changes)
		return &v, err
	})
	if err != nil {
		return nil, fmt.Errorf("resource versions: %w", err)
	}
	m := make(map[int64][]*domain.ResourceVersion, len(resourceIDs))
	for _, v := range list {
		m[v.ResourceID] = append(m[v.ResourceID], v)
	}
	return m, nil
}
