package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

const obligationColumns = `o.id, o.department_id, o.reason::text, o.description, o.occurred_on,
	o.recorded_subject, o.recorded_role, coalesce(o.recorded_department_id, 0), o.recorded_at,
	o.due_date, o.due_days, o.due_citation, o.calendar_revision,
	o.met_at, coalesce(o.met_resource_id, 0), coalesce(o.met_version, 0), coalesce(o.resource_id, 0)`

func scanObligation(row pgx.CollectableRow) (*domain.ChangeObligation, error) {
	var (
		o                 domain.ChangeObligation
		occurred, dueDate time.Time
	)
	err := row.Scan(&o.ID, &o.DepartmentID, &o.Reason, &o.Description, &occurred,
		&o.RecordedBy.Subject, &o.RecordedBy.Role, &o.RecordedBy.DepartmentID, &o.RecordedAt,
		&dueDate, &o.Deadline.Days, &o.Deadline.Citation, &o.Deadline.Revision,
		&o.MetAt, &o.MetResourceID, &o.MetVersion, &o.ResourceID)
	if err != nil {
		return nil, err
	}
	o.OccurredOn = dateOfColumn(occurred)
	o.Deadline.Kind = domain.DeadlineCatalogueUpdate
	o.Deadline.Start = o.OccurredOn.StartOfDay()
	o.Deadline.Due = dateOfColumn(dueDate)
	o.Deadline.DueAt = o.Deadline.Due.EndOfDay()
	return &o, nil
}

// dateOfColumn is the calendar day of a PostgreSQL date, which pgx reads
// as midnight UTC.
func dateOfColumn(t time.Time) domain.Date {
	return domain.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// dateColumn is d as a value for a date parameter.
func dateColumn(d domain.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// RecordCatalogueChange opens a change obligation of in.DepartmentID (MZ 8,
// QY 8, NY 22, WZ 11), due under the department's region's profile.
func (db *DB) RecordCatalogueChange(ctx context.Context, v domain.Viewer, in domain.ChangeObligationInput, deployment domain.Profile, key string, now time.Time) (*domain.ChangeObligation, error) {
	// SECURITY: the department itself or the authority (MZ 8, WZ 11).
	if err := domain.MayRecordChange(v, in.DepartmentID); err != nil {
		return nil, err
	}
	in.Description = strings.TrimSpace(in.Description)
	if err := domain.ValidateChangeObligation(in, domain.DateOf(now)); err != nil {
		return nil, err
	}
	var id int64
	err := db.Tx(ctx, func(tx *Tx) error {
		replayed, err := tx.claimKey(ctx, v, key, "recordCatalogueChange", in)
		if err != nil || replayed != 0 {
			id = replayed
			return err
		}
		policy, cal, err := db.rulesOf(ctx, tx, in.DepartmentID, deployment)
		if err != nil {
			return err
		}
		d, err := domain.ChangeObligationDeadline(policy, cal, in.OccurredOn)
		if err != nil {
			return err
		}
		if id, err = tx.insertObligation(ctx, v, in, 0, d, now); err != nil {
			return err
		}
		created(ctx, domain.KindChangeObligation, id)
		return tx.settleKey(ctx, v, key, id)
	})
	if err != nil {
		return nil, err
	}
	return changed(ctx, db.ChangeObligationsByID, domain.OversightScope{All: true}, id, "change obligation")
}

// insertObligation records obligation in, due d; resourceID, when not 0,
// is the one entry whose next submission meets it.
func (tx *Tx) insertObligation(ctx context.Context, v domain.Viewer, in domain.ChangeObligationInput, resourceID int64, d domain.Deadline, now time.Time) (int64, error) {
	a := domain.ActorOf(v)
	var id int64
	err := tx.tx.QueryRow(ctx, `INSERT INTO catalogue_change_obligations (department_id, reason, description, occurred_on,
		recorded_subject, recorded_role, recorded_department_id, recorded_at,
		due_date, due_at, due_days, due_citation, calendar_revision, resource_id)
		VALUES ($1, $2::catalogue_change_reason, $3, $4, $5, $6, nullif($7::bigint, 0), $8, $9, $10, $11, $12, $13, nullif($14::bigint, 0)) RETURNING id`,
		in.DepartmentID, string(in.Reason), in.Description, dateColumn(in.OccurredOn),
		a.Subject, string(a.Role), a.DepartmentID, now,
		dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision, resourceID).Scan(&id)
	return id, mapError(err)
}

// meetObligations marks the open change obligations of department that a
// submission of resource at version, at now, meets (domain.LastChangeMetBy):
// the department's general obligations and those about this resource.
func (tx *Tx) meetObligations(ctx context.Context, department, resource int64, version int, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `UPDATE catalogue_change_obligations SET met_at = $4, met_resource_id = $2, met_version = $3
		WHERE department_id = $1 AND met_at IS NULL AND occurred_on <= $5
			AND (resource_id IS NULL OR resource_id = $2)`,
		department, resource, version, now, dateColumn(domain.LastChangeMetBy(now)))
	return mapError(err)
}

// oversight adds the rows filter of scope for a department column.
func (q *query) oversight(s domain.OversightScope, column string) {
	if !s.All {
		q.and(column + " = " + q.arg(s.DepartmentID))
	}
}

// ChangeObligations lists the obligations in scope, newest first.
func (db *DB) ChangeObligations(ctx context.Context, scope domain.OversightScope, f domain.ChangeObligationCriteria, p domain.PageArgs) (*domain.Page[*domain.ChangeObligation], error) {
	q := &query{}
	q.oversight(scope, "o.department_id")
	if f.DepartmentID != 0 {
		q.and("o.department_id = " + q.arg(f.DepartmentID))
	}
	if f.Met != nil {
		if *f.Met {
			q.and("o.met_at IS NOT NULL")
		} else {
			q.and("o.met_at IS NULL")
		}
	}
	if !f.OverdueAt.IsZero() {
		q.and("o.met_at IS NULL AND o.due_at < " + q.arg(f.OverdueAt))
	}
	return newestFirst(ctx, db, q, p, "catalogue_change_obligations o", "o", obligationColumns, scanObligation,
		func(o *domain.ChangeObligation) int64 { return o.ID })
}

// ChangeObligationsByID returns the obligations among ids in scope.
func (db *DB) ChangeObligationsByID(ctx context.Context, scope domain.OversightScope, ids []int64) (map[int64]*domain.ChangeObligation, error) {
	q := &query{}
	q.oversight(scope, "o.department_id")
	return byID(ctx, db, q, ids, "catalogue_change_obligations o", "o", obligationColumns, scanObligation, func(o *domain.ChangeObligation) int64 { return o.ID })
}

// RecordFullReview records the department's full review of its own
// catalogue (QY 8).
func (db *DB) RecordFullReview(ctx context.Context, v domain.Viewer, departmentID int64, reviewedOn domain.Date, note, key string, now time.Time) error {
	// SECURITY: only the department itself (QY 8).
	if err := domain.MayRecordFullReview(v, departmentID); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := domain.ValidateFullReview(reviewedOn, domain.DateOf(now), note); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *Tx) error {
		input := struct {
			Department int64
			On         domain.Date
			Note       string
		}{departmentID, reviewedOn, note}
		replayed, err := tx.claimKey(ctx, v, key, "recordFullCatalogueReview", input)
		if err != nil || replayed != 0 {
			return err
		}
		a := domain.ActorOf(v)
		var id int64
		err = tx.tx.QueryRow(ctx, `INSERT INTO catalogue_full_reviews (department_id, reviewed_on, note,
			recorded_subject, recorded_role, recorded_department_id, recorded_at)
			VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), $7) RETURNING id`,
			departmentID, dateColumn(reviewedOn), note, a.Subject, string(a.Role), a.DepartmentID, now).Scan(&id)
		if err != nil {
			return mapError(err)
		}
		return tx.settleKey(ctx, v, key, id)
	})
}

// FullReviewsOf is each department's full-review status on today, under
// its region's profile (domain.FullReviewStatusOf).
func (db *DB) FullReviewsOf(ctx context.Context, departmentIDs []int64, deployment domain.Profile, today domain.Date) (map[int64]*domain.FullReviewStatus, error) {
	rows, err := db.pool.Query(ctx, `SELECT d.id, d.created_at, coalesce(rp.profile, ''),
			fr.reviewed_on, coalesce(fr.note, ''), coalesce(fr.recorded_subject, ''), coalesce(fr.recorded_role, ''),
			coalesce(fr.recorded_department_id, 0), fr.recorded_at
		FROM departments d
		LEFT JOIN region_policies rp ON rp.region_code = d.region_code
		LEFT JOIN LATERAL (SELECT * FROM catalogue_full_reviews f WHERE f.department_id = d.id
			ORDER BY f.reviewed_on DESC, f.id DESC LIMIT 1) fr ON true
		WHERE d.id = ANY($1)`, departmentIDs)
	if err != nil {
		return nil, fmt.Errorf("full reviews: %w", err)
	}
	out := make(map[int64]*domain.FullReviewStatus, len(departmentIDs))
	var (
		id         int64
		listed     time.Time
		profile    string
		reviewedOn *time.Time
		r          domain.FullReview
		recordedAt *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &listed, &profile, &reviewedOn, &r.Note, &r.RecordedBy.Subject, &r.RecordedBy.Role,
		&r.RecordedBy.DepartmentID, &recordedAt}, func() error {
		p := deployment
		if profile != "" {
			var err error
			if p, err = domain.LookupProfile(profile); err != nil {
				return fmt.Errorf("department %d: region profile %q: %v", id, profile, domain.ErrorMessage(err))
			}
		}
		var last *domain.FullReview
		if reviewedOn != nil {
			l := r
			l.DepartmentID, l.ReviewedOn, l.RecordedAt = id, dateOfColumn(*reviewedOn), deref(recordedAt)
			last = &l
		}
		s := domain.FullReviewStatusOf(p.FullReview, last, domain.DateOf(listed), today)
		out[id] = &s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("full reviews: %w", err)
	}
	return out, nil
}

// fullReviewOverdue adds the condition of DepartmentCriteria.FullReviewOverdueOn
// for departments aliased d: the SQL form of domain.FullReviewStatusOf,
// each department under its region's profile, the months of every
// profile passed as a table.
func (q *query) fullReviewOverdue(on domain.Date, deployment domain.Profile) {
	profiles := domain.Profiles()
	names := make([]string, 0, len(profiles))
	months := make([]int32, 0, len(profiles))
	for _, name := range domain.ProfileNames() {
		names = append(names, name)
		months = append(months, int32(profiles[name].FullReview.Months))
	}
	q.and(`(SELECT coalesce((SELECT max(f.reviewed_on) FROM catalogue_full_reviews f WHERE f.department_id = d.id),
			(d.created_at AT TIME ZONE 'Asia/Shanghai')::date)
		+ make_interval(months => coalesce((SELECT p.months FROM unnest(` + q.arg(names) + `::text[], ` + q.arg(months) + `::int[]) AS p(name, months)
			WHERE p.name = coalesce((SELECT rp.profile FROM region_policies rp WHERE rp.region_code = d.region_code), ` + q.arg(deployment.Name) + `)),
			` + q.arg(int32(deployment.FullReview.Months)) + `))
		) < ` + q.arg(dateColumn(on)) + `::date`)
}
