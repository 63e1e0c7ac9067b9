package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/holidays"
)

// querier is what both the pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// calendarCache holds the last calendar built, keyed by its revision, so
// a request costs one small statement rather than parsing every year.
type calendarCache struct {
	mu  sync.Mutex
	cal *domain.Calendar
}

// seedCalendar stores the embedded schedules (package holidays) of the
// years the database lacks. A year already stored is left alone: the
// authority may have replaced it.
func seedCalendar(ctx context.Context, db *DB, log *slog.Logger) error {
	files, err := fs.Glob(holidays.FS, "*.json")
	if err != nil {
		return err
	}
	for _, f := range files {
		raw, err := fs.ReadFile(holidays.FS, f)
		if err != nil {
			return err
		}
		s, err := domain.ParseHolidaySchedule(raw)
		if err != nil {
			return fmt.Errorf("embedded holiday schedule %s: %w", f, err)
		}
		tag, err := db.pool.Exec(ctx, `INSERT INTO holiday_schedules (year, schedule, revision, added_by, reason)
			VALUES ($1, $2, nextval('calendar_revision_seq'), 'catalogue', 'State Council schedule shipped with the catalogue')
			ON CONFLICT (year) DO NOTHING`, s.Year, string(raw))
		if err != nil {
			return fmt.Errorf("seed holiday schedule %d: %w", s.Year, err)
		}
		if tag.RowsAffected() == 1 && log != nil {
			log.Info("holiday schedule added to the calendar", "year", s.Year)
		}
	}
	return nil
}

// Calendar is the working-day calendar of the stored schedules.
func (db *DB) Calendar(ctx context.Context) (*domain.Calendar, error) {
	return db.calendar(ctx, db.pool)
}

func (db *DB) calendar(ctx context.Context, q querier) (*domain.Calendar, error) {
	var rev int64
	if err := q.QueryRow(ctx, `SELECT coalesce(max(revision), 0) FROM holiday_schedules`).Scan(&rev); err != nil {
		return nil, fmt.Errorf("calendar revision: %w", err)
	}
	db.cals.mu.Lock()
	cached := db.cals.cal
	db.cals.mu.Unlock()
	if cached != nil && cached.Revision == rev {
		return cached, nil
	}
	// Loaded without the lock held: a caller in a transaction must not
	// wait on one that waits for a pool connection.
	rows, err := q.Query(ctx, `SELECT schedule::text FROM holiday_schedules ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("holiday schedules: %w", err)
	}
	raws, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("holiday schedules: %w", err)
	}
	schedules := make([]domain.HolidaySchedule, 0, len(raws))
	for _, raw := range raws {
		s, err := domain.ParseHolidaySchedule([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("stored holiday schedule: %w", err)
		}
		schedules = append(schedules, s)
	}
	cal := domain.NewCalendar(rev, schedules)
	db.cals.mu.Lock()
	if db.cals.cal == nil || db.cals.cal.Revision < rev {
		db.cals.cal = cal
	}
	db.cals.mu.Unlock()
	return cal, nil
}

// AddHolidaySchedule stores s (raw is its JSON) for the authority. A year
// already in the calendar is replaced only when replace is set, with a
// reason: deadlines already set keep the revision they were counted on.
// A retry with the same idempotency key stores nothing again: it neither
// fails as a year already stored nor replaces it with a new revision.
func (db *DB) AddHolidaySchedule(ctx context.Context, v domain.Viewer, s domain.HolidaySchedule, raw []byte, replace bool, reason, idempotencyKey string) (*domain.Calendar, error) {
	if err := domain.MayConfigure(v); err != nil {
		return nil, err
	}
	err := db.Tx(ctx, func(tx *Tx) error {
		replayed, err := tx.claimKey(ctx, v, idempotencyKey, "addHolidaySchedule", struct {
			Schedule string
			Replace  bool
			Reason   string
		}{string(raw), replace, reason})
		if err != nil || replayed != 0 {
			return err
		}
		// One writer at a time: revisions are then taken in commit order,
		// so the greatest revision is always the newest calendar, and the
		// check below cannot race another add of the same year.
		if _, err := tx.tx.Exec(ctx, `LOCK TABLE holiday_schedules IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var exists bool
		if err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM holiday_schedules WHERE year = $1)`, s.Year).Scan(&exists); err != nil {
			return err
		}
		if exists && !replace {
			return domain.Errorf(domain.EConflict, "the calendar already has the %d schedule: pass replace: true with a reason to replace it (deadlines already set keep the schedule they were counted on)", s.Year)
		}
		if exists && reason == "" {
			return domain.Errorf(domain.EInvalid, "replacing the %d schedule needs a reason, e.g. the State Council notice that changed it", s.Year)
		}
		if _, err := tx.tx.Exec(ctx, `INSERT INTO holiday_schedules (year, schedule, revision, added_by, reason)
			VALUES ($1, $2, nextval('calendar_revision_seq'), $3, $4)
			ON CONFLICT (year) DO UPDATE SET schedule = EXCLUDED.schedule, revision = EXCLUDED.revision,
				added_by = EXCLUDED.added_by, reason = EXCLUDED.reason, added_at = now()`,
			s.Year, string(raw), domain.ActorOf(v).Key(), reason); err != nil {
			return mapError(err)
		}
		return tx.settleKey(ctx, v, idempotencyKey, int64(s.Year))
	})
	if err != nil {
		return nil, err
	}
	return db.Calendar(ctx)
}

// rulesIn is what counting a deadline in tx needs: the profile in force
// in regionCode (deployment unless the region overrides it) and the
// calendar, as tx sees them.
func (db *DB) rulesIn(ctx context.Context, tx *Tx, regionCode string, deployment domain.Profile) (domain.Profile, *domain.Calendar, error) {
	policy, _, err := tx.policyFor(ctx, regionCode, deployment)
	if err != nil {
		return domain.Profile{}, nil, err
	}
	cal, err := db.calendar(ctx, tx.tx)
	return policy, cal, err
}

// rulesOf is rulesIn for the region of department id.
func (db *DB) rulesOf(ctx context.Context, tx *Tx, id int64, deployment domain.Profile) (domain.Profile, *domain.Calendar, error) {
	var region string
	if err := tx.tx.QueryRow(ctx, `SELECT region_code FROM departments WHERE id = $1`, id).Scan(&region); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Profile{}, nil, domain.Errorf(domain.ENotFound, "no Department %s", domain.NodeID(domain.KindDepartment, id))
		}
		return domain.Profile{}, nil, fmt.Errorf("region of department %d: %w", id, err)
	}
	return db.rulesIn(ctx, tx, region, deployment)
}

// PolicyFor is the profile in force in regionCode.
func (db *DB) PolicyFor(ctx context.Context, regionCode string, deployment domain.Profile) (domain.Profile, bool, error) {
	return policyFor(ctx, db.pool, regionCode, deployment)
}

func (tx *Tx) policyFor(ctx context.Context, regionCode string, deployment domain.Profile) (domain.Profile, bool, error) {
	return policyFor(ctx, tx.tx, regionCode, deployment)
}

func policyFor(ctx context.Context, q querier, regionCode string, deployment domain.Profile) (domain.Profile, bool, error) {
	if deployment.Name == "" {
		return domain.Profile{}, false, fmt.Errorf("no deployment policy profile configured")
	}
	if regionCode == "" {
		return deployment, false, nil
	}
	var name string
	err := q.QueryRow(ctx, `SELECT profile FROM region_policies WHERE region_code = $1`, regionCode).Scan(&name)
	if err == pgx.ErrNoRows {
		return deployment, false, nil
	}
	if err != nil {
		return domain.Profile{}, false, fmt.Errorf("region policy: %w", err)
	}
	p, err := domain.LookupProfile(name)
	if err != nil {
		return domain.Profile{}, false, fmt.Errorf("region %s has an unknown profile %q: %v", regionCode, name, domain.ErrorMessage(err))
	}
	return p, true, nil
}

// SetRegionPolicy makes regionCode follow profile ("" removes the
// override). A retry with the same idempotency key changes nothing, even
// when the region's profile was changed again in between.
func (db *DB) SetRegionPolicy(ctx context.Context, v domain.Viewer, regionCode, profile, idempotencyKey string) error {
	if err := domain.MayConfigure(v); err != nil {
		return err
	}
	if err := domain.ValidateRegionCode(regionCode); err != nil {
		return err
	}
	name := ""
	if profile != "" {
		p, err := domain.LookupProfile(profile)
		if err != nil {
			return err
		}
		name = p.Name
	}
	// The key's result is the region: six digits (ValidateRegionCode).
	region, err := strconv.ParseInt(regionCode, 10, 64)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "region code %q is not six digits", regionCode)
	}
	// In a transaction, so the change commits with its audit event.
	return db.Tx(ctx, func(tx *Tx) error {
		replayed, err := tx.claimKey(ctx, v, idempotencyKey, "setRegionPolicy", struct{ Region, Profile string }{regionCode, name})
		if err != nil || replayed != 0 {
			return err
		}
		if name == "" {
			_, err = tx.tx.Exec(ctx, `DELETE FROM region_policies WHERE region_code = $1`, regionCode)
		} else {
			_, err = tx.tx.Exec(ctx, `INSERT INTO region_policies (region_code, profile, set_by) VALUES ($1, $2, $3)
				ON CONFLICT (region_code) DO UPDATE SET profile = EXCLUDED.profile, set_by = EXCLUDED.set_by, set_at = now()`,
				regionCode, name, domain.ActorOf(v).Key())
		}
		if err != nil {
			return mapError(err)
		}
		return tx.settleKey(ctx, v, idempotencyKey, region)
	})
}
