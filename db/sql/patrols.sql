-- name: patrol_upsert
-- The workflow's state; the version keeps a late retry from rolling a patrol back.
INSERT INTO patrols (patrol_id, area_node_id, trigger, reason, places, departments, started_by,
                     status, started_at, ends_at, finished_at, summary, encounters, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (patrol_id) DO UPDATE
SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at, summary = EXCLUDED.summary,
    encounters = EXCLUDED.encounters, ends_at = EXCLUDED.ends_at, version = EXCLUDED.version
WHERE patrols.version < EXCLUDED.version;

-- name: patrol_get
SELECT p.*, n.name AS area_name, n.path AS area_path
FROM patrols p JOIN org_nodes n ON n.node_id = p.area_node_id WHERE p.patrol_id = $1;

-- name: patrol_list
SELECT p.*, n.name AS area_name, n.path AS area_path
FROM patrols p JOIN org_nodes n ON n.node_id = p.area_node_id
WHERE starts_with(n.path, $1) OR $1 = '/'
ORDER BY p.started_at DESC NULLS LAST
LIMIT 100;
