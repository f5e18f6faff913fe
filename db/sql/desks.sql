-- name: desk_done_tasks
-- Tasks a node and role completed, newest first (an agency's record of its own work).
SELECT t.*, c.case_number, c.station_node_id, c.stage
FROM tasks t JOIN cases c ON c.case_id = t.case_id
WHERE t.assignee_node_id = $1 AND t.assignee_role = $2 AND t.status = 'done'
  AND ($3::text[] IS NULL OR t.kind = ANY($3::text[]))
ORDER BY t.completed_at DESC
LIMIT $4;

-- name: desk_agency_events
-- What the agency's systems answered (lookups, DNA, lost-contact reports), newest first:
-- case number, kind and time only.
SELECT e.case_id, c.case_number, e.kind, e.summary, e.occurred_at
FROM case_events e JOIN cases c ON c.case_id = e.case_id
WHERE e.kind = ANY($1::text[])
ORDER BY e.occurred_at DESC
LIMIT $2;

-- name: desk_admissions
-- Patients admitted by the hospital with an introduction letter, and whether discharged.
SELECT e.case_id, c.case_number, COALESCE(c.person_name, r.reported_name) AS person_name,
       (c.person_name IS NULL AND r.reported_name IS NOT NULL) AS name_reported,
       c.is_minor, e.occurred_at AS admitted_at,
       e.data->>'admission_no' AS admission_no,
       (SELECT min(d.occurred_at) FROM case_events d
        WHERE d.case_id = e.case_id AND d.kind = 'hospital_discharged'
          AND d.occurred_at >= e.occurred_at) AS discharged_at
FROM case_events e JOIN cases c ON c.case_id = e.case_id
LEFT JOIN case_reports r ON r.case_id = c.case_id
WHERE e.kind = 'hospital_admitted'
ORDER BY e.occurred_at DESC
LIMIT $1;

-- name: desk_settlements
SELECT s.settlement_id, s.case_id, c.case_number, s.admission_no, s.voucher_no, s.claimed_fen,
       s.approved_fen, s.status, s.submitted_at, s.decided_at, s.paid_at, n.name AS station_name
FROM treatment_settlements s JOIN cases c ON c.case_id = s.case_id
JOIN org_nodes n ON n.node_id = s.station_node_id
ORDER BY s.submitted_at DESC
LIMIT $1;
