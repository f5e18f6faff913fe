-- name: person_cases
-- Every case of one person: the case itself, and those with the same identity number, or the
-- same name and birth date (the rule that links re-entries at admission), oldest first.
SELECT c.case_id, c.case_number, c.station_node_id, s.name AS station_name, s.path AS station_path,
       c.origin_node_id, o.name AS origin_name, o.path AS origin_path, c.stage, c.classification,
       c.is_minor, c.person_name, c.id_number, c.opened_at, c.closed_at, c.updated_at
FROM cases c
JOIN org_nodes s ON s.node_id = c.station_node_id
LEFT JOIN org_nodes o ON o.node_id = c.origin_node_id
WHERE c.case_id = $1
   OR ($2::text IS NOT NULL AND c.id_number = $2)
   OR ($3::text IS NOT NULL AND $4::text IS NOT NULL AND c.person_name = $3
       AND c.person->>'birth_date' = $4)
ORDER BY c.opened_at;
