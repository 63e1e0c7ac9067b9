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
CREATE INDEX grant_changes_at_idx ON grant_changes (at) WHERE to_status IN ('SUSPENDED', 'REVOKED');
CREATE INDEX open_requests_due_idx ON open_requests (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX disputes_due_idx ON disputes (due_at) WHERE kind = 'DATA_ERROR';
CREATE INDEX disputes_correct_due_idx ON disputes (correct_due_at) WHERE correct_due_at IS NOT NULL;
CREATE INDEX catalogue_change_obligations_due_all_idx ON catalogue_change_obligations (due_at);

-- +goose Down
DROP INDEX catalogue_change_obligations_due_all_idx, disputes_correct_due_idx, disputes_due_idx, open_requests_due_idx,
  grant_changes_at_idx, grants_created_idx, share_requests_answered_idx, share_requests_due_idx;
ALTER TABLE share_requests DROP COLUMN answer_days;
DROP TABLE catalogue_reviews;
