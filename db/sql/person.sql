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

-- name: person_links_of_case
-- Active "same person" / "keep apart" decisions that involve the case.
SELECT link_id, case_a, case_b, decision, created_by, created_at
FROM person_links WHERE ended_at IS NULL AND (case_a = $1 OR case_b = $1)
ORDER BY created_at;

-- name: insert_person_link
INSERT INTO person_links (link_id, case_a, case_b, decision, created_by)
VALUES ($1, least($2::uuid, $3::uuid), greatest($2::uuid, $3::uuid), $4, $5)
ON CONFLICT DO NOTHING
RETURNING link_id;

-- name: end_person_link
-- A merge undone (split), or a "keep apart" withdrawn: the row stays, ended.
UPDATE person_links SET ended_by = $2, ended_at = now()
WHERE link_id = $1 AND ended_at IS NULL
RETURNING case_a, case_b, decision;

-- name: linked_cases
-- The cases a caseworker linked to this one as the same person (one step), for the person view.
SELECT c.case_id, c.case_number, c.station_node_id, s.name AS station_name, s.path AS station_path,
       c.origin_node_id, o.name AS origin_name, o.path AS origin_path, c.stage, c.classification,
       c.is_minor, c.person_name, c.id_number, c.opened_at, c.closed_at, c.updated_at
FROM person_links l
JOIN cases c ON c.case_id = CASE WHEN l.case_a = $1 THEN l.case_b ELSE l.case_a END
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE l.ended_at IS NULL AND l.decision = 'same' AND (l.case_a = $1 OR l.case_b = $1);

-- name: duplicate_candidates
-- Other cases that may be the same person: the same identity number, or a name sharing its
-- first or last character (the fuzzy comparison decides), newest first.
SELECT c.case_id, c.case_number, c.person_name, c.person, c.opened_at, c.stage, c.id_number,
       s.name AS station_name, s.path AS station_path,
       (SELECT e.summary FROM case_events e WHERE e.case_id = c.case_id AND e.kind = 'reported'
         ORDER BY e.occurred_at LIMIT 1) AS reported
FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE c.case_id <> $1 AND c.person IS NOT NULL
  AND (($2::text IS NOT NULL AND c.id_number = $2)
       OR ($3::text IS NOT NULL AND c.person_name IS NOT NULL
           AND (left(c.person_name, 1) = left($3, 1) OR right(c.person_name, 1) = right($3, 1))))
ORDER BY c.opened_at DESC LIMIT 500;

-- name: flag_duplicate
-- An earlier case likely to be the same person as a new one (refreshed when found again).
INSERT INTO duplicate_flags (case_id, other_case_id, probability) VALUES ($1, $2, $3)
ON CONFLICT (case_id, other_case_id) DO UPDATE SET probability = excluded.probability;

-- name: open_duplicate_flags
-- The flags of a case no merge or "keep apart" has decided yet, most likely first.
SELECT f.other_case_id, f.probability, c.case_number, s.path AS station_path
FROM duplicate_flags f
JOIN cases c ON c.case_id = f.other_case_id
JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE f.case_id = $1
  AND NOT EXISTS (SELECT 1 FROM person_links l WHERE l.ended_at IS NULL
                    AND l.case_a = least(f.case_id, f.other_case_id)
                    AND l.case_b = greatest(f.case_id, f.other_case_id))
ORDER BY f.probability DESC;
