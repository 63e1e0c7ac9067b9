-- +goose Up
-- What the yearly evaluation (NY 59, WZ 40, QY 31) needs that earlier
-- tables did not keep, and the indexes its figures are counted through.

-- Every review of a submitted entry by the authority, with the deadline it
-- had (MZ 8, NY 22, WZ 11): the entry's row forgets the deadline once the
-- review is done.
CREATE TABLE catalogue_reviews (
  resource_id   bigint NOT NULL REFERENCES resources (id),
  version       int NOT NULL,
  department_id bigint NOT NULL REFERENCES departments (id),
  submitted_at  timestamptz NOT NULL,
  due_at        timestamptz NOT NULL,
  decided_at    timestamptz NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('APPROVED', 'RETURNED')),
  PRIMARY KEY (resource_id, version)
);
CREATE INDEX catalogue_reviews_due_idx ON catalogue_reviews (due_at, department_id);

-- The working days the source took to answer (MZ 21, QY 16, WZ 20),
-- counted on the calendar when it answered: the median answer time.
ALTER TABLE share_requests ADD COLUMN answer_days int CHECK (answer_days >= 0);

CREATE INDEX share_requests_due_idx ON share_requests (due_at, source_department_id) WHERE due_at IS NOT NULL;
CREATE INDEX share_requests_answered_idx ON share_requests (source_decided_at, source_department_id) WHERE source_decided_at IS NOT NULL;
CREATE INDEX grants_created_idx ON grants (created_at) WHERE mode = 'BULK';
CREATE INDEX grants_holder_idx ON grants (department_id, created_at);
CREATE INDEX grant_changes_at_idx ON grant_changes (at) WHERE to_status IN ('SUSPENDED', 'REVOKED');
CREATE INDEX open_requests_due_idx ON open_requests (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX disputes_due_idx ON disputes (due_at) WHERE kind = 'DATA_ERROR';
CREATE INDEX disputes_correct_due_idx ON disputes (correct_due_at) WHERE correct_due_at IS NOT NULL;
CREATE INDEX catalogue_change_obligations_due_all_idx ON catalogue_change_obligations (due_at);


-- Rollups of the evaluation's figures by department and month (the month
-- of each duty's deadline, of each event, of each answer), so a report
-- over a city and a year reads thousands of rows, not millions. Figures:
-- REVIEW, CHANGE, SHARE, OPEN, VERIFY, CORRECT, USAGE (met on time, met
-- late, undone), REJECTED_NO_REASON, BULK, SUSPENDED, REVOKED (met: how
-- many), ANSWER (met: answers that took days working days).
CREATE TABLE compliance_rollups (
  department_id bigint NOT NULL,
  month         date NOT NULL,
  figure        text NOT NULL,
  days          int NOT NULL DEFAULT -1,
  met           int NOT NULL,
  late          int NOT NULL,
  undone        int NOT NULL,
  PRIMARY KEY (month, department_id, figure, days)
);

-- The (department, month) pairs whose rollups a change made stale; the
-- store recounts them before it reads (store.RefreshCompliance).
CREATE TABLE compliance_dirty (
  department_id bigint NOT NULL,
  month         date NOT NULL,
  PRIMARY KEY (department_id, month)
);

-- +goose StatementBegin
CREATE FUNCTION compliance_mark(d bigint, at timestamptz) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO compliance_dirty (department_id, month)
  SELECT d, date_trunc('month', at AT TIME ZONE 'Asia/Shanghai')::date WHERE d IS NOT NULL AND at IS NOT NULL
  -- Not DO NOTHING: the update locks a mark already there until this
  -- change commits, so a refresh cannot take the mark and recount
  -- without the change (it skips marks that are locked).
  ON CONFLICT (department_id, month) DO UPDATE SET month = EXCLUDED.month
$$;
-- +goose StatementEnd

-- compliance_marks marks the months a row of each source table counts in,
-- for its old and its new version.
-- +goose StatementBegin
CREATE FUNCTION compliance_marks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  src bigint;
  h timestamptz;
BEGIN
  FOR r IN SELECT * FROM (SELECT 1 AS k, NEW AS row WHERE TG_OP <> 'DELETE' UNION ALL SELECT 2, OLD WHERE TG_OP <> 'INSERT') x LOOP
    CASE TG_TABLE_NAME
    WHEN 'catalogue_reviews' THEN
      PERFORM compliance_mark((r.row).department_id, (r.row).due_at);
    WHEN 'resources' THEN
      PERFORM compliance_mark((r.row).source_department_id, (r.row).review_due_at);
    WHEN 'catalogue_change_obligations' THEN
      PERFORM compliance_mark((r.row).department_id, (r.row).due_at);
    WHEN 'share_requests' THEN
      PERFORM compliance_mark((r.row).source_department_id, (r.row).due_at);
      PERFORM compliance_mark((r.row).source_department_id, (r.row).source_decided_at);
      PERFORM compliance_mark((r.row).source_department_id, coalesce((r.row).authority_decided_at, (r.row).source_decided_at));
    WHEN 'open_requests' THEN
      SELECT source_department_id INTO src FROM resources WHERE id = (r.row).resource_id;
      PERFORM compliance_mark(src, (r.row).due_at);
    WHEN 'disputes' THEN
      PERFORM compliance_mark((r.row).source_department_id, (r.row).due_at);
      PERFORM compliance_mark((r.row).source_department_id, (r.row).correct_due_at);
    WHEN 'grants' THEN
      SELECT source_department_id INTO src FROM resources WHERE id = (r.row).resource_id;
      PERFORM compliance_mark(src, (r.row).created_at);
      -- MZ 39: every half-year the grant is in force in owes a report,
      -- due in June or December (bounded: an open-ended grant, ten years).
      FOR h IN SELECT generate_series(date_trunc('month', (r.row).created_at AT TIME ZONE 'Asia/Shanghai'),
          least(coalesce((r.row).revoked_at, (r.row).valid_until), (r.row).created_at + interval '10 years') AT TIME ZONE 'Asia/Shanghai' + interval '6 months',
          interval '1 month') AT TIME ZONE 'Asia/Shanghai' LOOP
        IF extract(month FROM h AT TIME ZONE 'Asia/Shanghai') IN (6, 12) THEN
          PERFORM compliance_mark((r.row).department_id, h);
        END IF;
      END LOOP;
    WHEN 'grant_changes' THEN
      SELECT department_id INTO src FROM grants WHERE id = (r.row).grant_id;
      PERFORM compliance_mark(src, (r.row).at);
    WHEN 'usage_reports' THEN
      SELECT department_id INTO src FROM grants WHERE id = (r.row).grant_id;
      PERFORM compliance_mark(src, make_date(substr((r.row).period, 1, 4)::int, CASE WHEN (r.row).period LIKE '%H1' THEN 6 ELSE 12 END, 1)::timestamp AT TIME ZONE 'Asia/Shanghai');
    END CASE;
  END LOOP;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Everything recorded before the rollups existed: every department, every
-- month from the first record on (and ten years ahead, for usage reports
-- of grants in force), recounted by the first report.
INSERT INTO compliance_dirty (department_id, month)
SELECT d.id, m::date FROM departments d,
  generate_series(date_trunc('month', (SELECT least((SELECT min(submitted_at) FROM share_requests), (SELECT min(created_at) FROM grants),
      (SELECT min(recorded_at) FROM catalogue_change_obligations), (SELECT min(created_at) FROM open_requests),
      (SELECT min(opened_at) FROM disputes), (SELECT min(submitted_at) FROM resources))) AT TIME ZONE 'Asia/Shanghai'),
    now() AT TIME ZONE 'Asia/Shanghai' + interval '10 years', interval '1 month') m
ON CONFLICT DO NOTHING;

CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON catalogue_reviews FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OF review_due_at, source_department_id OR DELETE ON resources FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON catalogue_change_obligations FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON share_requests FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON open_requests FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON disputes FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON grants FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON grant_changes FOR EACH ROW EXECUTE FUNCTION compliance_marks();
CREATE TRIGGER compliance_marks AFTER INSERT OR UPDATE OR DELETE ON usage_reports FOR EACH ROW EXECUTE FUNCTION compliance_marks();


-- What the evaluation counts of each published entry (MZ 7's required
-- elements, MZ 10 and NY 44's basis, MZ 13's frequency and last update),
-- computed from the entry, its items and its updates.
CREATE VIEW compliance_entries_source AS
SELECT r.id AS resource_id, r.source_department_id AS department_id, r.published_at, r.share_type, r.open_type,
  r.update_frequency::text AS update_frequency,
  -- MZ 7 (domain.ValidateEntry): the required elements.
  (r.name <> '' AND r.summary <> '' AND r.classification <> '' AND r.format <> '' AND r.share_scope <> ''
    AND (r.share_type = 'NONE' OR cardinality(r.share_modes) > 0)
    AND (r.share_type <> 'CONDITIONAL' OR r.share_conditions <> '')
    AND (r.open_type <> 'CONDITIONAL' OR r.open_conditions <> '')
    AND EXISTS (SELECT 1 FROM data_items i WHERE i.resource_id = r.id AND i.removed_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM data_items i WHERE i.resource_id = r.id AND i.removed_at IS NULL AND i.description = '')) AS complete,
  -- MZ 10, WZ 15, NY 44: a restricted entry names its basis.
  ((r.share_type <> 'UNCONDITIONAL' OR r.open_type = 'NONE') AND r.legal_basis = '') AS missing_basis,
  (SELECT max(du.at) FROM data_updates du WHERE du.resource_id = r.id) AS last_update_at
FROM resources r
WHERE r.status = 'PUBLISHED' AND r.published_at IS NOT NULL;

-- The view kept as a table, row by row as entries, items and updates
-- change: a city's report reads it instead of every item and update.
CREATE TABLE compliance_entries (
  resource_id      bigint PRIMARY KEY REFERENCES resources (id),
  department_id    bigint NOT NULL,
  published_at     timestamptz NOT NULL,
  share_type       share_type NOT NULL,
  open_type        open_type NOT NULL,
  update_frequency text NOT NULL,
  complete         boolean NOT NULL,
  missing_basis    boolean NOT NULL,
  last_update_at   timestamptz
);
CREATE INDEX compliance_entries_department_idx ON compliance_entries (department_id);
INSERT INTO compliance_entries SELECT * FROM compliance_entries_source;

-- +goose StatementBegin
CREATE FUNCTION compliance_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rid bigint;
BEGIN
  IF TG_TABLE_NAME = 'resources' THEN
    rid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
  ELSE
    rid := CASE WHEN TG_OP = 'DELETE' THEN OLD.resource_id ELSE NEW.resource_id END;
  END IF;
  -- An upsert, so two writers of one entry do not both insert it.
  INSERT INTO compliance_entries SELECT * FROM compliance_entries_source WHERE resource_id = rid
  ON CONFLICT (resource_id) DO UPDATE SET department_id = EXCLUDED.department_id, published_at = EXCLUDED.published_at,
    share_type = EXCLUDED.share_type, open_type = EXCLUDED.open_type, update_frequency = EXCLUDED.update_frequency,
    complete = EXCLUDED.complete, missing_basis = EXCLUDED.missing_basis, last_update_at = EXCLUDED.last_update_at;
  IF NOT FOUND THEN
    DELETE FROM compliance_entries WHERE resource_id = rid;
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER compliance_entry AFTER INSERT OR UPDATE ON resources FOR EACH ROW EXECUTE FUNCTION compliance_entry();
CREATE TRIGGER compliance_entry AFTER INSERT OR UPDATE OR DELETE ON data_items FOR EACH ROW EXECUTE FUNCTION compliance_entry();
CREATE TRIGGER compliance_entry AFTER INSERT OR UPDATE OR DELETE ON data_updates FOR EACH ROW EXECUTE FUNCTION compliance_entry();

-- +goose Down
DROP TRIGGER compliance_entry ON data_updates;
DROP TRIGGER compliance_entry ON data_items;
DROP TRIGGER compliance_entry ON resources;
DROP FUNCTION compliance_entry();
DROP TABLE compliance_entries;
DROP VIEW compliance_entries_source;

DROP TRIGGER compliance_marks ON usage_reports;
DROP TRIGGER compliance_marks ON grant_changes;
DROP TRIGGER compliance_marks ON grants;
DROP TRIGGER compliance_marks ON disputes;
DROP TRIGGER compliance_marks ON open_requests;
DROP TRIGGER compliance_marks ON share_requests;
DROP TRIGGER compliance_marks ON catalogue_change_obligations;
DROP TRIGGER compliance_marks ON resources;
DROP TRIGGER compliance_marks ON catalogue_reviews;
DROP FUNCTION compliance_marks(), compliance_mark(bigint, timestamptz);
DROP TABLE compliance_dirty, compliance_rollups;
DROP INDEX grants_holder_idx, catalogue_change_obligations_due_all_idx, disputes_correct_due_idx, disputes_due_idx, open_requests_due_idx,
  grant_changes_at_idx, grants_created_idx, share_requests_answered_idx, share_requests_due_idx;
ALTER TABLE share_requests DROP COLUMN answer_days;
DROP TABLE catalogue_reviews;
