-- +goose Up
-- Open requests (NY 46, QY 24, WZ 29) get the source's deadline, its one
-- extension (approved by the department head, NY 46) and the answer's
-- reason and basis. requester is the person's token subject.
ALTER TABLE open_requests
  ADD COLUMN due_date              date,
  ADD COLUMN due_at                timestamptz,
  ADD COLUMN due_days              int,
  ADD COLUMN due_citation          text,
  ADD COLUMN calendar_revision     bigint,
  ADD COLUMN extended_at           timestamptz,
  ADD COLUMN extension_reason      text NOT NULL DEFAULT '',
  ADD COLUMN extension_approved_by text NOT NULL DEFAULT '',
  ADD COLUMN decided_by            text NOT NULL DEFAULT '',
  ADD COLUMN reason                text NOT NULL DEFAULT '',
  ADD COLUMN basis                 text NOT NULL DEFAULT '',
  ADD CONSTRAINT open_requests_due_check CHECK ((due_at IS NULL) = (due_date IS NULL) AND (due_at IS NULL) = (calendar_revision IS NULL));
CREATE INDEX open_requests_resource_idx ON open_requests (resource_id, id);
CREATE INDEX open_requests_requester_list_idx ON open_requests (requester, id);
CREATE INDEX open_requests_pending_due_idx ON open_requests (due_at) WHERE status = 'PENDING';

-- +goose Down
DROP INDEX open_requests_pending_due_idx, open_requests_requester_list_idx, open_requests_resource_idx;
ALTER TABLE open_requests DROP CONSTRAINT open_requests_due_check,
  DROP COLUMN basis, DROP COLUMN reason, DROP COLUMN decided_by, DROP COLUMN extension_approved_by,
  DROP COLUMN extension_reason, DROP COLUMN extended_at, DROP COLUMN calendar_revision, DROP COLUMN due_citation,
  DROP COLUMN due_days, DROP COLUMN due_at, DROP COLUMN due_date;
