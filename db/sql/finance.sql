-- name: finance_by_station
-- Per station, for one year (settlements by the year they were submitted, China time): the
-- budget, claimed and awaiting review, approved but not yet paid, paid, in integer fen.
SELECT n.node_id, n.name, n.level,
       COALESCE(b.budget_fen, 0) AS budget_fen,
       COALESCE(sum(s.claimed_fen) FILTER (WHERE s.status = 'submitted'), 0) AS pending_fen,
       COALESCE(sum(s.approved_fen) FILTER (WHERE s.status = 'approved'), 0) AS committed_fen,
       COALESCE(sum(s.approved_fen) FILTER (WHERE s.status = 'paid'), 0) AS paid_fen,
       count(s.settlement_id) AS settlements
FROM org_nodes n
LEFT JOIN treatment_budgets b ON b.node_id = n.node_id AND b.year = $1
LEFT JOIN treatment_settlements s ON s.station_node_id = n.node_id
     AND extract(year FROM s.submitted_at AT TIME ZONE 'Asia/Shanghai') = $1
WHERE n.level IN ('city_station', 'county_station')
GROUP BY n.node_id, n.name, n.level, n.path, b.budget_fen
ORDER BY n.path;

-- name: upsert_budget_if_absent
INSERT INTO treatment_budgets (node_id, year, budget_fen) VALUES ($1, $2, $3)
ON CONFLICT (node_id, year) DO NOTHING;
