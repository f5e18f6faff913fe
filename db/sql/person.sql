-- name: person_cases
-- Every case of one person: the case itself, and those with the same identity number, or the
-- same name and birth date (the rule that links re-entries at admission), oldest first.
SELECT c.case_id, c.case_number, c.station_node_id, s.name AS station_name, s.path AS station_path,
       c.origin_node_id, o.name AS origin_name, o.path AS origin_path, c.stage, c.classification,
       c.is_minor, c.person_name, c.id_number, c.opened_at, c.closed_at, c.updated_at
FROM cases c
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE c.case_id = $1
   OR ($2::text IS NOT NULL AND c.id_number = $2)
   OR ($3::text IS NOT NULL AND $4::text IS NOT NULL AND c.person_name = $3
       AND c.person->>'birth_date' = $4)
ORDER BY c.opened_at;

-- name: latest_notice
-- The case's family-search notice (one per case; refreshed in place).
SELECT notice_id, published_at, text, refreshed
FROM family_search_notices WHERE case_id = $1
ORDER BY published_at DESC LIMIT 1;

-- name: case_events_page
-- The case's timeline, newest first, a page at a time (the case's own events and those of
-- its treatment and follow-up workflows).
SELECT event_id, occurred_at, kind, summary, actor, agency, data
FROM case_events WHERE case_id = $1
ORDER BY occurred_at DESC, seq DESC
LIMIT $2 OFFSET $3;

-- name: case_event_count
SELECT count(*) FROM case_events WHERE case_id = $1;

-- name: case_event_kinds
-- Which kinds of events a case has had, with the data of the latest of each (what the case
-- page needs to know which documents exist and where the stepper stands).
SELECT DISTINCT ON (kind) kind, occurred_at, summary, data
FROM case_events WHERE case_id = $1
ORDER BY kind, occurred_at DESC;

-- name: stages_reached
SELECT DISTINCT data->>'stage' AS stage FROM case_events
WHERE case_id = $1 AND kind = 'stage';

-- name: case_child_workflows
-- The workflows that held a task of the case (its own, a treatment's, the follow-up's).
SELECT DISTINCT workflow_id FROM tasks WHERE case_id = $1 AND workflow_id IS NOT NULL;

-- name: case_treatment_episodes
SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'treatment_started';

-- name: tasks_brief
SELECT task_id, kind, assignee_node_id, assignee_role, workflow_id, status
FROM tasks WHERE task_id = ANY($1::uuid[]);

-- name: case_numbers_of
SELECT case_id, case_number FROM case_reports WHERE case_id = ANY($1::uuid[]);

-- name: display_names_of
SELECT username, display_name FROM users WHERE username = ANY($1::text[]);
