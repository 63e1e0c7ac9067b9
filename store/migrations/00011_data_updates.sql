-- +goose Up
-- Each update of a resource's data as its source department records it
-- (MZ 13: data is updated on the catalogue's declared frequency), so
-- staleness can be judged and scored (NY 59, WZ 40).
CREATE TABLE data_updates (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id            bigint NOT NULL REFERENCES resources (id),
  at                     timestamptz NOT NULL,
  rows                   bigint NOT NULL CHECK (rows >= 0),
  recorded_subject       text NOT NULL,
  recorded_role          text NOT NULL,
  recorded_department_id bigint REFERENCES departments (id),
  recorded_at            timestamptz NOT NULL
);
CREATE INDEX data_updates_resource_idx ON data_updates (resource_id, at DESC, id DESC);

-- +goose Down
DROP TABLE data_updates;
