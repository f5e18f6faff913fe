-- name: subtree_node_ids
-- Every node at or below the node with path $1 (the user's subtree).
SELECT node_id FROM org_nodes WHERE starts_with(path, $1) ORDER BY path;

-- name: subtree_station_ids
SELECT node_id FROM org_nodes
WHERE starts_with(path, $1) AND level IN ('city_station', 'county_station') ORDER BY path;

-- name: case_involves
-- Whether a node and role have (or had) work on a case: a task of theirs, or, for the
-- designated hospital ($4), a patient it admitted.
SELECT EXISTS (SELECT 1 FROM tasks WHERE case_id = $1 AND assignee_node_id = $2 AND assignee_role = $3)
    OR ($4 AND EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND kind = 'hospital_admitted'));

-- name: case_for_access
-- Everything an access decision on case $1 needs, in one round trip: the registry row, the
-- read model's row (NULL columns before the first sync) with its station's and origin's
-- names and paths (the station as the read model has it, after transfers; else the one the
-- report went to), and whether node $2 with role $3 has (or had) work on it (case_involves).
SELECT r.report_id, r.case_id, r.case_number, r.workflow_id, r.channel, r.station_node_id,
       r.reported_by, r.created_at, r.reported_name,
       c.case_id IS NOT NULL AND s.node_id IS NOT NULL AS has_record,
       c.case_number AS c_case_number, c.workflow_id AS c_workflow_id,
       c.station_node_id AS c_station_node_id, s.name AS c_station_name,
       c.origin_node_id AS c_origin_node_id, o.name AS c_origin_name, c.stage AS c_stage,
       c.classification AS c_classification, c.is_minor AS c_is_minor,
       c.person_name AS c_person_name, c.id_number AS c_id_number, c.person AS c_person,
       c.overdue AS c_overdue, c.next_deadline AS c_next_deadline, c.version AS c_version,
       c.opened_at AS c_opened_at, c.updated_at AS c_updated_at, c.closed_at AS c_closed_at,
       CASE WHEN c.closed_at IS NOT NULL THEN c.state END AS c_state,  -- a closed case is read from it
       sp.path AS station_path, o.path AS origin_path,
       EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = $1 AND t.assignee_node_id = $2
                                       AND t.assignee_role = $3)
       OR ($4 AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = $1
                                                      AND e.kind = 'hospital_admitted')) AS involved
FROM case_reports r
LEFT JOIN cases c ON c.case_id = r.case_id
LEFT JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
LEFT JOIN org_nodes sp ON sp.node_id = COALESCE(c.station_node_id, r.station_node_id)
WHERE r.case_id = $1;

-- name: list_scope
-- A case list's scope in one round trip: the nodes at or below $1 (the listed subtree), the
-- stations at or below $2 (the user's own subtree) and the stations at or below $3.
SELECT ARRAY(SELECT node_id FROM org_nodes WHERE starts_with(path, $1) ORDER BY path) AS nodes,
       ARRAY(SELECT node_id FROM org_nodes WHERE starts_with(path, $2)
             AND level IN ('city_station', 'county_station') ORDER BY path) AS own_stations,
       ARRAY(SELECT node_id FROM org_nodes WHERE starts_with(path, $3)
             AND level IN ('city_station', 'county_station') ORDER BY path) AS all_stations;
