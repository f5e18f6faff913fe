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
