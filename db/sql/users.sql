-- name: insert_user_if_absent
INSERT INTO users (user_id, username, display_name, password_hash, role, node_id)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (username) DO NOTHING;

-- name: get_user_by_username
SELECT u.user_id, u.username, u.display_name, u.password_hash, u.role, u.node_id, u.active,
       n.path AS node_path, n.name AS node_name
FROM users u JOIN org_nodes n ON n.node_id = u.node_id
WHERE u.username = $1;

-- name: get_user_by_id
SELECT u.user_id, u.username, u.display_name, u.password_hash, u.role, u.node_id, u.active,
       n.path AS node_path, n.name AS node_name
FROM users u JOIN org_nodes n ON n.node_id = u.node_id
WHERE u.user_id = $1;
