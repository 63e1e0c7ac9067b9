-- +goose Up
-- Where a resource is obtained: the sharing platform's interface (gated by
-- the share type) and the open platform's download and API (gated by the
-- open type).
ALTER TABLE resources
  ADD COLUMN share_endpoint    text NOT NULL DEFAULT '',
  ADD COLUMN open_download_url text NOT NULL DEFAULT '',
  ADD COLUMN open_api_url      text NOT NULL DEFAULT '';

CREATE TYPE grant_status AS ENUM ('ACTIVE', 'SUSPENDED', 'REVOKED');

-- A share grant (MZ 22, NY 12: least privilege): the using department, the
-- resource, the items and the mode it may use, for a scenario, until an
-- expiry. The requests machinery creates them; the visibility rules read
-- the active ones.
CREATE TABLE grants (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id   bigint NOT NULL REFERENCES resources (id),
  department_id bigint NOT NULL REFERENCES departments (id),
  item_ids      bigint[] NOT NULL DEFAULT '{}',
  mode          share_mode NOT NULL,
  scenario      text NOT NULL CHECK (scenario <> ''),
  valid_until   timestamptz,
  status        grant_status NOT NULL DEFAULT 'ACTIVE',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grants_department_idx ON grants (department_id, resource_id) WHERE status = 'ACTIVE';
CREATE INDEX grants_resource_idx ON grants (resource_id);

CREATE TYPE open_request_status AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN');

-- An open request (NY 46, QY 24, WZ 29) by a person, identified by the
-- subject of their token.
CREATE TABLE open_requests (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id bigint NOT NULL REFERENCES resources (id),
  requester   text NOT NULL CHECK (requester <> ''),
  purpose     text NOT NULL DEFAULT '',
  scope       text NOT NULL DEFAULT '',
  status      open_request_status NOT NULL DEFAULT 'PENDING',
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz
);
CREATE INDEX open_requests_requester_idx ON open_requests (requester, resource_id) WHERE status = 'APPROVED';

-- +goose Down
DROP TABLE open_requests;
DROP TYPE open_request_status;
DROP TABLE grants;
DROP TYPE grant_status;
ALTER TABLE resources DROP COLUMN share_endpoint, DROP COLUMN open_download_url, DROP COLUMN open_api_url;
