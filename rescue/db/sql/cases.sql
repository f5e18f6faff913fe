-- name: insert_report
INSERT INTO case_reports (report_id, case_id, case_number, workflow_id, channel, station_node_id,
                          reported_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (report_id) DO NOTHING
RETURNING report_id, case_id, case_number, workflow_id, channel, station_node_id, reported_by, created_at;

-- name: next_case_number
SELECT 'JZ' || to_char(now(), 'YYYY') || '-' || lpad(nextval('case_number_seq')::text, 6, '0');

-- name: get_report
SELECT report_id, case_id, case_number, workflow_id, channel, station_node_id, reported_by, created_at
FROM case_reports WHERE report_id = $1;

-- name: get_report_by_case
SELECT report_id, case_id, case_number, workflow_id, channel, station_node_id, reported_by, created_at
FROM case_reports WHERE case_id = $1;

-- name: upsert_case
-- Keeps only the newest version: a retried or late sync never rolls a case back.
INSERT INTO cases (case_id, case_number, workflow_id, station_node_id, origin_node_id, stage,
                   classification, is_minor, person_name, id_number, person, overdue,
                   next_deadline, version, opened_at, updated_at, closed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
ON CONFLICT (case_id) DO UPDATE
SET origin_node_id = EXCLUDED.origin_node_id, stage = EXCLUDED.stage,
    classification = EXCLUDED.classification, is_minor = EXCLUDED.is_minor,
    person_name = EXCLUDED.person_name, id_number = EXCLUDED.id_number,
    person = COALESCE(EXCLUDED.person, cases.person), overdue = EXCLUDED.overdue,
    next_deadline = EXCLUDED.next_deadline, version = EXCLUDED.version,
    updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at
WHERE cases.version < EXCLUDED.version;

-- name: get_case
SELECT c.*, s.name AS station_name, o.name AS origin_name
FROM cases c
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE c.case_id = $1;

-- name: get_case_by_number
SELECT c.*, s.name AS station_name, o.name AS origin_name
FROM cases c
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE c.case_number = $1;

-- name: insert_event
INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary, actor, agency, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (event_id) DO NOTHING;

-- name: list_events
SELECT event_id, occurred_at, kind, summary, actor, agency, data
FROM case_events WHERE case_id = $1 ORDER BY occurred_at, event_id;
