-- name: figures_in_station
-- People in the stations now (registered, not yet gone home), per station and classification.
SELECT station_node_id, classification, count(*) AS n
FROM cases
WHERE station_node_id = ANY($1::text[]) AND stage = ANY($2::text[])
GROUP BY station_node_id, classification;

-- name: figures_by_stage
-- Open cases of the stations per stage.
SELECT stage, count(*) AS n
FROM cases
WHERE station_node_id = ANY($1::text[]) AND stage <> 'closed'
GROUP BY stage;

-- name: figures_tasks
-- Open tasks of the stations' cases: overdue, and due between now and the end of today ($2).
SELECT count(*) FILTER (WHERE t.deadline < now()) AS overdue,
       count(*) FILTER (WHERE t.deadline >= now() AND t.deadline < $2) AS due_today
FROM tasks t JOIN cases c ON c.case_id = t.case_id
WHERE t.status = 'open' AND t.deadline < $2 AND c.station_node_id = ANY($1::text[]);

-- name: figures_recent_reports
SELECT r.case_id, r.case_number, r.channel, r.created_at, c.stage, c.person_name, c.is_minor
FROM case_reports r LEFT JOIN cases c ON c.case_id = r.case_id
WHERE r.station_node_id = ANY($1::text[])
ORDER BY r.created_at DESC
LIMIT $2;
