-- +goose Up
-- Share requests (MZ 21-22, QY 16-17, WZ 20-21, NY 12-14): a using
-- department asks for items of another's entry in a mode until a day; the
-- source decides within the profile's working days, narrowing what it
-- grants (least privilege); BULK needs the authority too (WZ 21). A grant
-- names what it allows; the authority suspends or revokes it (NY 41, WZ 22).

CREATE TYPE share_request_status AS ENUM ('PENDING_SOURCE', 'PENDING_AUTHORITY', 'GRANTED', 'REJECTED', 'WITHDRAWN');

CREATE TABLE share_requests (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id             bigint NOT NULL REFERENCES resources (id),
  requester_department_id bigint NOT NULL REFERENCES departments (id),
  source_department_id    bigint NOT NULL REFERENCES departments (id),
  requested_by            text NOT NULL,
  purpose                 text NOT NULL CHECK (purpose <> ''),
  scenario                text NOT NULL CHECK (scenario <> ''),
  item_ids                bigint[] NOT NULL CHECK (cardinality(item_ids) > 0),
  mode                    share_mode NOT NULL,
  until                   date NOT NULL,
  status                  share_request_status NOT NULL,
  submitted_at            timestamptz NOT NULL,
  -- The source's deadline (none when granted at once).
  due_date                date,
  due_at                  timestamptz,
  due_days                int,
  due_citation            text,
  calendar_revision       bigint,
  -- The terms the source approved.
  decided_item_ids        bigint[],
  decided_mode            share_mode,
  decided_until           date,
  source_decided_at       timestamptz,
  source_decided_by       text,
  authority_decided_at    timestamptz,
  authority_decided_by    text,
  reason                  text NOT NULL DEFAULT '',
  basis                   text NOT NULL DEFAULT '',
  CONSTRAINT share_requests_due_check CHECK ((due_at IS NULL) = (due_date IS NULL) AND (due_at IS NULL) = (calendar_revision IS NULL))
);
CREATE INDEX share_requests_requester_idx ON share_requests (requester_department_id, id);
CREATE INDEX share_requests_source_idx ON share_requests (source_department_id, id);
CREATE INDEX share_requests_resource_idx ON share_requests (resource_id, id);
CREATE INDEX share_requests_pending_due_idx ON share_requests (due_at) WHERE status = 'PENDING_SOURCE';

ALTER TABLE grants
  ADD COLUMN request_id bigint UNIQUE REFERENCES share_requests (id),
  ADD COLUMN status_reason text NOT NULL DEFAULT '';
CREATE INDEX grants_resource_department_idx ON grants (resource_id, department_id, id);

-- Every change of a grant's status, with who and why (NY 41, WZ 22).
CREATE TABLE grant_changes (
  grant_id    bigint NOT NULL REFERENCES grants (id),
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  from_status grant_status NOT NULL,
  to_status   grant_status NOT NULL,
  reason      text NOT NULL CHECK (reason <> '')
);
CREATE INDEX grant_changes_grant_idx ON grant_changes (grant_id, at);

-- +goose Down
DROP TABLE grant_changes;
DROP INDEX grants_resource_department_idx;
ALTER TABLE grants DROP COLUMN status_reason, DROP COLUMN request_id;
DROP TABLE share_requests;
DROP TYPE share_request_status;
