-- name: chart_cases_per_month
-- Cases opened per month (China time) at the stations $1, since $2.
SELECT to_char(opened_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*) AS n
FROM cases
WHERE station_node_id = ANY($1::text[]) AND opened_at >= $2
GROUP BY 1 ORDER BY 1;

-- name: chart_stage_funnel
-- How many cases of the stations $1 got to each step: reported, registered, identity search,
-- return home, handed over, follow-up started (from the recorded events).
SELECT CASE WHEN e.kind = 'stage' THEN 'stage:' || (e.data->>'stage') ELSE e.kind END AS step,
       count(DISTINCT e.case_id) AS n
FROM case_events e JOIN cases c ON c.case_id = e.case_id
WHERE c.station_node_id = ANY($1::text[])
  AND (e.kind IN ('reported', 'registered', 'handed_over', 'follow_up_started') OR e.kind = 'stage')
GROUP BY 1;

-- name: chart_overdue_by_unit
-- Open tasks past their deadline on the stations' cases, by the unit and role that hold them.
SELECT n.name AS unit, t.assignee_role AS role, count(*) AS n
FROM tasks t JOIN cases c ON c.case_id = t.case_id
JOIN org_nodes n ON n.node_id = t.assignee_node_id
WHERE t.status = 'open' AND t.deadline < now() AND c.station_node_id = ANY($1::text[])
GROUP BY n.name, t.assignee_role
ORDER BY count(*) DESC, n.name
LIMIT 15;

-- name: chart_hotline_per_month
-- 12349 calls per month (China time) about the areas under the node path $1, since $2.
SELECT to_char(h.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*) AS n
FROM hotline_calls h JOIN org_nodes a ON a.node_id = h.area_node_id
WHERE starts_with(a.path, $1) AND h.received_at >= $2
GROUP BY 1 ORDER BY 1;

-- name: chart_patrol_encounters_per_month
-- People met on special patrols per month (by the patrol's start), areas under $1, since $2.
SELECT to_char(p.started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
       sum(jsonb_array_length(p.encounters)) AS n
FROM patrols p JOIN org_nodes a ON a.node_id = p.area_node_id
WHERE starts_with(a.path, $1) AND p.started_at >= $2
GROUP BY 1 ORDER BY 1;
