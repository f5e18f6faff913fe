-- name: pulse_counts
-- New work of one organisation and role: its open tasks past their deadline, its open
-- supervision tasks, 12349 calls dispatched to it and awaiting arrival ($3: a station role),
-- and the hotline's pending call-backs ($4: a hotline operator).
SELECT
  (SELECT count(*) FROM tasks t
    WHERE t.assignee_node_id = $1 AND t.assignee_role = $2 AND t.status = 'open'
      AND t.deadline < now()) AS overdue,
  (SELECT count(*) FROM tasks t
    WHERE t.assignee_node_id = $1 AND t.assignee_role = $2 AND t.status = 'open'
      AND t.kind = 'supervision') AS supervision,
  (SELECT count(*) FROM hotline_calls h
    WHERE $3::boolean AND h.duty_node_id = $1 AND h.status IN ('dispatched', 'arrived')) AS dispatches,
  (SELECT count(*) FROM hotline_calls h
    WHERE $4::boolean AND h.caller_phone IS NOT NULL AND h.callback_at IS NULL
      AND h.status IN ('found', 'not_found')) AS callbacks;

-- name: worktable_tasks
-- The open tasks of one organisation and role with what a row needs to say what to do: the
-- person, the case's station and origin, and for a supervision task the late task itself.
SELECT t.task_id, t.case_id, c.case_number, t.kind, t.assignee_node_id, t.assignee_role,
       t.context, t.opened_at, t.deadline, t.overdue, t.workflow_id,
       COALESCE(c.person_name, r.reported_name) AS person_name,
       (c.person_name IS NULL AND r.reported_name IS NOT NULL) AS name_reported,
       c.is_minor, c.person->>'sex' AS sex, c.stage,
       c.station_node_id, s.name AS station_name, s.address AS station_address,
       c.origin_node_id, o.name AS origin_name
FROM tasks t
JOIN cases c ON c.case_id = t.case_id
LEFT JOIN case_reports r ON r.case_id = c.case_id
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE t.assignee_node_id = $1 AND t.assignee_role = $2 AND t.status = 'open'
ORDER BY (t.deadline < now()) DESC, t.deadline
LIMIT $3;

-- name: tasks_by_ids
-- Tasks by id (the late task behind a supervision task), with their assignee's node.
SELECT t.task_id, t.kind, t.assignee_node_id, t.assignee_role, t.deadline, t.status,
       t.workflow_id, n.name AS node_name, n.phone AS node_phone
FROM tasks t JOIN org_nodes n ON n.node_id = t.assignee_node_id
WHERE t.task_id = ANY($1::uuid[]);

-- name: contacts_of_nodes
-- The active staff of some nodes with a phone number (whom to call about a late task).
SELECT node_id, name, duty, phone FROM node_staff
WHERE node_id = ANY($1::text[]) AND active AND phone IS NOT NULL
ORDER BY node_id, duty, name;

-- name: station_tasks
-- Open tasks of the cases of some stations (any assignee), late ($2 = 'overdue') or due
-- between now and the end of today ($3), as the dashboard counts them.
SELECT t.task_id, t.case_id, c.case_number, t.kind, t.assignee_node_id, t.assignee_role,
       t.context, t.opened_at, t.deadline, t.overdue, t.workflow_id,
       COALESCE(c.person_name, r.reported_name) AS person_name,
       (c.person_name IS NULL AND r.reported_name IS NOT NULL) AS name_reported,
       c.is_minor, c.person->>'sex' AS sex, c.stage,
       c.station_node_id, s.name AS station_name, s.address AS station_address,
       c.origin_node_id, o.name AS origin_name
FROM tasks t
JOIN cases c ON c.case_id = t.case_id
LEFT JOIN case_reports r ON r.case_id = c.case_id
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE t.status = 'open' AND c.station_node_id = ANY($1::text[])
  AND CASE WHEN $2 = 'overdue' THEN t.deadline < now()
           ELSE t.deadline >= now() AND t.deadline < $3 END
ORDER BY t.deadline;

-- name: dispatched_calls
-- 12349 calls dispatched to a station and not yet answered there (arrival, then finding).
SELECT h.call_id, h.received_at, h.kind, h.place, h.description, h.status, h.arrival_due,
       h.arrived_at, h.escalations, a.name AS area_name
FROM hotline_calls h JOIN org_nodes a ON a.node_id = h.area_node_id
WHERE h.duty_node_id = $1 AND h.status IN ('dispatched', 'arrived')
ORDER BY h.arrival_due NULLS LAST, h.received_at;

-- name: pending_callbacks
-- Calls whose caller waits to be told the outcome.
SELECT h.call_id, h.received_at, h.kind, h.place, h.status, h.caller_phone, h.finding,
       h.case_id, c.case_number, a.name AS area_name, d.name AS duty_name, h.updated_at
FROM hotline_calls h JOIN org_nodes a ON a.node_id = h.area_node_id
LEFT JOIN org_nodes d ON d.node_id = h.duty_node_id
LEFT JOIN cases c ON c.case_id = h.case_id
WHERE h.caller_phone IS NOT NULL AND h.callback_at IS NULL AND h.status IN ('found', 'not_found')
ORDER BY h.updated_at;

-- name: worktable_task
-- One task with what its row says (for the task's own page).
SELECT t.task_id, t.case_id, c.case_number, t.kind, t.assignee_node_id, t.assignee_role,
       t.context, t.opened_at, t.deadline, t.overdue, t.workflow_id,
       COALESCE(c.person_name, r.reported_name) AS person_name,
       (c.person_name IS NULL AND r.reported_name IS NOT NULL) AS name_reported,
       c.is_minor, c.person->>'sex' AS sex, c.stage,
       c.station_node_id, s.name AS station_name, s.address AS station_address,
       c.origin_node_id, o.name AS origin_name
FROM tasks t
JOIN cases c ON c.case_id = t.case_id
LEFT JOIN case_reports r ON r.case_id = c.case_id
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE t.task_id = $1;
