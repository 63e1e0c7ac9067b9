-- +goose Up
-- Catalogue change obligations (MZ 8, QY 8, NY 22, WZ 11): after a change
-- of a department's legal basis, duties or systems, it must update its
-- catalogue within the profile's working days; a submission for review
-- meets every open obligation of the department that arose by then. And
-- the full reviews each department makes of its own catalogue (QY 8).

CREATE TYPE catalogue_change_reason AS ENUM ('LEGAL_BASIS', 'DUTIES', 'INFORMATION_SYSTEM', 'ELEMENTS', 'OTHER');

CREATE TABLE catalogue_change_obligations (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  department_id       bigint NOT NULL REFERENCES departments (id),
  reason              catalogue_change_reason NOT NULL,
  description         text NOT NULL CHECK (description <> ''),
  occurred_on         date NOT NULL,
  recorded_subject    text NOT NULL,
  recorded_role       text NOT NULL,
  recorded_department_id bigint REFERENCES departments (id),
  recorded_at         timestamptz NOT NULL,
  -- The deadline, with the rule and calendar revision it was counted on.
  due_date            date NOT NULL,
  due_at              timestamptz NOT NULL,
  due_days            int NOT NULL CHECK (due_days > 0),
  due_citation        text NOT NULL,
  calendar_revision   bigint NOT NULL,
  met_at              timestamptz,
  met_resource_id     bigint REFERENCES resources (id),
  met_version         int,
  CONSTRAINT catalogue_change_obligations_met_check CHECK (
    (met_at IS NULL) = (met_resource_id IS NULL) AND (met_at IS NULL) = (met_version IS NULL))
);
CREATE INDEX catalogue_change_obligations_department_idx ON catalogue_change_obligations (department_id, id);
CREATE INDEX catalogue_change_obligations_open_idx ON catalogue_change_obligations (department_id, occurred_on) WHERE met_at IS NULL;
CREATE INDEX catalogue_change_obligations_due_idx ON catalogue_change_obligations (due_at) WHERE met_at IS NULL;

CREATE TABLE catalogue_full_reviews (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  department_id       bigint NOT NULL REFERENCES departments (id),
  reviewed_on         date NOT NULL,
  note                text NOT NULL CHECK (note <> ''),
  recorded_subject    text NOT NULL,
  recorded_role       text NOT NULL,
  recorded_department_id bigint REFERENCES departments (id),
  recorded_at         timestamptz NOT NULL
);
CREATE INDEX catalogue_full_reviews_department_idx ON catalogue_full_reviews (department_id, reviewed_on DESC, id DESC);

-- +goose Down
DROP TABLE catalogue_full_reviews, catalogue_change_obligations;
DROP TYPE catalogue_change_reason;
