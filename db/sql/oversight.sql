-- name: member_insert
INSERT INTO leading_group_members (member_id, node_id, name, department, position)
VALUES ($1, $2, $3, $4, $5);

-- name: member_list
SELECT * FROM leading_group_members WHERE node_id = $1 AND active
ORDER BY CASE position WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, name;

-- name: meeting_insert
INSERT INTO leading_group_meetings (meeting_id, node_id, held_on, topic, attendees, decisions, recorded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: meeting_list
SELECT * FROM leading_group_meetings WHERE node_id = $1 ORDER BY held_on DESC;

-- name: group_nodes
-- The nodes with a leading group (the city bureau and the county stations) in the subtree at $1.
SELECT node_id, name, path FROM org_nodes
WHERE level IN ('bureau', 'county_station') AND starts_with(path, $1) ORDER BY path;

-- name: item_insert
INSERT INTO supervision_items (item_id, title, detail, owner_node_id, owner_department, deadline,
                               assigned_by, assigned_node_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: item_get
SELECT i.*, o.name AS owner_name, o.path AS owner_path, a.path AS assigned_path
FROM supervision_items i JOIN org_nodes o ON o.node_id = i.owner_node_id
JOIN org_nodes a ON a.node_id = i.assigned_node_id WHERE i.item_id = $1;

-- name: item_list
-- Items owned in the subtree at $1, or assigned by a node in it.
SELECT i.*, o.name AS owner_name, o.path AS owner_path, a.path AS assigned_path
FROM supervision_items i JOIN org_nodes o ON o.node_id = i.owner_node_id
JOIN org_nodes a ON a.node_id = i.assigned_node_id
WHERE starts_with(o.path, $1) OR starts_with(a.path, $1)
ORDER BY i.status, i.deadline LIMIT 300;

-- name: item_progress
SELECT * FROM supervision_progress WHERE item_id = ANY ($1::uuid[]) ORDER BY month;

-- name: progress_upsert
INSERT INTO supervision_progress (item_id, month, progress, recorded_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (item_id, month) DO UPDATE SET progress = EXCLUDED.progress,
    recorded_by = EXCLUDED.recorded_by, recorded_at = now();

-- name: item_done
UPDATE supervision_items SET status = 'done', done_at = now() WHERE item_id = $1 AND status = 'open';
