-- +goose Up
-- A grant keeps the purpose its request stated (MZ 21), so an access
-- decision can hold a use to it (MZ 19); a decision records the scenario
-- and purpose it was asked for (MZ 22: a grant is for its scenario).
ALTER TABLE grants ADD COLUMN purpose text NOT NULL DEFAULT '';
-- The purpose changes no compliance figure: no marks for the backfill.
ALTER TABLE grants DISABLE TRIGGER compliance_marks;
UPDATE grants g SET purpose = sr.purpose FROM share_requests sr WHERE sr.id = g.request_id;
ALTER TABLE grants ENABLE TRIGGER compliance_marks;

ALTER TABLE access_decisions
  ADD COLUMN scenario text NOT NULL DEFAULT '',
  ADD COLUMN purpose  text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE access_decisions DROP COLUMN scenario, DROP COLUMN purpose;
ALTER TABLE grants DROP COLUMN purpose;
