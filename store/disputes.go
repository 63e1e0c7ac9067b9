package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const disputeColumns = `d.id, d.kind::text, d.status, d.resource_id, d.source_department_id,
	d.opened_subject, d.opened_role, coalesce(d.opened_department_id, 0), d.opened_at, d.closed_at,
	d.due_date, d.due_days, d.due_citation, d.calendar_revision,
	d.extended_at, d.extension_days, d.extension_reason, d.extension_approved_by,
	d.item_ids, d.description, d.subject, coalesce(d.reporter_department_id, 0), d.reporter_person,
	coalesce(d.finding, ''), d.verified_at, d.verification_note,
	d.correct_due_date, d.correct_due_days, d.correct_due_citation, d.correct_calendar_revision,
	d.corrected_at, d.correction_note,
	coalesce(d.request_id, 0), coalesce(d.requester_department_id, 0), coalesce(d.step, ''), d.resolution,
	d.decision_reference, d.grant_ordered,
	d.objection, d.proposed_correction, d.answered_at, d.reason, d.basis, coalesce(d.obligation_id, 0)`

const disputeFrom = "disputes d"

// scanDispute reads a row of disputeColumns into the type of its kind.
func scanDispute(row pgx.CollectableRow) (domain.DisputeRecord, error) {
	var (
		b                      domain.Dispute
		kind                   string
		dueDate, correctDate   *time.Time
		dueDays, correctDays   *int
		dueCit, correctCit     *string
		dueRev, correctRev     *int64
		extAt                  *time.Time
		extDays                *int
		extReason, extApprover string
		e                      domain.DataError
		s                      domain.SharingDispute
		o                      domain.OpenObjection
		finding, step          string
	)
	err := row.Scan(&b.ID, &kind, &b.Status, &b.ResourceID, &b.SourceDepartmentID,
		&b.OpenedBy.Subject, &b.OpenedBy.Role, &b.OpenedBy.DepartmentID, &b.OpenedAt, &b.ClosedAt,
		&dueDate, &dueDays, &dueCit, &dueRev,
		&extAt, &extDays, &extReason, &extApprover,
		&e.ItemIDs, &e.Description, &e.Subject, &e.ReporterDepartmentID, &e.ReporterPerson,
		&finding, &e.VerifiedAt, &e.VerificationNote,
		&correctDate, &correctDays, &correctCit, &correctRev,
		&e.CorrectedAt, &e.CorrectionNote,
		&s.RequestID, &s.RequesterDepartmentID, &step, &s.Resolution, &s.DecisionReference, &s.GrantOrdered,
		&o.Objection, &o.ProposedCorrection, &o.AnsweredAt, &o.Reason, &o.Basis, &o.ObligationID)
	if err != nil {
		return nil, err
	}
	b.Kind = domain.DisputeKind(kind)
	deadline := func(k domain.DeadlineKind, start time.Time, date *time.Time, days *int, cit *string, rev *int64) *domain.Deadline {
		if date == nil || rev == nil {
			return nil
		}
		due := dateOfColumn(*date)
		return &domain.Deadline{Kind: k, Start: start, Due: due, DueAt: due.EndOfDay(), Days: deref(days), Citation: deref(cit), Revision: *rev}
	}
	var ext *domain.Extension
	if extAt != nil {
		ext = &domain.Extension{At: *extAt, Days: deref(extDays), Reason: extReason, ApprovedBy: extApprover}
	}
	switch b.Kind {
	case domain.DisputeDataError:
		e.Dispute = b
		if d := deadline(domain.DeadlineErrorVerify, b.OpenedAt, dueDate, dueDays, dueCit, dueRev); d != nil {
			e.VerifyDeadline = *d
		}
		e.Extension, e.Finding = ext, domain.Finding(finding)
		if e.VerifiedAt != nil {
			e.CorrectDeadline = deadline(domain.DeadlineErrorCorrect, *e.VerifiedAt, correctDate, correctDays, correctCit, correctRev)
		}
		switch e.Status {
		case domain.DisputeAwaitingVerification:
			e.Due = &e.VerifyDeadline
		case domain.DisputeAwaitingCorrection:
			e.Due = e.CorrectDeadline
		}
		return &e, nil
	case domain.DisputeSharing:
		s.Dispute, s.Step = b, domain.SharingStep(step)
		return &s, nil
	default:
		o.Dispute, o.Objector = b, b.OpenedBy.Subject
		if d := deadline(domain.DeadlineOpenObjection, b.OpenedAt, dueDate, dueDays, dueCit, dueRev); d != nil {
			o.AnswerDeadline = *d
		}
		o.Extension = ext
		if o.Status == domain.DisputeAwaitingAnswer {
			o.Due = &o.AnswerDeadline
		}
		return &o, nil
	}
}

// disputeScope adds the rows filter of a dispute scope.
func (q *query) disputeScope(s domain.DisputeScope) {
	switch {
	case s.All:
	case s.Person != "":
		q.and("d.opened_role = 'PERSON' AND d.opened_subject = " + q.arg(s.Person))
	default:
		p := q.arg(s.DepartmentID)
		// The users of an entry see the data errors reported on it, so they
		// know it is being checked (WZ 23).
		parties := "d.source_department_id = " + p + " OR d.opened_department_id = " + p + " OR d.requester_department_id = " + p
		if s.PartiesOnly {
			q.and("(" + parties + ")")
			return
		}
		q.and("(" + parties + " OR d.kind = 'DATA_ERROR' AND EXISTS (SELECT 1 FROM grants g WHERE g.resource_id = d.resource_id AND g.department_id = " + p +
			" AND g.status = 'ACTIVE'))")
	}
}

// disputeEvent records an action on a dispute in its history.
func (tx *Tx) disputeEvent(ctx context.Context, id int64, v domain.Viewer, action string, from, to domain.DisputeStatus, note string, now time.Time) error {
	a := domain.ActorOf(v)
	_, err := tx.tx.Exec(ctx, `INSERT INTO dispute_events (dispute_id, at, subject, role, department_id, action, from_status, to_status, note)
		VALUES ($1, $2, $3, $4, nullif($5::bigint, 0), $6, $7, $8, $9)`,
		id, now, a.Subject, string(a.Role), a.DepartmentID, action, string(from), string(to), strings.TrimSpace(note))
	if err != nil {
		return mapError(err)
	}
	return tx.notifyDispute(ctx, id)
}

// ReportDataError files a report of wrong data with its evidence, due for
// the source's verification under its region's profile.
func (db *DB) ReportDataError(ctx context.Context, v domain.Viewer, in domain.DataErrorInput, deployment domain.Profile, key string, now time.Time) (*domain.DataError, error) {
	in.Description, in.Subject = strings.TrimSpace(in.Description), strings.TrimSpace(in.Subject)
	for i := range in.Links {
		in.Links[i] = strings.TrimSpace(in.Links[i])
	}
	// The key's input names the files by their hashes, not their bytes.
	keyed := struct {
		ResourceID  int64
		ItemIDs     []int64
		Description string
		Subject     string
		Links       []string
		Files       []string
	}{in.ResourceID, in.ItemIDs, in.Description, in.Subject, in.Links, nil}
	sums := make([][]byte, len(in.Files))
	for i, f := range in.Files {
		sum := sha256.Sum256(f.Content)
		sums[i] = sum[:]
		keyed.Files = append(keyed.Files, f.FileName+":"+hex.EncodeToString(sum[:]))
	}
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, key, "reportDataError", keyed)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		r, rr, err := tx.requestedResource(ctx, v, in.ResourceID)
		if err != nil {
			return err
		}
		rep := domain.ErrorReporter{SourceDepartmentID: r.SourceDepartmentID, ItemIDs: rr.ItemIDs}
		if v.Role == domain.RoleDepartment {
			err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM grants WHERE resource_id = $1 AND department_id = $2)`,
				r.ID, v.DepartmentID).Scan(&rep.HoldsGrant)
			if err != nil {
				return fmt.Errorf("reporter's grants: %w", err)
			}
		}
		// SECURITY: users of the data and data subjects only (MZ 23, MZ 35).
		if err := domain.ValidateDataErrorReport(v, in, rep); err != nil {
			return err
		}
		policy, cal, err := db.rulesIn(ctx, tx, r.SourceDepartment.RegionCode, deployment)
		if err != nil {
			return err
		}
		d, err := policy.Deadline(cal, domain.DeadlineErrorVerify, now)
		if err != nil {
			return err
		}
		items := in.ItemIDs
		if items == nil {
			items = []int64{}
		}
		var reporterDept *int64
		person, subject := "", in.Subject
		if v.Role == domain.RoleDepartment {
			reporterDept = &v.DepartmentID
		} else {
			person, subject = v.Subject, v.DataSubject
		}
		a := domain.ActorOf(v)
		err = tx.tx.QueryRow(ctx, `INSERT INTO disputes (kind, status, resource_id, source_department_id,
			opened_subject, opened_role, opened_department_id, opened_at,
			due_date, due_at, due_days, due_citation, calendar_revision,
			item_ids, description, subject, reporter_department_id, reporter_person)
			VALUES ('DATA_ERROR', 'AWAITING_VERIFICATION', $1, $2, $3, $4, nullif($5::bigint, 0), $6,
			$7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			r.ID, r.SourceDepartmentID, a.Subject, string(a.Role), a.DepartmentID, now,
			dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision,
			items, in.Description, subject, reporterDept, person).Scan(&id)
		if err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindDispute, id)
		for i, f := range in.Files {
			_, err := tx.tx.Exec(ctx, `INSERT INTO dispute_evidence (dispute_id, file_name, content_type, size, sha256, content, added_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, f.FileName, f.ContentType, len(f.Content), sums[i], f.Content, now)
			if err != nil {
				return mapError(err)
			}
		}
		for _, l := range in.Links {
			_, err := tx.tx.Exec(ctx, `INSERT INTO dispute_evidence (dispute_id, url, added_at) VALUES ($1, $2, $3)`, id, l, now)
			if err != nil {
				return mapError(err)
			}
		}
		if err := tx.disputeEvent(ctx, id, v, "REPORT", "", domain.DisputeAwaitingVerification, in.Description, now); err != nil {
			return err
		}
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	rec, err := changed(ctx, db.DisputesByID, domain.DisputeScope{All: true}, id, "data error")
	if err != nil {
		return nil, err
	}
	e, ok := rec.(*domain.DataError)
	if !ok {
		return nil, domain.Errorf(domain.EConflict, "idempotency key %q was used for another kind of dispute", key)
	}
	return e, nil
}

// OpenSharingDispute opens the negotiation of a refused or overdue share
// request (MZ 42, WZ 20) with the requester's position.
func (db *DB) OpenSharingDispute(ctx context.Context, v domain.Viewer, requestID int64, position, key string, now time.Time) (*domain.SharingDispute, error) {
	position = strings.TrimSpace(position)
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, key, "openSharingDispute", []any{requestID, position})
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		rows, err := tx.tx.Query(ctx, "SELECT "+requestColumns+" FROM share_requests sr WHERE sr.id = $1 FOR UPDATE", requestID)
		if err != nil {
			return fmt.Errorf("lock share request: %w", err)
		}
		sr, err := pgx.CollectExactlyOneRow(rows, scanRequest)
		scope, serr := domain.RequestScopeFor(v)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (serr != nil || !scope.Contains(sr.RequesterDepartmentID) && !scope.Contains(sr.SourceDepartmentID)) {
			// SECURITY: a request outside the viewer's scope does not exist for it.
			return domain.Errorf(domain.ENotFound, "no ShareRequest %s", domain.NodeID(domain.KindShareRequest, requestID))
		}
		if err != nil {
			return fmt.Errorf("lock share request: %w", err)
		}
		var open bool
		err = tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM disputes WHERE request_id = $1 AND kind = 'SHARING' AND status = 'IN_PROGRESS')`,
			requestID).Scan(&open)
		if err != nil {
			return fmt.Errorf("open disputes of the request: %w", err)
		}
		in := domain.SharingDisputeRequest{Status: sr.Status, Overdue: sr.OverdueAt(now), Requester: sr.RequesterDepartmentID,
			Source: sr.SourceDepartmentID, OpenAlready: open}
		if err := domain.ValidateSharingDispute(v, in, position); err != nil {
			return err
		}
		a := domain.ActorOf(v)
		err = tx.tx.QueryRow(ctx, `INSERT INTO disputes (kind, status, resource_id, source_department_id,
			opened_subject, opened_role, opened_department_id, opened_at, request_id, requester_department_id, step)
			VALUES ('SHARING', 'IN_PROGRESS', $1, $2, $3, $4, $5, $6, $7, $5, 'NEGOTIATION') RETURNING id`,
			sr.ResourceID, sr.SourceDepartmentID, a.Subject, string(a.Role), a.DepartmentID, now, requestID).Scan(&id)
		if err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindDispute, id)
		if _, err := tx.tx.Exec(ctx, `INSERT INTO sharing_dispute_steps (dispute_id, step, started_at) VALUES ($1, 'NEGOTIATION', $2)`, id, now); err != nil {
			return mapError(err)
		}
		if err := tx.addPosition(ctx, id, domain.StepNegotiation, v, position, now); err != nil {
			return err
		}
		if err := tx.disputeEvent(ctx, id, v, "OPEN", "", domain.DisputeInProgress, position, now); err != nil {
			return err
		}
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	rec, err := changed(ctx, db.DisputesByID, domain.DisputeScope{All: true}, id, "sharing dispute")
	if err != nil {
		return nil, err
	}
	s, ok := rec.(*domain.SharingDispute)
	if !ok {
		return nil, domain.Errorf(domain.EConflict, "idempotency key %q was used for another kind of dispute", key)
	}
	return s, nil
}

func (tx *Tx) addPosition(ctx context.Context, id int64, step domain.SharingStep, v domain.Viewer, position string, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `INSERT INTO dispute_positions (dispute_id, step, department_id, position, subject, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, string(step), v.DepartmentID, strings.TrimSpace(position), v.Subject, now)
	return mapError(err)
}

// ObjectToOpenCatalogue files a person's objection to an entry of the open
// catalogue (NY 45), due for the source's answer under its region's profile.
func (db *DB) ObjectToOpenCatalogue(ctx context.Context, v domain.Viewer, in domain.ObjectionInput, deployment domain.Profile, key string, now time.Time) (*domain.OpenObjection, error) {
	in.Objection, in.ProposedCorrection = strings.TrimSpace(in.Objection), strings.TrimSpace(in.ProposedCorrection)
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, key, "objectToOpenCatalogue", in)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		r, _, err := tx.requestedResource(ctx, v, in.ResourceID)
		if err != nil {
			return err
		}
		if err := domain.ValidateObjection(v, in, r.Status == domain.StatusPublished); err != nil {
			return err
		}
		policy, cal, err := db.rulesIn(ctx, tx, r.SourceDepartment.RegionCode, deployment)
		if err != nil {
			return err
		}
		d, err := policy.Deadline(cal, domain.DeadlineOpenObjection, now)
		if err != nil {
			return err
		}
		err = tx.tx.QueryRow(ctx, `INSERT INTO disputes (kind, status, resource_id, source_department_id,
			opened_subject, opened_role, opened_at, due_date, due_at, due_days, due_citation, calendar_revision,
			objection, proposed_correction)
			VALUES ('OPEN_OBJECTION', 'AWAITING_ANSWER', $1, $2, $3, 'PERSON', $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			r.ID, r.SourceDepartmentID, v.Subject, now, dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision,
			in.Objection, in.ProposedCorrection).Scan(&id)
		if err != nil {
			return mapError(err)
		}
		created(ctx, domain.KindDispute, id)
		if err := tx.disputeEvent(ctx, id, v, "OBJECT", "", domain.DisputeAwaitingAnswer, in.Objection, now); err != nil {
			return err
		}
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	rec, err := changed(ctx, db.DisputesByID, domain.DisputeScope{All: true}, id, "objection")
	if err != nil {
		return nil, err
	}
	o, ok := rec.(*domain.OpenObjection)
	if !ok {
		return nil, domain.Errorf(domain.EConflict, "idempotency key %q was used for another kind of dispute", key)
	}
	return o, nil
}

// ActOnDispute applies cmd to a dispute, locked, and records it in the
// dispute's history.
func (db *DB) ActOnDispute(ctx context.Context, v domain.Viewer, cmd domain.DisputeCommand, deployment domain.Profile, now time.Time) (domain.DisputeRecord, error) {
	err := db.Tx(ctx, func(tx *Tx) error {
		if err := domain.MayMutate(v); err != nil {
			return err
		}
		replayed, err := tx.claimKey(ctx, v, cmd.IdempotencyKey, "dispute"+string(cmd.Event), cmd)
		if err != nil || replayed != 0 {
			return err
		}
		rows, err := tx.tx.Query(ctx, "SELECT "+disputeColumns+" FROM "+disputeFrom+" WHERE d.id = $1 FOR UPDATE", cmd.DisputeID)
		if err != nil {
			return fmt.Errorf("lock dispute: %w", err)
		}
		rec, err := pgx.CollectExactlyOneRow(rows, scanDispute)
		notFound := domain.Errorf(domain.ENotFound, "no Dispute %s", domain.NodeID(domain.KindDispute, cmd.DisputeID))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return fmt.Errorf("lock dispute: %w", err)
		}
		scope, err := domain.DisputeScopeFor(v)
		if err != nil {
			return notFound
		}
		if ok, err := tx.disputeInScope(ctx, scope, cmd.DisputeID); err != nil || !ok {
			if err != nil {
				return err
			}
			// SECURITY: a dispute outside the viewer's scope does not exist for it.
			return notFound
		}
		d := rec.Record()
		var requester int64
		if s, ok := rec.(*domain.SharingDispute); ok {
			requester = s.RequesterDepartmentID
		}
		if err := domain.MayActOnDispute(v, d, cmd.Event, requester); err != nil {
			return err
		}
		next, err := domain.DisputeTransition(d.Kind, d.Status, cmd.Event)
		if err != nil {
			return err
		}
		note := cmd.Note
		switch r := rec.(type) {
		case *domain.DataError:
			err = db.actOnDataError(ctx, tx, r, cmd, next, deployment, now)
		case *domain.SharingDispute:
			note, err = db.actOnSharing(ctx, tx, v, r, cmd, now)
		case *domain.OpenObjection:
			note, err = db.actOnObjection(ctx, tx, v, r, cmd, next, deployment, now)
		}
		if err != nil {
			return err
		}
		if next != d.Status || cmd.Event == domain.DisputeEventWithdraw {
			var closed *time.Time
			if !domain.DisputeOpen(next) {
				closed = &now
			}
			if _, err := tx.tx.Exec(ctx, `UPDATE disputes SET status = $2, closed_at = $3 WHERE id = $1`, d.ID, string(next), closed); err != nil {
				return mapError(err)
			}
		}
		if err := tx.disputeEvent(ctx, d.ID, v, string(cmd.Event), d.Status, next, note, now); err != nil {
			return err
		}
		return tx.settleKey(ctx, v, cmd.IdempotencyKey, d.ID)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.DisputesByID, domain.DisputeScope{All: true}, cmd.DisputeID, "dispute")
}

// disputeInScope reports whether dispute id is in scope, by the same SQL
// the lists use.
func (tx *Tx) disputeInScope(ctx context.Context, scope domain.DisputeScope, id int64) (bool, error) {
	q := &query{}
	q.disputeScope(scope)
	q.and("d.id = " + q.arg(id))
	var ok bool
	err := tx.tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+disputeFrom+q.whereSQL()+")", q.args...).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("dispute scope: %w", err)
	}
	return ok, nil
}

func (db *DB) actOnDataError(ctx context.Context, tx *Tx, e *domain.DataError, cmd domain.DisputeCommand, next domain.DisputeStatus, deployment domain.Profile, now time.Time) error {
	switch cmd.Event {
	case domain.DisputeEventExtend:
		policy, cal, err := db.rulesOf(ctx, tx, e.SourceDepartmentID, deployment)
		if err != nil {
			return err
		}
		d, err := domain.ExtendDeadline(cal, e.VerifyDeadline, policy.Rule(domain.DeadlineErrorVerify), e.Extension != nil, cmd.Days, cmd.Note, cmd.ApprovedBy)
		if err != nil {
			return err
		}
		return tx.extend(ctx, e.ID, d, d.Days-e.VerifyDeadline.Days, cmd.Note, cmd.ApprovedBy, now)
	case domain.DisputeEventConfirm, domain.DisputeEventReject:
		f := domain.FindingConfirmed
		if cmd.Event == domain.DisputeEventReject {
			f = domain.FindingRejected
		}
		if err := domain.ValidateFinding(f, cmd.Note); err != nil {
			return err
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE disputes SET finding = $2, verified_at = $3, verification_note = $4 WHERE id = $1`,
			e.ID, string(f), now, strings.TrimSpace(cmd.Note)); err != nil {
			return mapError(err)
		}
		if f == domain.FindingRejected {
			return nil
		}
		policy, cal, err := db.rulesOf(ctx, tx, e.SourceDepartmentID, deployment)
		if err != nil {
			return err
		}
		d, err := domain.CorrectionDeadline(policy, cal, now)
		if err != nil {
			return err
		}
		_, err = tx.tx.Exec(ctx, `UPDATE disputes SET correct_due_date = $2, correct_due_at = $3, correct_due_days = $4,
			correct_due_citation = $5, correct_calendar_revision = $6 WHERE id = $1`,
			e.ID, dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision)
		return mapError(err)
	case domain.DisputeEventCorrect:
		if err := domain.ValidateCorrection(cmd.Note); err != nil {
			return err
		}
		_, err := tx.tx.Exec(ctx, `UPDATE disputes SET corrected_at = $2, correction_note = $3 WHERE id = $1`, e.ID, now, strings.TrimSpace(cmd.Note))
		return mapError(err)
	}
	return nil
}

// extend records the one extension of a dispute's first deadline.
func (tx *Tx) extend(ctx context.Context, id int64, d domain.Deadline, days int, reason, approver string, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `UPDATE disputes SET due_date = $2, due_at = $3, due_days = $4, calendar_revision = $5,
		extended_at = $6, extension_days = $7, extension_reason = $8, extension_approved_by = $9 WHERE id = $1`,
		id, dateColumn(d.Due), d.DueAt, d.Days, d.Revision, now, days, strings.TrimSpace(reason), strings.TrimSpace(approver))
	return mapError(err)
}

// actOnSharing records a position, an escalation or a resolution of a
// sharing dispute; it returns the note its history keeps.
func (db *DB) actOnSharing(ctx context.Context, tx *Tx, v domain.Viewer, s *domain.SharingDispute, cmd domain.DisputeCommand, now time.Time) (string, error) {
	switch cmd.Event {
	case domain.DisputeEventPosition:
		if strings.TrimSpace(cmd.Note) == "" {
			return "", domain.Errorf(domain.EInvalid, "MZ 42: state the position (理据)")
		}
		return cmd.Note, tx.addPosition(ctx, s.ID, s.Step, v, cmd.Note, now)
	case domain.DisputeEventEscalate:
		esc := cmd.Escalation
		if err := domain.MayEscalate(v, s.Step, s.RequesterDepartmentID, s.SourceDepartmentID, esc); err != nil {
			return "", err
		}
		next, _ := domain.NextStep(s.Step)
		if err := tx.endStep(ctx, s.ID, s.Step, esc.Outcome, esc.Reasons, esc.Recommendation, now); err != nil {
			return "", err
		}
		if _, err := tx.tx.Exec(ctx, `INSERT INTO sharing_dispute_steps (dispute_id, step, started_at) VALUES ($1, $2, $3)`, s.ID, string(next), now); err != nil {
			return "", mapError(err)
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE disputes SET step = $2 WHERE id = $1`, s.ID, string(next)); err != nil {
			return "", mapError(err)
		}
		return string(s.Step) + " → " + string(next) + ": " + strings.TrimSpace(esc.Outcome), nil
	case domain.DisputeEventResolve:
		res := cmd.Resolution
		if err := domain.MayResolve(v, s.Step, s.SourceDepartmentID, res); err != nil {
			return "", err
		}
		if err := tx.endStep(ctx, s.ID, s.Step, res.Outcome, "", "", now); err != nil {
			return "", err
		}
		if res.Grant {
			if err := tx.orderGrant(ctx, s, res.Terms, now); err != nil {
				return "", err
			}
		}
		_, err := tx.tx.Exec(ctx, `UPDATE disputes SET resolution = $2, decision_reference = $3, grant_ordered = $4 WHERE id = $1`,
			s.ID, strings.TrimSpace(res.Outcome), strings.TrimSpace(res.DecisionReference), res.Grant)
		return res.Outcome, mapError(err)
	case domain.DisputeEventWithdraw:
		return cmd.Note, tx.endStep(ctx, s.ID, s.Step, "withdrawn: "+strings.TrimSpace(cmd.Note), "", "", now)
	}
	return cmd.Note, nil
}

func (tx *Tx) endStep(ctx context.Context, id int64, step domain.SharingStep, outcome, reasons, recommendation string, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `UPDATE sharing_dispute_steps SET ended_at = $3, outcome = $4, reasons = $5, recommendation = $6
		WHERE dispute_id = $1 AND step = $2`, id, string(step), now, strings.TrimSpace(outcome), strings.TrimSpace(reasons), strings.TrimSpace(recommendation))
	return mapError(err)
}

// orderGrant grants the dispute's request through the request workflow
// (EventOrderGrant, MZ 42): the terms of domain.OrderedTerms, checked
// against the entry as it is now, the request marked as ordered by the
// dispute.
func (tx *Tx) orderGrant(ctx context.Context, s *domain.SharingDispute, terms domain.ShareTerms, now time.Time) error {
	rows, err := tx.tx.Query(ctx, "SELECT "+requestColumns+" FROM share_requests sr WHERE sr.id = $1 FOR UPDATE", s.RequestID)
	if err != nil {
		return fmt.Errorf("lock share request: %w", err)
	}
	sr, err := pgx.CollectExactlyOneRow(rows, scanRequest)
	if err != nil {
		return fmt.Errorf("lock share request: %w", err)
	}
	next, err := domain.RequestTransition(sr.Status, domain.EventOrderGrant, sr.Asked.Mode)
	if err != nil {
		return err
	}
	granted, err := domain.OrderedTerms(s.Step, sr.Asked, terms, domain.DateOf(now))
	if err != nil {
		return err
	}
	_, rr, err := tx.requestedResource(ctx, domain.Viewer{Role: domain.RoleAuthority}, sr.ResourceID)
	if err != nil {
		return err
	}
	if err := domain.ValidateGrantTerms(granted, rr, domain.DateOf(now)); err != nil {
		return err
	}
	_, err = tx.tx.Exec(ctx, `UPDATE share_requests SET status = $2::share_request_status, ordered_by_dispute_id = $3,
		decided_item_ids = $4, decided_mode = $5::share_mode, decided_until = $6 WHERE id = $1`,
		sr.ID, string(next), s.ID, granted.ItemIDs, string(granted.Mode), dateColumn(granted.Until))
	if err != nil {
		return mapError(err)
	}
	if err := tx.grant(ctx, sr.ID, sr.ResourceID, sr.RequesterDepartmentID, sr.Scenario, sr.Purpose, granted, now); err != nil {
		return err
	}
	return tx.notifyRequest(ctx, sr.ID)
}

// actOnObjection answers or extends an objection; an accepted one opens a
// catalogue change obligation for the entry (NY 45).
func (db *DB) actOnObjection(ctx context.Context, tx *Tx, v domain.Viewer, o *domain.OpenObjection, cmd domain.DisputeCommand, next domain.DisputeStatus, deployment domain.Profile, now time.Time) (string, error) {
	switch cmd.Event {
	case domain.DisputeEventExtend:
		policy, cal, err := db.rulesOf(ctx, tx, o.SourceDepartmentID, deployment)
		if err != nil {
			return "", err
		}
		d, err := domain.ExtendDeadline(cal, o.AnswerDeadline, policy.Rule(domain.DeadlineOpenObjection), o.Extension != nil, cmd.Days, cmd.Note, cmd.ApprovedBy)
		if err != nil {
			return "", err
		}
		return cmd.Note, tx.extend(ctx, o.ID, d, d.Days-o.AnswerDeadline.Days, cmd.Note, cmd.ApprovedBy, now)
	case domain.DisputeEventReject:
		if err := domain.ValidateObjectionRefusal(cmd.Reason, cmd.Basis); err != nil {
			return "", err
		}
		_, err := tx.tx.Exec(ctx, `UPDATE disputes SET answered_at = $2, reason = $3, basis = $4 WHERE id = $1`,
			o.ID, now, strings.TrimSpace(cmd.Reason), strings.TrimSpace(cmd.Basis))
		return cmd.Reason, mapError(err)
	case domain.DisputeEventAccept:
		var code string
		if err := tx.tx.QueryRow(ctx, `SELECT code FROM resources WHERE id = $1`, o.ResourceID).Scan(&code); err != nil {
			return "", fmt.Errorf("objected resource: %w", err)
		}
		in := domain.ObjectionChange(o.ID, code, o.ProposedCorrection, domain.DateOf(now))
		in.DepartmentID = o.SourceDepartmentID
		policy, cal, err := db.rulesOf(ctx, tx, o.SourceDepartmentID, deployment)
		if err != nil {
			return "", err
		}
		d, err := domain.ChangeObligationDeadline(policy, cal, in.OccurredOn)
		if err != nil {
			return "", err
		}
		obligation, err := tx.insertObligation(ctx, v, in, o.ResourceID, d, now)
		if err != nil {
			return "", err
		}
		_, err = tx.tx.Exec(ctx, `UPDATE disputes SET answered_at = $2, reason = $3, obligation_id = $4 WHERE id = $1`,
			o.ID, now, strings.TrimSpace(cmd.Reason), obligation)
		return cmd.Reason, mapError(err)
	}
	return cmd.Note, nil
}

// Disputes lists the disputes in scope, newest first.
func (db *DB) Disputes(ctx context.Context, scope domain.DisputeScope, f domain.DisputeCriteria, p domain.PageArgs) (*domain.Page[domain.DisputeRecord], error) {
	q := &query{}
	q.disputeScope(scope)
	if f.Kind != "" {
		q.and("d.kind = " + q.label(string(f.Kind), "dispute_kind"))
	}
	if f.Status != "" {
		q.and("d.status = " + q.label(string(f.Status), ""))
	}
	if f.Open != nil {
		cond := "d.status IN ('AWAITING_VERIFICATION', 'AWAITING_CORRECTION', 'IN_PROGRESS', 'AWAITING_ANSWER')"
		if !*f.Open {
			cond = "NOT (" + cond + ")"
		}
		q.and(cond)
	}
	if f.DepartmentID != 0 {
		p := q.arg(f.DepartmentID)
		q.and("(d.source_department_id = " + p + " OR d.opened_department_id = " + p + " OR d.requester_department_id = " + p + ")")
	}
	if f.ResourceID != 0 {
		q.and("d.resource_id = " + q.arg(f.ResourceID))
	}
	if !f.OverdueAt.IsZero() {
		q.and("d.current_due_at < " + q.arg(f.OverdueAt))
	}
	return newestFirst(ctx, db, q, p, disputeFrom, "d", disputeColumns, scanDispute, func(d domain.DisputeRecord) int64 { return d.Record().ID })
}

// DisputesByID returns the disputes among ids in scope.
func (db *DB) DisputesByID(ctx context.Context, scope domain.DisputeScope, ids []int64) (map[int64]domain.DisputeRecord, error) {
	q := &query{}
	q.disputeScope(scope)
	return byID(ctx, db, q, ids, disputeFrom, "d", disputeColumns, scanDispute, func(d domain.DisputeRecord) int64 { return d.Record().ID })
}

// EvidenceOf lists each dispute's evidence, without the files' content,
// in the order it was added.
func (db *DB) EvidenceOf(ctx context.Context, disputeIDs []int64) (map[int64][]*domain.Evidence, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, dispute_id, file_name, content_type, size, sha256, url, added_at
		FROM dispute_evidence WHERE dispute_id = ANY($1) ORDER BY dispute_id, id`, disputeIDs)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Evidence, error) {
		var e domain.Evidence
		err := row.Scan(&e.ID, &e.DisputeID, &e.FileName, &e.ContentType, &e.Size, &e.SHA256, &e.URL, &e.AddedAt)
		return &e, err
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return groupBy(list, func(e *domain.Evidence) int64 { return e.DisputeID }), nil
}

// EvidenceFile returns an uploaded file of a dispute in scope, with its
// content, or NOT_FOUND.
func (db *DB) EvidenceFile(ctx context.Context, scope domain.DisputeScope, id int64) (*domain.Evidence, []byte, error) {
	q := &query{}
	q.disputeScope(scope)
	q.and("e.id = " + q.arg(id))
	q.and("e.url = ''")
	var (
		e       domain.Evidence
		content []byte
	)
	err := db.pool.QueryRow(ctx, `SELECT e.id, e.dispute_id, e.file_name, e.content_type, e.size, e.sha256, e.added_at, e.content
		FROM dispute_evidence e JOIN disputes d ON d.id = e.dispute_id`+q.whereSQL(), q.args...).
		Scan(&e.ID, &e.DisputeID, &e.FileName, &e.ContentType, &e.Size, &e.SHA256, &e.AddedAt, &content)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, domain.Errorf(domain.ENotFound, "no Evidence %s", domain.NodeID(domain.KindEvidence, id))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("evidence file: %w", err)
	}
	return &e, content, nil
}

// DisputeHistoryOf lists each dispute's actions, oldest first.
func (db *DB) DisputeHistoryOf(ctx context.Context, disputeIDs []int64) (map[int64][]*domain.DisputeAction, error) {
	rows, err := db.pool.Query(ctx, `SELECT dispute_id, at, subject, role, coalesce(department_id, 0), action, from_status, to_status, note
		FROM dispute_events WHERE dispute_id = ANY($1) ORDER BY dispute_id, id`, disputeIDs)
	if err != nil {
		return nil, fmt.Errorf("dispute history: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.DisputeAction, error) {
		var a domain.DisputeAction
		err := row.Scan(&a.DisputeID, &a.At, &a.By.Subject, &a.By.Role, &a.By.DepartmentID, &a.Action, &a.From, &a.To, &a.Note)
		return &a, err
	})
	if err != nil {
		return nil, fmt.Errorf("dispute history: %w", err)
	}
	return groupBy(list, func(a *domain.DisputeAction) int64 { return a.DisputeID }), nil
}

// SharingStepsOf lists each sharing dispute's steps in order, with the
// positions stated at each.
func (db *DB) SharingStepsOf(ctx context.Context, disputeIDs []int64) (map[int64][]*domain.SharingStepRecord, error) {
	rows, err := db.pool.Query(ctx, `SELECT s.dispute_id, s.step, s.started_at, s.ended_at, s.outcome, s.reasons, s.recommendation,
		coalesce((SELECT json_agg(json_build_object('departmentId', p.department_id, 'text', p.position, 'subject', p.subject, 'at', p.at) ORDER BY p.id)
			FROM dispute_positions p WHERE p.dispute_id = s.dispute_id AND p.step = s.step), '[]')
		FROM sharing_dispute_steps s WHERE s.dispute_id = ANY($1) ORDER BY s.dispute_id, s.started_at, array_position($2::text[], s.step)`,
		disputeIDs, stepNames())
	if err != nil {
		return nil, fmt.Errorf("sharing dispute steps: %w", err)
	}
	type position struct {
		DepartmentID int64     `json:"departmentId"`
		Text         string    `json:"text"`
		Subject      string    `json:"subject"`
		At           time.Time `json:"at"`
	}
	out := map[int64][]*domain.SharingStepRecord{}
	for rows.Next() {
		var (
			id        int64
			s         domain.SharingStepRecord
			positions []position
		)
		if err := rows.Scan(&id, &s.Step, &s.StartedAt, &s.EndedAt, &s.Outcome, &s.Reasons, &s.Recommendation, &positions); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sharing dispute steps: %w", err)
		}
		for _, p := range positions {
			s.Positions = append(s.Positions, &domain.Position{DepartmentID: p.DepartmentID, Text: p.Text, At: p.At,
				By: domain.Actor{Subject: p.Subject, Role: domain.RoleDepartment, DepartmentID: p.DepartmentID}})
		}
		out[id] = append(out[id], &s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sharing dispute steps: %w", err)
	}
	return out, nil
}

func stepNames() []string {
	out := make([]string, len(domain.SharingSteps))
	for i, s := range domain.SharingSteps {
		out[i] = string(s)
	}
	return out
}

// groupBy groups rows by key, keeping their order.
func groupBy[T any](rows []T, key func(T) int64) map[int64][]T {
	out := map[int64][]T{}
	for _, r := range rows {
		out[key(r)] = append(out[key(r)], r)
	}
	return out
}
