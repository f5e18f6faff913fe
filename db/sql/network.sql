-- name: upsert_node
INSERT INTO org_nodes (node_id, parent_id, level, name, path, address, phone)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (node_id) DO UPDATE
SET parent_id = EXCLUDED.parent_id, level = EXCLUDED.level, name = EXCLUDED.name,
    path = EXCLUDED.path, address = EXCLUDED.address, phone = EXCLUDED.phone;

-- name: get_node
SELECT node_id, parent_id, level, name, path, address, phone FROM org_nodes WHERE node_id = $1;

-- name: list_nodes
SELECT node_id, parent_id, level, name, path, address, phone FROM org_nodes ORDER BY path;
