-- name: training_insert
INSERT INTO training_sessions (session_id, organiser_node_id, held_on, topic, place, trainer, recorded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: training_attend
INSERT INTO training_attendance (session_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: training_list
-- Sessions organised in the subtree at $1, or attended by someone working in it.
SELECT t.*, o.name AS organiser_name FROM training_sessions t
JOIN org_nodes o ON o.node_id = t.organiser_node_id
WHERE starts_with(o.path, $1) OR EXISTS (
    SELECT 1 FROM training_attendance a JOIN node_staff s ON s.staff_id = a.staff_id
    JOIN org_nodes n ON n.node_id = s.node_id
    WHERE a.session_id = t.session_id AND starts_with(n.path, $1))
ORDER BY t.held_on DESC LIMIT 200;

-- name: training_attendees
SELECT a.session_id, s.staff_id, s.name, s.node_id, n.name AS node_name
FROM training_attendance a JOIN node_staff s ON s.staff_id = a.staff_id
JOIN org_nodes n ON n.node_id = s.node_id
WHERE a.session_id = ANY ($1::uuid[]) ORDER BY n.path, s.name;

-- name: staff_paths
SELECT s.staff_id, n.path FROM node_staff s JOIN org_nodes n ON n.node_id = s.node_id
WHERE s.staff_id = ANY ($1::uuid[]) AND s.active;

-- name: volunteer_insert
INSERT INTO volunteers (volunteer_id, node_id, name, phone, skills, availability, registered_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: volunteer_list
SELECT v.*, n.name AS node_name, n.path AS node_path,
       (SELECT count(*) FROM volunteer_participation p WHERE p.volunteer_id = v.volunteer_id) AS activities
FROM volunteers v JOIN org_nodes n ON n.node_id = v.node_id
WHERE starts_with(n.path, $1) AND v.active ORDER BY n.path, v.registered_at;

-- name: volunteer_paths
SELECT v.volunteer_id, n.path FROM volunteers v JOIN org_nodes n ON n.node_id = v.node_id
WHERE v.volunteer_id = ANY ($1::uuid[]) AND v.active;

-- name: activity_insert
INSERT INTO volunteer_activities (activity_id, node_id, kind, held_on, title, notes, recorded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: activity_join
INSERT INTO volunteer_participation (activity_id, volunteer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: activity_list
SELECT a.*, n.name AS node_name,
       ARRAY(SELECT v.name FROM volunteer_participation p JOIN volunteers v ON v.volunteer_id = p.volunteer_id
             WHERE p.activity_id = a.activity_id ORDER BY v.name) AS participants
FROM volunteer_activities a JOIN org_nodes n ON n.node_id = a.node_id
WHERE starts_with(n.path, $1) ORDER BY a.held_on DESC LIMIT 200;
