-- name: figures_found
SELECT count(*) AS found, count(*) FILTER (WHERE c.is_minor) AS minors
FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE starts_with(s.path, $1) AND c.opened_at >= $2 AND c.opened_at < $3;

-- name: figures_admitted
-- Admissions registered in the month, by the case's classification. The month's lines of one
-- kind are read from their index (0023), then each case is looked up by its key: the cost
-- follows the month's events, not the million cases (a join let the planner scan them all).
SELECT cls AS classification, count(*) AS n
FROM (SELECT (SELECT c.classification FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
              WHERE c.case_id = e.case_id AND starts_with(s.path, $1)) AS cls
      FROM (SELECT DISTINCT case_id FROM case_events
            WHERE kind = 'registered' AND occurred_at >= $2 AND occurred_at < $3) e) x
WHERE cls IS NOT NULL
GROUP BY cls;

-- name: figures_event_cases
-- Distinct cases of the locality's stations with an event of kind $4 in the month (read as
-- figures_admitted: the month's lines first, then each case by its key).
SELECT count(*)
FROM (SELECT DISTINCT case_id FROM case_events
      WHERE kind = $4 AND occurred_at >= $2 AND occurred_at < $3) e
WHERE (SELECT starts_with(s.path, $1) FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
       WHERE c.case_id = e.case_id);

-- name: figures_settled
SELECT COALESCE(sum(t.approved_fen), 0)::bigint
FROM treatment_settlements t JOIN org_nodes s ON s.node_id = t.station_node_id
WHERE starts_with(s.path, $1) AND t.status = 'paid' AND t.paid_at >= $2 AND t.paid_at < $3;

-- name: figures_long_term
SELECT count(*) FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE starts_with(s.path, $1) AND c.stage = 'long_term_stay';

-- name: figures_follow_ups
-- Follow-up visits assigned in the locality: due in the month, done in it, and overdue (due in
-- the month, past the deadline, and still open or done late). Only the visits of the month are
-- read, each side from its own index (0019); each visit's assignee is then checked by key (a
-- join to the subtree's nodes made the planner read the month once per node).
SELECT count(*) FILTER (WHERE t.deadline >= $2 AND t.deadline < $3) AS due,
       count(*) FILTER (WHERE t.status = 'done' AND t.completed_at >= $2 AND t.completed_at < $3) AS done,
       count(*) FILTER (WHERE t.deadline >= $2 AND t.deadline < $3 AND t.deadline < now()
                          AND (t.status = 'open' OR t.completed_at > t.deadline)) AS overdue
FROM tasks t
WHERE t.kind = 'follow_up_visit' AND t.status <> 'cancelled'
  AND ((t.deadline >= $2 AND t.deadline < $3)
       OR (t.status = 'done' AND t.completed_at >= $2 AND t.completed_at < $3))
  AND (SELECT starts_with(n.path, $1) FROM org_nodes n WHERE n.node_id = t.assignee_node_id);

-- name: figures_lost_contact
-- Distinct cases whose origin lies in the locality with a lost-contact report in the month.
SELECT count(*)
FROM (SELECT DISTINCT case_id FROM case_events
      WHERE kind = 'lost_contact_reported' AND occurred_at >= $2 AND occurred_at < $3) e
WHERE (SELECT starts_with(o.path, $1) FROM cases c JOIN org_nodes o ON o.node_id = c.origin_node_id
       WHERE c.case_id = e.case_id);

-- name: figures_ledger_people
SELECT count(*) FROM ledger_entries e JOIN org_nodes n ON n.node_id = e.community_node_id
WHERE starts_with(n.path, $1) AND e.status <> 'closed';

-- name: report_open
INSERT INTO monthly_reports (report_id, locality_node_id, month, status, figures, figures_at,
                             due_at, opened_at, workflow_id)
VALUES ($1, $2, $3, $8, $4, now(), $5, $6, $7)
ON CONFLICT (report_id) DO NOTHING;

-- name: report_notice
UPDATE monthly_reports
SET reminders = GREATEST(reminders, CASE WHEN $2 = 'reminder' THEN $3 ELSE reminders END),
    escalations = GREATEST(escalations, CASE WHEN $2 = 'escalation' THEN $3 ELSE escalations END),
    status = CASE WHEN status = 'submitted' THEN status
                  WHEN $2 = 'escalation' THEN 'overdue'
                  WHEN $2 = 'missed' THEN 'missed' ELSE status END
WHERE report_id = $1;

-- name: report_submit
UPDATE monthly_reports
SET status = 'submitted', figures = $2, figures_at = now(), narrative = $3, good_practice = $4,
    submitted_at = $5, submitted_by = $6, submitted_late = $7
WHERE report_id = $1 AND status <> 'submitted';

-- name: report_get
SELECT r.*, n.name AS locality_name, n.path AS locality_path
FROM monthly_reports r JOIN org_nodes n ON n.node_id = r.locality_node_id
WHERE r.report_id = $1;

-- name: report_list_month
SELECT r.*, n.name AS locality_name, n.path AS locality_path
FROM monthly_reports r JOIN org_nodes n ON n.node_id = r.locality_node_id
WHERE r.month = $1 AND starts_with(n.path, $2)
ORDER BY n.path;

-- name: report_list_locality
SELECT r.*, n.name AS locality_name, n.path AS locality_path
FROM monthly_reports r JOIN org_nodes n ON n.node_id = r.locality_node_id
WHERE starts_with(n.path, $1)
ORDER BY r.month DESC, n.path
LIMIT 100;

-- name: report_localities
SELECT node_id, name, path FROM org_nodes WHERE level = 'county_station' ORDER BY path;

-- name: notice_upsert
INSERT INTO monthly_notices (month, text, published_at, published_by)
VALUES ($1, $2, now(), $3)
ON CONFLICT (month) DO UPDATE SET text = EXCLUDED.text, published_at = now(),
                                  published_by = EXCLUDED.published_by
RETURNING month, text, published_at, published_by;

-- name: notice_get
SELECT month, text, published_at, published_by FROM monthly_notices WHERE month = $1;
