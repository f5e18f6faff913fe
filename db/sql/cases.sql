-- name: insert_report
INSERT INTO case_reports (report_id, case_id, case_number, workflow_id, channel, station_node_id,
                          reported_by, reported_name)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (report_id) DO NOTHING
RETURNING report_id, case_id, case_number, workflow_id, channel, station_node_id, reported_by, created_at,
          reported_name;

-- name: next_case_number
SELECT 'JZ' || to_char(now(), 'YYYY') || '-' || lpad(nextval('case_number_seq')::text, 6, '0');

-- name: get_report
SELECT report_id, case_id, case_number, workflow_id, channel, station_node_id, reported_by, created_at,
       reported_name
FROM case_reports WHERE report_id = $1;

-- name: get_report_by_case
SELECT report_id, case_id, case_number, workflow_id, channel, station_node_id, reported_by, created_at,
       reported_name
FROM case_reports WHERE case_id = $1;

-- name: get_case
SELECT c.*, s.name AS station_name, o.name AS origin_name
FROM cases c
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE c.case_id = $1;

-- name: insert_event
INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary, actor, agency, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (event_id) DO NOTHING;

-- name: list_events
-- The whole timeline in the order it happened (the case's own events and its children's).
SELECT event_id, occurred_at, kind, summary, actor, agency, data, seq
FROM case_events WHERE case_id = $1 ORDER BY occurred_at, seq;

-- name: list_events_newest
-- A page of the timeline, newest first: ($2, $3) the last (occurred_at, seq) already shown
-- (NULL for the first page), $4 the page size.
SELECT event_id, occurred_at, kind, summary, actor, agency, data, seq
FROM case_events
WHERE case_id = $1 AND ($2::timestamptz IS NULL OR (occurred_at, seq) < ($2, $3))
ORDER BY occurred_at DESC, seq DESC
LIMIT $4;

-- name: long_histories
-- Open cases whose current run's history passed a share of Temporal's limits, largest first.
SELECT c.case_id, c.case_number, c.workflow_id, c.stage, c.runs, c.history_events,
       c.history_bytes, c.station_node_id, c.updated_at, s.name AS station_name
FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE c.closed_at IS NULL AND (c.history_events >= $1 OR c.history_bytes >= $2)
  AND s.path LIKE $3 || '%'
ORDER BY c.history_events DESC
LIMIT $4;

-- name: list_cases_in_subtree
-- Cases of a user's subtree (the responsible station or the origin community lies at or
-- below the node path $1) plus the cases the user reported ($2), newest change first.
-- $3 optional stage; ($4, $5) keyset cursor: the last (updated_at, case_id) already shown.
SELECT c.case_id, c.case_number, c.station_node_id, s.name AS station_name,
       c.origin_node_id, o.name AS origin_name, c.stage, c.classification, c.is_minor,
       c.person_name, c.id_number, c.overdue, c.next_deadline, c.opened_at, c.updated_at,
       c.closed_at
FROM cases c
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
LEFT JOIN case_reports r ON r.case_id = c.case_id
WHERE (starts_with(s.path, $1) OR starts_with(o.path, $1)
       OR ($2::uuid IS NOT NULL AND r.reported_by = $2::uuid))
  AND ($3::text IS NULL OR c.stage = $3::text)
  AND ($4::timestamptz IS NULL OR (c.updated_at, c.case_id) < ($4::timestamptz, $5::uuid))
ORDER BY c.updated_at DESC, c.case_id DESC
LIMIT $6;

-- name: find_previous_cases
-- Earlier cases of the same person: same identity number, or same name and birth date.
SELECT case_number FROM cases
WHERE case_id <> $1
  AND ((id_number IS NOT NULL AND id_number = $2)
       OR ($3::text IS NOT NULL AND person_name = $3 AND $4::text IS NOT NULL
           AND person->>'birth_date' = $4))
ORDER BY opened_at;

-- name: upsert_notice
INSERT INTO family_search_notices (notice_id, case_id, published_at, text)
VALUES ($1, $2, $3, $4)
ON CONFLICT (notice_id) DO NOTHING;

-- name: insert_notification
INSERT INTO notifications (notification_id, node_id, role, case_id, message)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (notification_id) DO NOTHING;

-- name: upsert_settlement
INSERT INTO treatment_settlements (settlement_id, case_id, station_node_id, admission_no, voucher_no,
                                   claimed_fen, approved_fen, status, payment_ref, submitted_at,
                                   decided_at, paid_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (settlement_id) DO UPDATE
SET approved_fen = COALESCE(EXCLUDED.approved_fen, treatment_settlements.approved_fen),
    status = EXCLUDED.status,
    payment_ref = COALESCE(EXCLUDED.payment_ref, treatment_settlements.payment_ref),
    decided_at = COALESCE(EXCLUDED.decided_at, treatment_settlements.decided_at),
    paid_at = COALESCE(EXCLUDED.paid_at, treatment_settlements.paid_at)
WHERE treatment_settlements.status <> 'paid';

-- name: upsert_external_follow_up
-- The request once; its acknowledgment added later (a retry changes nothing twice).
INSERT INTO external_follow_ups (request_id, case_id, receiving_agency, contact, message,
                                 requested_at, acknowledged_at, acknowledged_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (request_id) DO UPDATE
SET acknowledged_at = COALESCE(external_follow_ups.acknowledged_at, EXCLUDED.acknowledged_at),
    acknowledged_by = COALESCE(external_follow_ups.acknowledged_by, EXCLUDED.acknowledged_by);

-- name: sync_case
-- One workflow sync in one statement, one round trip: the case row (newest version wins),
-- its new timeline lines (in order), its tasks done, withdrawn and open. Every part is
-- idempotent by key or version, so a retried sync changes nothing. Foreign keys are checked
-- at the end of the statement, so a case's first sync may bring its row and its lines.
-- $41: the state as the workflow wrote it (without the timeline): a closed case and a settled
-- completion are answered from it (0025).
WITH upserted AS (
    INSERT INTO cases (case_id, case_number, workflow_id, station_node_id, origin_node_id, stage,
                       classification, is_minor, person_name, id_number, person, overdue,
                       next_deadline, version, opened_at, updated_at, closed_at, runs,
                       history_events, history_bytes, state)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb, $12, $13, $14, $15, $16, $17,
            $18, $19, $20, $41::text::jsonb)
    ON CONFLICT (case_id) DO UPDATE
    SET station_node_id = EXCLUDED.station_node_id,
        origin_node_id = EXCLUDED.origin_node_id, stage = EXCLUDED.stage,
        classification = EXCLUDED.classification, is_minor = EXCLUDED.is_minor,
        person_name = EXCLUDED.person_name, id_number = EXCLUDED.id_number,
        person = COALESCE(EXCLUDED.person, cases.person), overdue = EXCLUDED.overdue,
        next_deadline = EXCLUDED.next_deadline, version = EXCLUDED.version,
        updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at, runs = EXCLUDED.runs,
        history_events = EXCLUDED.history_events, history_bytes = EXCLUDED.history_bytes,
        state = EXCLUDED.state
    WHERE cases.version < EXCLUDED.version
    RETURNING 1
), touched AS (
    -- A retried sync of the version already there still stamps its time (as before).
    UPDATE cases SET updated_at = $16
    WHERE case_id = $1 AND version = $14 AND updated_at IS DISTINCT FROM $16
      AND NOT EXISTS (SELECT 1 FROM upserted)
    RETURNING 1
), lines AS (
    INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary, actor, agency, data)
    SELECT e.event_id, $1, e.at, e.kind, e.summary, e.actor, e.agency, e.data::jsonb
    FROM unnest($21::uuid[], $22::timestamptz[], $23::text[], $24::text[], $25::text[],
                $26::text[], $27::text[]) WITH ORDINALITY AS e(event_id, at, kind, summary, actor,
                                                               agency, data, n)
    ORDER BY e.n
    ON CONFLICT (event_id) DO NOTHING
    RETURNING 1
), done AS (
    UPDATE tasks t SET status = 'done', completed_at = d.at, completed_by = d.by, overdue = false
    FROM unnest($28::uuid[], $29::timestamptz[], $30::text[]) AS d(task_id, at, by)
    WHERE t.task_id = d.task_id AND t.status = 'open'
    RETURNING 1
), withdrawn AS (
    UPDATE tasks SET status = 'cancelled', completed_at = $31, overdue = false
    WHERE task_id = ANY($32::uuid[]) AND status = 'open'
    RETURNING 1
), opened AS (
    INSERT INTO tasks (task_id, case_id, kind, assignee_node_id, assignee_role, context, opened_at,
                       deadline, overdue, workflow_id)
    SELECT o.task_id, $1, o.kind, o.node, o.role, o.context::jsonb, o.opened_at, o.deadline,
           o.overdue, NULL
    FROM unnest($33::uuid[], $34::text[], $35::text[], $36::text[], $37::text[],
                $38::timestamptz[], $39::timestamptz[], $40::boolean[])
         AS o(task_id, kind, node, role, context, opened_at, deadline, overdue)
    WHERE o.task_id <> ALL($28::uuid[]) AND o.task_id <> ALL($32::uuid[])
    ON CONFLICT (task_id) DO UPDATE
    SET overdue = EXCLUDED.overdue, assignee_node_id = EXCLUDED.assignee_node_id,
        assignee_role = EXCLUDED.assignee_role, context = EXCLUDED.context
    WHERE tasks.status = 'open'
    RETURNING 1
)
SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM touched)
     + (SELECT count(*) FROM lines) + (SELECT count(*) FROM done)
     + (SELECT count(*) FROM withdrawn) + (SELECT count(*) FROM opened);
