-- +goose Up
-- The catalogue core: departments, resources with their data items, data
-- elements (one source each, MZ 11) and theme databases.

CREATE TYPE share_type AS ENUM ('UNCONDITIONAL', 'CONDITIONAL', 'NONE');
CREATE TYPE open_type AS ENUM ('UNCONDITIONAL', 'CONDITIONAL', 'NONE');
CREATE TYPE share_mode AS ENUM ('VERIFY', 'QUERY', 'BULK');
CREATE TYPE resource_status AS ENUM ('DRAFT', 'SUBMITTED', 'PUBLISHED', 'RETURNED', 'RETIRED');
CREATE TYPE update_frequency AS ENUM
  ('REAL_TIME', 'DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'HALF_YEARLY', 'YEARLY', 'IRREGULAR');
CREATE TYPE data_type AS ENUM
  ('STRING', 'NUMBER', 'CURRENCY', 'DATE', 'DATETIME', 'BOOLEAN', 'TEXT', 'BINARY', 'DOUBLE', 'INTEGER', 'FLOAT');
CREATE TYPE department_level AS ENUM ('CITY', 'COUNTY');
CREATE TYPE theme_kind AS ENUM ('BASE', 'THEME', 'SPECIAL');

CREATE TABLE departments (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  credit_code text NOT NULL CONSTRAINT departments_credit_code_key UNIQUE
              CONSTRAINT departments_credit_code_check CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
  name        text NOT NULL CHECK (name <> ''),
  level       department_level NOT NULL,
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  parent_id   bigint REFERENCES departments (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX departments_parent_id_idx ON departments (parent_id);
CREATE INDEX departments_name_idx ON departments (name, id);

-- catalogue_grams returns the distinct characters and character pairs of a
-- text, lower-cased. Chinese has no word boundaries, so a substring search
-- (户籍 in 户籍登记数据) is answered by a GIN index over these n-grams, then
-- rechecked with LIKE. IMMUTABLE so it can feed a generated column.
-- +goose StatementBegin
CREATE FUNCTION catalogue_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM (
    SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, char_length(t)) AS i
    UNION ALL
    SELECT substr(lower(t), i, 2) FROM generate_series(1, char_length(t) - 1) AS i
  ) grams
  WHERE g !~ '\s'
$$;
-- +goose StatementEnd

-- catalogue_query_grams returns the grams a search string must contain:
-- its character pairs, or its one character.
-- +goose StatementBegin
CREATE FUNCTION catalogue_query_grams(q text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT CASE WHEN char_length(q) = 1 THEN ARRAY[lower(q)]
  ELSE coalesce((SELECT array_agg(DISTINCT substr(lower(q), i, 2))
                 FROM generate_series(1, char_length(q) - 1) AS i
                 WHERE substr(lower(q), i, 2) !~ '\s'), '{}') END
$$;
-- +goose StatementEnd

CREATE TABLE resources (
  id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code                      text NOT NULL CONSTRAINT resources_code_key UNIQUE CHECK (code <> ''),
  name                      text NOT NULL CHECK (name <> ''),
  summary                   text NOT NULL DEFAULT '',
  classification            text NOT NULL DEFAULT '',
  format                    text NOT NULL DEFAULT '',
  update_frequency          update_frequency NOT NULL,
  share_type                share_type NOT NULL,
  share_conditions          text NOT NULL DEFAULT '',
  share_scope               text NOT NULL DEFAULT '',
  share_modes               share_mode[] NOT NULL DEFAULT '{}',
  open_type                 open_type NOT NULL,
  open_conditions           text NOT NULL DEFAULT '',
  legal_basis               text NOT NULL DEFAULT '',
  source_department_id      bigint NOT NULL REFERENCES departments (id),
  collecting_department_id  bigint NOT NULL REFERENCES departments (id),
  approving_department_id   bigint NOT NULL REFERENCES departments (id),
  providing_department_id   bigint NOT NULL REFERENCES departments (id),
  status                    resource_status NOT NULL DEFAULT 'DRAFT',
  published_at              timestamptz,
  contact_person            text NOT NULL DEFAULT '',
  contact_phone             text NOT NULL DEFAULT '',
  review_notes              text NOT NULL DEFAULT '',
  none_share_filing         text NOT NULL DEFAULT '',
  sample                    jsonb NOT NULL DEFAULT '[]',
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  search_grams              text[] GENERATED ALWAYS AS (catalogue_grams(name || ' ' || summary)) STORED,
  -- The target of resource_data_elements' composite key: an element may be
  -- carried only by resources of its own source department (MZ 11).
  CONSTRAINT resources_id_source_key UNIQUE (id, source_department_id)
);
CREATE INDEX resources_source_department_idx ON resources (source_department_id, code);
CREATE INDEX resources_name_idx ON resources (name, id);
CREATE INDEX resources_updated_at_idx ON resources (updated_at, id);
CREATE INDEX resources_published_at_idx ON resources (published_at, id);
CREATE INDEX resources_status_idx ON resources (status);
CREATE INDEX resources_search_grams_idx ON resources USING gin (search_grams);

CREATE TABLE data_items (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id bigint NOT NULL REFERENCES resources (id),
  position    int NOT NULL,
  name        text NOT NULL CHECK (name <> ''),
  data_type   data_type NOT NULL,
  description text NOT NULL DEFAULT '',
  personal    boolean NOT NULL DEFAULT false,
  CONSTRAINT data_items_resource_name_key UNIQUE (resource_id, name),
  CONSTRAINT data_items_resource_position_key UNIQUE (resource_id, position)
);

-- A data element has exactly one legal source department (一数一源, MZ 11,
-- JM 8, QY 13): the unique code means a second department cannot claim it.
CREATE TABLE data_elements (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code                 text NOT NULL CONSTRAINT data_elements_code_key UNIQUE,
  name                 text NOT NULL CONSTRAINT data_elements_name_key UNIQUE,
  description          text NOT NULL DEFAULT '',
  source_department_id bigint NOT NULL REFERENCES departments (id),
  CONSTRAINT data_elements_id_source_key UNIQUE (id, source_department_id)
);

-- The composite foreign keys make the database refuse a resource carrying
-- an element whose source department is not the resource's own (MZ 11).
CREATE TABLE resource_data_elements (
  resource_id          bigint NOT NULL,
  data_element_id      bigint NOT NULL,
  source_department_id bigint NOT NULL,
  PRIMARY KEY (resource_id, data_element_id),
  CONSTRAINT resource_data_elements_resource_fkey FOREIGN KEY (resource_id, source_department_id)
    REFERENCES resources (id, source_department_id) ON UPDATE CASCADE,
  CONSTRAINT resource_data_elements_one_source_fkey FOREIGN KEY (data_element_id, source_department_id)
    REFERENCES data_elements (id, source_department_id)
);
CREATE INDEX resource_data_elements_element_idx ON resource_data_elements (data_element_id);

CREATE TABLE theme_databases (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code               text NOT NULL CONSTRAINT theme_databases_code_key UNIQUE,
  name               text NOT NULL CHECK (name <> ''),
  kind               theme_kind NOT NULL,
  description        text NOT NULL DEFAULT '',
  lead_department_id bigint NOT NULL REFERENCES departments (id)
);
CREATE INDEX theme_databases_lead_idx ON theme_databases (lead_department_id);

CREATE TABLE theme_database_resources (
  theme_database_id bigint NOT NULL REFERENCES theme_databases (id),
  resource_id       bigint NOT NULL REFERENCES resources (id),
  PRIMARY KEY (theme_database_id, resource_id)
);
CREATE INDEX theme_database_resources_resource_idx ON theme_database_resources (resource_id);

-- +goose Down
DROP TABLE theme_database_resources, theme_databases, resource_data_elements,
  data_elements, data_items, resources, departments;
DROP FUNCTION catalogue_query_grams(text), catalogue_grams(text);
DROP TYPE theme_kind, department_level, data_type, update_frequency,
  resource_status, share_mode, open_type, share_type;
