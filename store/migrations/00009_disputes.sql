-- +goose Up
-- Disputes (DOMAIN.md "Disputes"), one table for the three kinds:
--   DATA_ERROR (MZ 23, QY 18, NY 64-65, WZ 23, MZ 35): reported with
--     evidence, verified by the source within a deadline (extendable once
--     under WZ 23), a confirmed error corrected within another;
--   SHARING (MZ 42, WZ 20, QY 16(3)): a refused or overdue share request,
--     through negotiation, the authority's coordination, joint consultation
--     and the government's decision, each step's positions and outcome kept;
--   OPEN_OBJECTION (NY 45): a person objects to an open catalogue entry, the
--     source answers within a deadline (extendable once); an accepted one
--     opens a catalogue change obligation for that entry.
-- Each deadline keeps the rule and calendar revision it was counted on;
-- current_due_at is the one running now, for the overdue lists.

CREATE TYPE dispute_kind AS ENUM ('DATA_ERROR', 'SHARING', 'OPEN_OBJECTION');

ALTER TYPE catalogue_change_reason ADD VALUE 'OBJECTION';
-- An obligation opened for one entry (an accepted objection) is met by a
-- submission of that entry only.
ALTER TABLE catalogue_change_obligations ADD COLUMN resource_id bigint REFERENCES resources (id);

CREATE TABLE disputes (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind                    dispute_kind NOT NULL,
  status                  text NOT NULL,
  resource_id             bigint NOT NULL REFERENCES resources (id),
  source_department_id    bigint NOT NULL REFERENCES departments (id),
  opened_subject          text NOT NULL,
  opened_role             text NOT NULL,
  opened_department_id    bigint REFERENCES departments (id),
  opened_at               timestamptz NOT NULL,
  closed_at               timestamptz,
  -- The first deadline: verification (ERROR_VERIFY) or answer
  -- (OPEN_OBJECTION), after its extension if any.
  due_date                date,
  due_at                  timestamptz,
  due_days                int,
  due_citation            text,
  calendar_revision       bigint,
  extended_at             timestamptz,
  extension_days          int,
  extension_reason        text NOT NULL DEFAULT '',
  extension_approved_by   text NOT NULL DEFAULT '',
  -- DATA_ERROR.
  item_ids                bigint[] NOT NULL DEFAULT '{}',
  description             text NOT NULL DEFAULT '',
  subject                 text NOT NULL DEFAULT '',
  reporter_department_id  bigint REFERENCES departments (id),
  reporter_person         text NOT NULL DEFAULT '',
  finding                 text CHECK (finding IN ('CONFIRMED', 'REJECTED')),
  verified_at             timestamptz,
  verification_note       text NOT NULL DEFAULT '',
  correct_due_date        date,
  correct_due_at          timestamptz,
  correct_due_days        int,
  correct_due_citation    text,
  correct_calendar_revision bigint,
  corrected_at            timestamptz,
  correction_note         text NOT NULL DEFAULT '',
  -- SHARING.
  request_id              bigint REFERENCES share_requests (id),
  requester_department_id bigint REFERENCES departments (id),
  step                    text CHECK (step IN ('NEGOTIATION', 'AUTHORITY_COORDINATION', 'JOINT_CONSULTATION', 'GOVERNMENT_DECISION')),
  resolution              text NOT NULL DEFAULT '',
  decision_reference      text NOT NULL DEFAULT '',
  grant_ordered           boolean NOT NULL DEFAULT false,
  -- OPEN_OBJECTION.
  objection               text NOT NULL DEFAULT '',
  proposed_correction     text NOT NULL DEFAULT '',
  answered_at             timestamptz,
  reason                  text NOT NULL DEFAULT '',
  basis                   text NOT NULL DEFAULT '',
  obligation_id           bigint REFERENCES catalogue_change_obligations (id),
  current_due_at          timestamptz GENERATED ALWAYS AS (CASE
    WHEN status IN ('AWAITING_VERIFICATION', 'AWAITING_ANSWER') THEN due_at
    WHEN status = 'AWAITING_CORRECTION' THEN correct_due_at END) STORED,
  CONSTRAINT disputes_status_check CHECK (CASE kind
    WHEN 'DATA_ERROR' THEN status IN ('AWAITING_VERIFICATION', 'AWAITING_CORRECTION', 'CORRECTED', 'REJECTED', 'WITHDRAWN')
    WHEN 'SHARING' THEN status IN ('IN_PROGRESS', 'RESOLVED', 'WITHDRAWN')
    ELSE status IN ('AWAITING_ANSWER', 'ACCEPTED', 'REJECTED', 'WITHDRAWN') END),
  CONSTRAINT disputes_kind_check CHECK (CASE kind
    WHEN 'DATA_ERROR' THEN description <> '' AND due_at IS NOT NULL
      AND (reporter_department_id IS NULL) <> (reporter_person = '')
    WHEN 'SHARING' THEN request_id IS NOT NULL AND requester_department_id IS NOT NULL AND step IS NOT NULL
    ELSE objection <> '' AND proposed_correction <> '' AND due_at IS NOT NULL END),
  CONSTRAINT disputes_due_check CHECK ((due_at IS NULL) = (due_date IS NULL) AND (due_at IS NULL) = (calendar_revision IS NULL)),
  CONSTRAINT disputes_correct_due_check CHECK ((correct_due_at IS NULL) = (correct_due_date IS NULL)
    AND (correct_due_at IS NULL) = (correct_calendar_revision IS NULL))
);
CREATE INDEX disputes_source_idx ON disputes (source_department_id, id);
CREATE INDEX disputes_resource_idx ON disputes (resource_id, id);
CREATE INDEX disputes_opened_department_idx ON disputes (opened_department_id, id) WHERE opened_department_id IS NOT NULL;
CREATE INDEX disputes_requester_idx ON disputes (requester_department_id, id) WHERE requester_department_id IS NOT NULL;
CREATE INDEX disputes_person_idx ON disputes (opened_subject, id) WHERE opened_role = 'PERSON';
CREATE INDEX disputes_current_due_idx ON disputes (current_due_at) WHERE current_due_at IS NOT NULL;
-- One open dispute per share request.
CREATE UNIQUE INDEX disputes_open_request_idx ON disputes (request_id) WHERE kind = 'SHARING' AND status = 'IN_PROGRESS';

-- A sharing dispute's steps as they went (MZ 42).
CREATE TABLE sharing_dispute_steps (
  dispute_id     bigint NOT NULL REFERENCES disputes (id),
  step           text NOT NULL,
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz,
  outcome        text NOT NULL DEFAULT '',
  reasons        text NOT NULL DEFAULT '',
  recommendation text NOT NULL DEFAULT '',
  PRIMARY KEY (dispute_id, step)
);

-- The parties' positions at each step (MZ 42: 各方理据).
CREATE TABLE dispute_positions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dispute_id    bigint NOT NULL REFERENCES disputes (id),
  step          text NOT NULL,
  department_id bigint NOT NULL REFERENCES departments (id),
  position      text NOT NULL CHECK (position <> ''),
  subject       text NOT NULL,
  at            timestamptz NOT NULL,
  FOREIGN KEY (dispute_id, step) REFERENCES sharing_dispute_steps (dispute_id, step)
);
CREATE INDEX dispute_positions_dispute_idx ON dispute_positions (dispute_id, id);

-- Evidence (NY 64: 佐证材料): an uploaded file, kept with its SHA-256, size
-- and sniffed type, or a link.
CREATE TABLE dispute_evidence (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dispute_id   bigint NOT NULL REFERENCES disputes (id),
  file_name    text NOT NULL DEFAULT '',
  content_type text NOT NULL DEFAULT '',
  size         bigint NOT NULL DEFAULT 0,
  sha256       bytea,
  content      bytea,
  url          text NOT NULL DEFAULT '',
  added_at     timestamptz NOT NULL,
  CONSTRAINT dispute_evidence_check CHECK (CASE WHEN url = ''
    THEN content IS NOT NULL AND octet_length(content) = size AND octet_length(sha256) = 32
    ELSE content IS NULL AND sha256 IS NULL END)
);
CREATE INDEX dispute_evidence_dispute_idx ON dispute_evidence (dispute_id, id);

-- Every action on a dispute: who, when, what, with its note.
CREATE TABLE dispute_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dispute_id    bigint NOT NULL REFERENCES disputes (id),
  at            timestamptz NOT NULL,
  subject       text NOT NULL,
  role          text NOT NULL,
  department_id bigint REFERENCES departments (id),
  action        text NOT NULL,
  from_status   text NOT NULL DEFAULT '',
  to_status     text NOT NULL,
  note          text NOT NULL DEFAULT ''
);
CREATE INDEX dispute_events_dispute_idx ON dispute_events (dispute_id, id);

-- A request granted by a dispute's resolution names it (MZ 42).
ALTER TABLE share_requests ADD COLUMN ordered_by_dispute_id bigint REFERENCES disputes (id);

-- +goose Down
ALTER TABLE share_requests DROP COLUMN ordered_by_dispute_id;
DROP TABLE dispute_events, dispute_evidence, dispute_positions, sharing_dispute_steps, disputes;
DROP TYPE dispute_kind;
ALTER TABLE catalogue_change_obligations DROP COLUMN resource_id;
-- The OBJECTION value of catalogue_change_reason stays: PostgreSQL cannot
-- drop an enum value.
