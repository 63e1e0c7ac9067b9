-- +goose Up
-- The catalogue workflow: versions (WZ 35: every change kept, nothing
-- deleted), pending revisions of published entries, review deadlines in
-- working days, the holiday calendar, regional policy profiles and
-- idempotency keys for retried mutations.

CREATE TYPE revision_status AS ENUM ('DRAFT', 'SUBMITTED', 'RETURNED');

-- version is the optimistic-locking token: every change bumps it, and an
-- update naming an older version is refused (CONFLICT). A published entry
-- is changed through revision (the proposed content, as JSON), reviewed
-- while the published row stays visible. review_* is the deadline of the
-- pending review, with the rule and calendar revision it was counted on.
ALTER TABLE resources
  ADD COLUMN version                  int NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN revision_status          revision_status,
  ADD COLUMN revision                 jsonb,
  ADD COLUMN submitted_at             timestamptz,
  ADD COLUMN review_due_date          date,
  ADD COLUMN review_due_at            timestamptz,
  ADD COLUMN review_days              int,
  ADD COLUMN review_citation          text,
  ADD COLUMN review_calendar_revision bigint,
  ADD CONSTRAINT resources_revision_check CHECK (
    (revision_status IS NULL) = (revision IS NULL) AND (revision_status IS NULL OR status = 'PUBLISHED')),
  ADD CONSTRAINT resources_review_check CHECK (
    (review_due_at IS NULL) = (review_due_date IS NULL) AND (review_due_at IS NULL) = (review_calendar_revision IS NULL));
CREATE INDEX resources_review_due_idx ON resources (review_due_at) WHERE review_due_at IS NOT NULL;

-- Items removed from an entry are kept (grants and versions name them):
-- uniqueness holds among the items in use.
ALTER TABLE data_items
  ADD COLUMN removed_at timestamptz,
  DROP CONSTRAINT data_items_resource_name_key,
  DROP CONSTRAINT data_items_resource_position_key;
CREATE UNIQUE INDEX data_items_resource_name_key ON data_items (resource_id, name) WHERE removed_at IS NULL;
CREATE INDEX data_items_resource_position_idx ON data_items (resource_id, position);

-- One row per change of an entry: who, when, why, what changed, and the
-- content after it.
CREATE TABLE resource_versions (
  resource_id         bigint NOT NULL REFERENCES resources (id),
  version             int NOT NULL,
  action              text NOT NULL CHECK (action <> ''),
  actor_subject       text NOT NULL,
  actor_role          text NOT NULL,
  actor_department_id bigint REFERENCES departments (id),
  at                  timestamptz NOT NULL DEFAULT now(),
  comment             text NOT NULL DEFAULT '',
  status              resource_status NOT NULL,
  revision_status     revision_status,
  changes             jsonb NOT NULL DEFAULT '[]',
  content             jsonb,
  PRIMARY KEY (resource_id, version)
);
INSERT INTO resource_versions (resource_id, version, action, actor_subject, actor_role, at, comment, status)
SELECT id, 1, 'IMPORTED', 'catalogue', 'AUTHORITY', created_at, 'in the catalogue before version history began', status
FROM resources;

-- The State Council's holiday schedules, one row per year, in the
-- holiday-cn JSON format. Every write takes a new calendar revision; the
-- calendar's revision is the greatest, and each deadline records it.
CREATE SEQUENCE calendar_revision_seq;
CREATE TABLE holiday_schedules (
  year      int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
  schedule  jsonb NOT NULL,
  revision  bigint NOT NULL UNIQUE,
  added_by  text NOT NULL,
  reason    text NOT NULL DEFAULT '',
  added_at  timestamptz NOT NULL DEFAULT now()
);

-- A region (county or district) may follow another profile than the
-- deployment's (CATALOGUE_POLICY).
CREATE TABLE region_policies (
  region_code text PRIMARY KEY CHECK (region_code ~ '^[0-9]{6}$'),
  profile     text NOT NULL,
  set_by      text NOT NULL,
  set_at      timestamptz NOT NULL DEFAULT now()
);

-- A client-supplied key makes a mutation safe to retry: the same key with
-- the same input answers with the row it made or changed (result_id, of
-- the kind the operation names); with other input it is a CONFLICT. Keys
-- belong to the actor who sent them.
CREATE TABLE idempotency_keys (
  actor       text NOT NULL,
  key         text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
  operation   text NOT NULL,
  input_hash  bytea NOT NULL,
  result_id   bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor, key)
);

-- +goose Down
DROP TABLE idempotency_keys, region_policies, holiday_schedules, resource_versions;
DROP SEQUENCE calendar_revision_seq;
DROP INDEX data_items_resource_position_idx, data_items_resource_name_key;
ALTER TABLE data_items DROP COLUMN removed_at,
  ADD CONSTRAINT data_items_resource_name_key UNIQUE (resource_id, name),
  ADD CONSTRAINT data_items_resource_position_key UNIQUE (resource_id, position);
DROP INDEX resources_review_due_idx;
ALTER TABLE resources DROP CONSTRAINT resources_review_check, DROP CONSTRAINT resources_revision_check,
  DROP COLUMN review_calendar_revision, DROP COLUMN review_citation, DROP COLUMN review_days,
  DROP COLUMN review_due_at, DROP COLUMN review_due_date, DROP COLUMN submitted_at,
  DROP COLUMN revision, DROP COLUMN revision_status, DROP COLUMN version;
DROP TYPE revision_status;
