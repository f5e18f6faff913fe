-- name: hotline_insert
INSERT INTO hotline_calls (call_id, workflow_id, received_at, operator, area_node_id, kind, place,
                           description, caller_phone, status)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received')
ON CONFLICT (call_id) DO NOTHING
RETURNING call_id;

-- name: hotline_record
-- The workflow's state; the version keeps a late retry from rolling a call back.
UPDATE hotline_calls
SET status = $2, duty_node_id = COALESCE($3, duty_node_id), arrival_due = $4, arrived_at = $5,
    finding = $6, case_id = $7, callback_at = $8, callback_note = $9, escalations = $10,
    updated_at = now(), version = $11
WHERE call_id = $1 AND version < $11;

-- name: hotline_get
SELECT h.*, a.name AS area_name, a.path AS area_path, d.name AS duty_name, d.path AS duty_path,
       c.case_number
FROM hotline_calls h JOIN org_nodes a ON a.node_id = h.area_node_id
LEFT JOIN org_nodes d ON d.node_id = h.duty_node_id
LEFT JOIN cases c ON c.case_id = h.case_id
WHERE h.call_id = $1;

-- name: hotline_list
-- Calls whose place or duty station lies in the subtree at $1, or that operator $2 took.
SELECT h.*, a.name AS area_name, a.path AS area_path, d.name AS duty_name, d.path AS duty_path,
       c.case_number
FROM hotline_calls h JOIN org_nodes a ON a.node_id = h.area_node_id
LEFT JOIN org_nodes d ON d.node_id = h.duty_node_id
LEFT JOIN cases c ON c.case_id = h.case_id
WHERE starts_with(a.path, $1) OR starts_with(d.path, $1) OR h.operator = $2
ORDER BY h.received_at DESC
LIMIT 200;
