-- name: list_subtree_nodes
SELECT node_id, parent_id, level, name, path, address, phone
FROM org_nodes WHERE starts_with(path, $1) AND level <> 'agency' ORDER BY path;

-- name: get_profile
SELECT * FROM node_profiles WHERE node_id = $1;

-- name: list_profiles_in_subtree
SELECT p.* FROM node_profiles p JOIN org_nodes n ON n.node_id = p.node_id
WHERE starts_with(n.path, $1);

-- name: upsert_profile
INSERT INTO node_profiles (node_id, has_office, office_rooms, beds, daily_necessities, equipment,
                           sign_installed, sign_text, has_ledger, has_procedures, notes,
                           updated_at, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now(), $12)
ON CONFLICT (node_id) DO UPDATE
SET has_office = EXCLUDED.has_office, office_rooms = EXCLUDED.office_rooms, beds = EXCLUDED.beds,
    daily_necessities = EXCLUDED.daily_necessities, equipment = EXCLUDED.equipment,
    sign_installed = EXCLUDED.sign_installed, sign_text = EXCLUDED.sign_text,
    has_ledger = EXCLUDED.has_ledger, has_procedures = EXCLUDED.has_procedures,
    notes = EXCLUDED.notes, updated_at = now(), updated_by = EXCLUDED.updated_by;

-- name: update_node_contact
UPDATE org_nodes SET address = $2, phone = $3 WHERE node_id = $1;

-- name: list_staff_in_subtree
SELECT s.staff_id, s.node_id, s.name, s.duty, s.phone
FROM node_staff s JOIN org_nodes n ON n.node_id = s.node_id
WHERE starts_with(n.path, $1) AND s.active ORDER BY s.node_id, s.created_at, s.name;

-- name: insert_staff
INSERT INTO node_staff (staff_id, node_id, name, duty, phone) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (staff_id) DO NOTHING;

-- name: get_staff
SELECT staff_id, node_id, name, duty, phone, active FROM node_staff WHERE staff_id = $1;

-- name: retire_staff
UPDATE node_staff SET active = false WHERE staff_id = $1;

-- name: occupancy_in_subtree
-- People staying at each station now: cases of the station not yet home nor closed.
SELECT c.station_node_id AS node_id, count(*) AS occupied
FROM cases c JOIN org_nodes n ON n.node_id = c.station_node_id
WHERE starts_with(n.path, $1)
  AND c.stage IN ('admission', 'identity_search', 'long_term_stay', 'return_home')
GROUP BY c.station_node_id;
