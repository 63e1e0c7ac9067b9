-- +goose Up
-- Half-yearly usage reports on grants (MZ 39: 每半年 … 反馈公共数据的使用情况,
-- 包括 … 数据应用场景、应用成效、安全保障). period_index = year × 2 + half − 1
-- (domain.HalfYear.Index), so periods compare in SQL. A revocation ends a
-- grant: no report is owed after it.
ALTER TABLE grants ADD COLUMN revoked_at timestamptz;
-- Grants revoked before the column existed: their last recorded change,
-- else their creation, is the best known end.
UPDATE grants g SET revoked_at = coalesce(
  (SELECT max(c.at) FROM grant_changes c WHERE c.grant_id = g.id AND c.to_status = 'REVOKED'), g.created_at)
WHERE g.status = 'REVOKED';

CREATE TABLE usage_reports (
  grant_id          bigint NOT NULL REFERENCES grants (id),
  period            text NOT NULL CHECK (period ~ '^[0-9]{4}-H[12]$'),
  period_index      int NOT NULL,
  scenario          text NOT NULL CHECK (scenario <> ''),
  outcome           text NOT NULL CHECK (outcome <> ''),
  security_measures text NOT NULL CHECK (security_measures <> ''),
  filed_by          text NOT NULL,
  filed_at          timestamptz NOT NULL,
  CONSTRAINT usage_reports_pkey PRIMARY KEY (grant_id, period)
);
CREATE INDEX usage_reports_index_idx ON usage_reports (grant_id, period_index);

-- +goose Down
DROP TABLE usage_reports;
ALTER TABLE grants DROP COLUMN revoked_at;
