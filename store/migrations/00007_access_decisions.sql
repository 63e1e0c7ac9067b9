-- +goose Up
-- Every access decision a data service asks for (WZ 25, WZ 34, NY 33): who
-- asked, for which items, mode and data subject, and the answer. The
-- subject is kept only as a keyed hash (domain.ProtectSubject), so the
-- subject can find the records about them without the records naming them.
CREATE TABLE access_decisions (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at               timestamptz NOT NULL,
  actor_subject    text NOT NULL,
  department_id    bigint NOT NULL REFERENCES departments (id),
  resource_id      bigint NOT NULL REFERENCES resources (id),
  item_ids         bigint[] NOT NULL,
  mode             share_mode NOT NULL,
  subject_hash     bytea CHECK (subject_hash IS NULL OR length(subject_hash) = 32),
  allowed          boolean NOT NULL,
  allowed_item_ids bigint[] NOT NULL,
  grant_id         bigint REFERENCES grants (id),
  reason           text NOT NULL CHECK (reason <> '')
);
CREATE INDEX access_decisions_subject_idx ON access_decisions (subject_hash, at) WHERE subject_hash IS NOT NULL;
CREATE INDEX access_decisions_resource_idx ON access_decisions (resource_id, at);
CREATE INDEX access_decisions_department_idx ON access_decisions (department_id, at);

-- +goose Down
DROP TABLE access_decisions;
