package server_test

// complianceFixture is a hand-built history of four departments over the
// first half of 2026, judged on 2026-07-15. Each row says what it is for;
// TestComplianceFigures has the right answers. IDs are fixed so the test
// can name records. Times are China time; a deadline is its day's last
// instant, as the deadline rules store it.
const complianceFixture = `
INSERT INTO departments (id, credit_code, name, level, region_code) OVERRIDING SYSTEM VALUE VALUES
  (1, '11441400MB0000010E', '甲 公安局', 'CITY', '441400'),
  (2, '11441402MB0000020C', '乙 梅江区民政局', 'COUNTY', '441402'),
  (3, '11441400MB0000030G', '丙 气象局', 'CITY', '441400'),
  (4, '11445100MB0000040K', '丁 潮州市市场监管局', 'CITY', '445100');

-- Entries. R1 D1 UNCONDITIONAL/UNCONDITIONAL, complete, DAILY, updated the
-- last day: not stale. R2 D1 CONDITIONAL/CONDITIONAL, complete, MONTHLY,
-- last updated 05-01: stale from 06-01. R3 D1 NONE/NONE without a basis
-- and without a summary, IRREGULAR. R4 D1 a draft (not counted). R5 D2
-- CONDITIONAL/NONE with a basis, an item without a description, YEARLY,
-- never updated (due 2027-03-01). R6 D2 submitted, its review due 06-20
-- and not done. R7 D4 UNCONDITIONAL, complete, IRREGULAR.
INSERT INTO resources (id, code, name, summary, classification, format, update_frequency, share_type, share_conditions,
  share_scope, share_modes, open_type, open_conditions, legal_basis, source_department_id, collecting_department_id,
  approving_department_id, providing_department_id, status, published_at) OVERRIDING SYSTEM VALUE VALUES
  (1, 'T-R1', '户籍', 's', 'c', 'f', 'DAILY', 'UNCONDITIONAL', '', 'city', '{QUERY}', 'UNCONDITIONAL', '', '', 1, 1, 1, 1, 'PUBLISHED', '2025-12-01 09:00+08'),
  (2, 'T-R2', '流动人口', 's', 'c', 'f', 'MONTHLY', 'CONDITIONAL', 'for duties', 'city', '{QUERY,BULK}', 'CONDITIONAL', 'apply', 'law', 1, 1, 1, 1, 'PUBLISHED', '2026-01-10 09:00+08'),
  (3, 'T-R3', '案件', '', 'c', 'f', 'IRREGULAR', 'NONE', '', 'city', '{VERIFY}', 'NONE', '', '', 1, 1, 1, 1, 'PUBLISHED', '2026-02-01 09:00+08'),
  (4, 'T-R4', '草稿', 's', 'c', 'f', 'DAILY', 'UNCONDITIONAL', '', 'city', '{QUERY}', 'UNCONDITIONAL', '', '', 1, 1, 1, 1, 'DRAFT', NULL),
  (5, 'T-R5', '婚姻', 's', 'c', 'f', 'YEARLY', 'CONDITIONAL', 'for duties', 'city', '{QUERY}', 'NONE', '', 'law', 2, 2, 2, 2, 'PUBLISHED', '2026-03-01 09:00+08'),
  (7, 'T-R7', '企业', 's', 'c', 'f', 'IRREGULAR', 'UNCONDITIONAL', '', 'city', '{QUERY}', 'UNCONDITIONAL', '', '', 4, 4, 4, 4, 'PUBLISHED', '2026-01-05 09:00+08');
INSERT INTO resources (id, code, name, summary, classification, format, update_frequency, share_type, share_scope, share_modes,
  open_type, legal_basis, source_department_id, collecting_department_id, approving_department_id, providing_department_id,
  status, submitted_at, review_due_date, review_due_at, review_days, review_citation, review_calendar_revision) OVERRIDING SYSTEM VALUE VALUES
  (6, 'T-R6', '收养', 's', 'c', 'f', 'YEARLY', 'CONDITIONAL', 'city', '{QUERY}', 'NONE', 'law', 2, 2, 2, 2,
   'SUBMITTED', '2026-06-12 09:00+08', '2026-06-20', '2026-06-20 23:59:59.999999+08', 5, 'MZ 8', 1);
INSERT INTO data_items (resource_id, position, name, data_type, description) VALUES
  (1, 1, '姓名', 'STRING', 'name'), (2, 1, '姓名', 'STRING', 'name'), (3, 1, '案号', 'STRING', 'number'),
  (5, 1, '登记日期', 'DATE', ''), (6, 1, '日期', 'DATE', 'day'), (7, 1, '名称', 'STRING', 'name');
INSERT INTO data_updates (resource_id, at, rows, recorded_subject, recorded_role, recorded_at) VALUES
  (1, '2026-06-30 10:00+08', 10, 's', 'DEPARTMENT', '2026-06-30 10:00+08'),
  (2, '2026-04-01 10:00+08', 10, 's', 'DEPARTMENT', '2026-04-01 10:00+08'),
  (2, '2026-05-01 10:00+08', 10, 's', 'DEPARTMENT', '2026-05-01 10:00+08'),
  -- after the period: not seen as of 06-30.
  (2, '2026-07-02 10:00+08', 10, 's', 'DEPARTMENT', '2026-07-02 10:00+08');

-- Reviews: D1's R2 v2 due 01-09 done 01-08 (on time); D1's R1 v5 due
-- 02-10 done 02-12 (late). D2's R6 pending, due 06-20 (overdue).
INSERT INTO catalogue_reviews (resource_id, version, department_id, submitted_at, due_at, decided_at, outcome) VALUES
  (2, 2, 1, '2026-01-02 09:00+08', '2026-01-09 23:59:59.999999+08', '2026-01-08 10:00+08', 'APPROVED'),
  (1, 5, 1, '2026-02-03 09:00+08', '2026-02-10 23:59:59.999999+08', '2026-02-12 10:00+08', 'RETURNED');

-- Change obligations: O1 D1 due 03-10 met 03-09; O2 D1 due 04-10 unmet
-- (violation); O3 D2 due 07-10 (after the period); O4 D2 due 2025-12-01
-- (before it).
INSERT INTO catalogue_change_obligations (id, department_id, reason, description, occurred_on, recorded_subject, recorded_role,
  recorded_at, due_date, due_at, due_days, due_citation, calendar_revision, met_at, met_resource_id, met_version) OVERRIDING SYSTEM VALUE VALUES
  (1, 1, 'DUTIES', 'd', '2026-03-01', 's', 'AUTHORITY', '2026-03-01 09:00+08', '2026-03-10', '2026-03-10 23:59:59.999999+08', 5, 'MZ 8', 1, '2026-03-09 10:00+08', 2, 3),
  (2, 1, 'LEGAL_BASIS', 'd', '2026-04-01', 's', 'AUTHORITY', '2026-04-01 09:00+08', '2026-04-10', '2026-04-10 23:59:59.999999+08', 5, 'MZ 8', 1, NULL, NULL, NULL),
  (3, 2, 'DUTIES', 'd', '2026-07-01', 's', 'AUTHORITY', '2026-07-01 09:00+08', '2026-07-10', '2026-07-10 23:59:59.999999+08', 5, 'MZ 8', 1, NULL, NULL, NULL),
  (4, 2, 'DUTIES', 'd', '2025-11-20', 's', 'AUTHORITY', '2025-11-20 09:00+08', '2025-12-01', '2025-12-01 23:59:59.999999+08', 5, 'MZ 8', 1, NULL, NULL, NULL);

-- Full reviews (QY 8): D1 on 2025-09-01 (within the year); D2 on
-- 2025-05-01 (over a year before 06-30: violation). D3 has no entries and
-- owes none; D4 has entries and none.
INSERT INTO catalogue_full_reviews (department_id, reviewed_on, note, recorded_subject, recorded_role, recorded_at) VALUES
  (1, '2025-09-01', 'n', 's', 'AUTHORITY', '2025-09-01 10:00+08'),
  (2, '2025-05-01', 'n', 's', 'AUTHORITY', '2025-05-01 10:00+08');

-- Share requests to D1 from D2. S1 due 02-11 answered 02-05 in 3 working
-- days (on time). S2 due 03-11 rejected 03-16 without a reason, 10
-- working days (late; a rejection without reason). S3 due 06-10 pending
-- (overdue). S4 due 07-08 (after the period). S5 withdrawn unanswered
-- (owes nothing). S6 unconditional, granted at once (no deadline).
INSERT INTO share_requests (id, resource_id, requester_department_id, source_department_id, requested_by, purpose, scenario,
  item_ids, mode, until, status, submitted_at, due_date, due_at, due_days, due_citation, calendar_revision,
  source_decided_at, reason, answer_days) OVERRIDING SYSTEM VALUE VALUES
  (1, 2, 2, 1, 's', 'p', 'sc', '{2}', 'QUERY', '2027-12-31', 'GRANTED', '2026-02-02 09:00+08', '2026-02-11', '2026-02-11 23:59:59.999999+08', 5, 'MZ 21', 1, '2026-02-05 10:00+08', '', 3),
  (2, 2, 2, 1, 's', 'p', 'sc', '{2}', 'QUERY', '2027-12-31', 'REJECTED', '2026-03-02 09:00+08', '2026-03-11', '2026-03-11 23:59:59.999999+08', 5, 'MZ 21', 1, '2026-03-16 10:00+08', '', 10),
  (3, 2, 2, 1, 's', 'p', 'sc', '{2}', 'QUERY', '2027-12-31', 'PENDING_SOURCE', '2026-06-03 09:00+08', '2026-06-10', '2026-06-10 23:59:59.999999+08', 5, 'MZ 21', 1, NULL, '', NULL),
  (4, 2, 2, 1, 's', 'p', 'sc', '{2}', 'QUERY', '2027-12-31', 'PENDING_SOURCE', '2026-06-29 09:00+08', '2026-07-08', '2026-07-08 23:59:59.999999+08', 5, 'MZ 21', 1, NULL, '', NULL),
  (5, 2, 2, 1, 's', 'p', 'sc', '{2}', 'QUERY', '2027-12-31', 'WITHDRAWN', '2026-04-01 09:00+08', '2026-04-10', '2026-04-10 23:59:59.999999+08', 5, 'MZ 21', 1, NULL, '', NULL),
  (6, 1, 2, 1, 's', 'p', 'sc', '{1}', 'QUERY', '2027-12-31', 'GRANTED', '2026-04-01 09:00+08', NULL, NULL, NULL, NULL, NULL, NULL, '', NULL);

-- Grants. G1 (S1) D2 on R2 from 02-05, reported for 2026-H1 on 06-20.
-- G2 D2 on R1 BULK from 04-01 (a bulk grant of D1's), suspended 05-05, no
-- report (missing). G3 D1 on D2's R5 from 2025-10-01, revoked 02-20,
-- reported for 2026-H1 on 07-05 (late).
INSERT INTO grants (id, resource_id, department_id, item_ids, mode, scenario, status, created_at, request_id, revoked_at) OVERRIDING SYSTEM VALUE VALUES
  (1, 2, 2, '{2}', 'QUERY', 'sc', 'ACTIVE', '2026-02-05 10:00+08', 1, NULL),
  (2, 1, 2, '{1}', 'BULK', 'sc', 'SUSPENDED', '2026-04-01 10:00+08', NULL, NULL),
  (3, 5, 1, '{4}', 'QUERY', 'sc', 'REVOKED', '2025-10-01 10:00+08', NULL, '2026-02-20 10:00+08');
INSERT INTO grant_changes (grant_id, at, actor, from_status, to_status, reason) VALUES
  (2, '2026-05-05 10:00+08', 'a', 'ACTIVE', 'SUSPENDED', 'used beyond its scenario'),
  (3, '2026-02-20 10:00+08', 'a', 'ACTIVE', 'REVOKED', 'no longer needed');
INSERT INTO usage_reports (grant_id, period, period_index, scenario, outcome, security_measures, filed_by, filed_at) VALUES
  (1, '2026-H1', 4052, 'sc', 'o', 'm', 's', '2026-06-20 10:00+08'),
  (3, '2026-H1', 4052, 'sc', 'o', 'm', 's', '2026-07-05 10:00+08');

-- Open requests for D1's R2: P1 due 03-15 approved 03-10; P2 due 05-20
-- rejected 05-25 (late).
INSERT INTO open_requests (id, resource_id, requester, status, created_at, decided_at, due_date, due_at, due_days, due_citation, calendar_revision, reason, basis) OVERRIDING SYSTEM VALUE VALUES
  (1, 2, 'person:a', 'APPROVED', '2026-03-01 09:00+08', '2026-03-10 10:00+08', '2026-03-15', '2026-03-15 23:59:59.999999+08', 10, 'NY 46', 1, '', ''),
  (2, 2, 'person:b', 'REJECTED', '2026-05-06 09:00+08', '2026-05-25 10:00+08', '2026-05-20', '2026-05-20 23:59:59.999999+08', 10, 'NY 46', 1, 'r', 'b');

-- Data errors in D1's R2 reported by D2: E1 verified 04-07 (due 04-08),
-- corrected 04-25 (due 04-21, late); E2 due 06-08, not verified.
INSERT INTO disputes (id, kind, status, resource_id, source_department_id, opened_subject, opened_role, opened_department_id,
  opened_at, due_date, due_at, due_days, due_citation, calendar_revision, description, reporter_department_id,
  finding, verified_at, correct_due_date, correct_due_at, correct_due_days, correct_due_citation, correct_calendar_revision, corrected_at) OVERRIDING SYSTEM VALUE VALUES
  (1, 'DATA_ERROR', 'CORRECTED', 2, 1, 's', 'DEPARTMENT', 2, '2026-04-01 09:00+08', '2026-04-08', '2026-04-08 23:59:59.999999+08', 5, 'MZ 23', 1,
   'wrong', 2, 'CONFIRMED', '2026-04-07 10:00+08', '2026-04-21', '2026-04-21 23:59:59.999999+08', 10, 'MZ 23', 1, '2026-04-25 10:00+08'),
  (2, 'DATA_ERROR', 'AWAITING_VERIFICATION', 2, 1, 's', 'DEPARTMENT', 2, '2026-06-01 09:00+08', '2026-06-08', '2026-06-08 23:59:59.999999+08', 5, 'MZ 23', 1,
   'wrong', 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
`
