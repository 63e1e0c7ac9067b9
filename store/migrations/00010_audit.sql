-- +goose Up
-- The audit log (NY 33, WZ 25, WZ 34): every mutation, access decision and
-- refused attempt, in commit order. id is the event's place in a hash
-- chain: hash = SHA-256 over the previous event's hash and this event's
-- content (domain.AuditEvent.ComputeHash), so an edited, inserted or
-- deleted row breaks the chain at that place. before, after and details
-- are json (not jsonb) so the text hashed is the text kept.
--
-- Partitioned by month of at; store.appendAudit creates a month's
-- partition when its first event arrives. Partitions are dropped whole,
-- and only once older than the retention (domain.AuditRetention).
CREATE TABLE audit_events (
  id                  bigint NOT NULL CHECK (id > 0),
  at                  timestamptz NOT NULL,
  request_id          text NOT NULL,
  actor_subject       text NOT NULL,
  actor_role          text NOT NULL,
  actor_department_id bigint,
  action              text NOT NULL CHECK (action <> ''),
  target_kind         text NOT NULL,
  target_id           bigint,
  resource_id         bigint,
  department_id       bigint,
  outcome             text NOT NULL CHECK (outcome IN ('OK', 'REFUSED', 'FAILED')),
  code                text NOT NULL,
  message             text NOT NULL,
  before              json,
  after               json,
  details             json,
  prev_hash           bytea NOT NULL,
  hash                bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);
CREATE INDEX audit_events_id_idx ON audit_events (id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_subject, id);
CREATE INDEX audit_events_actor_department_idx ON audit_events (actor_department_id, id) WHERE actor_department_id IS NOT NULL;
CREATE INDEX audit_events_department_idx ON audit_events (department_id, id) WHERE department_id IS NOT NULL;
CREATE INDEX audit_events_resource_idx ON audit_events (resource_id, id) WHERE resource_id IS NOT NULL;
CREATE INDEX audit_events_action_idx ON audit_events (action, id);

-- The chain's head: the last event's id and hash. Appending locks this row,
-- so events get consecutive ids in commit order; purged holds where the
-- kept chain begins after a purge (its first event's prev_hash).
CREATE TABLE audit_chain (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id     bigint NOT NULL,
  last_hash   bytea NOT NULL,
  purged_to   bigint NOT NULL DEFAULT 0,
  purged_hash bytea NOT NULL DEFAULT ''::bytea
);
INSERT INTO audit_chain (last_id, last_hash) VALUES (0, ''::bytea);

-- Append-only for every role, the owner and superusers included: rows are
-- never updated or deleted, the table never truncated. Only whole old
-- partitions are dropped, by `catalogue audit purge`.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % is not allowed (NY 33)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;

-- +goose Down
DROP TABLE audit_chain;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
