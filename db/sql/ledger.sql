-- name: ledger_find_person
-- The ledger entry of the same person: same identity number, or same name and birth date.
SELECT entry_id, CASE WHEN $1::text IS NOT NULL AND id_number = $1 THEN 'identity_number'
                      ELSE 'name_birth' END AS matched_by
FROM ledger_entries
WHERE ($1::text IS NOT NULL AND id_number = $1)
   OR ($2::text IS NOT NULL AND $3::date IS NOT NULL AND name = $2 AND birth_date = $3)
ORDER BY (id_number = $1) DESC NULLS LAST
LIMIT 1;

-- name: ledger_find_cases
-- Cases of the same person: same identity number, or same name and birth date.
SELECT case_id, case_number FROM cases
WHERE ($1::text IS NOT NULL AND id_number = $1)
   OR ($2::text IS NOT NULL AND $3::text IS NOT NULL AND person_name = $2
       AND person->>'birth_date' = $3)
ORDER BY opened_at;

-- name: ledger_insert
INSERT INTO ledger_entries (entry_id, community_node_id, name, sex, birth_date, id_number,
                            categories, address, family_situation, risk_notes, source, case_id,
                            registered_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT DO NOTHING
RETURNING entry_id;

-- name: ledger_add_categories
UPDATE ledger_entries
SET categories = ARRAY(SELECT DISTINCT unnest(categories || $2::text[]) ORDER BY 1),
    case_id = COALESCE(case_id, $3), updated_at = now()
WHERE entry_id = $1;

-- name: ledger_get
SELECT e.*, n.name AS community_name, n.path AS community_path
FROM ledger_entries e JOIN org_nodes n ON n.node_id = e.community_node_id
WHERE e.entry_id = $1;

-- name: ledger_by_case
SELECT entry_id FROM ledger_entries WHERE case_id = $1;

-- name: ledger_list
-- Entries of the communities at or below $1; $2 optional status, $3 optional category.
SELECT e.*, n.name AS community_name, n.path AS community_path
FROM ledger_entries e JOIN org_nodes n ON n.node_id = e.community_node_id
WHERE starts_with(n.path, $1)
  AND ($2::text IS NULL OR e.status = $2)
  AND ($3::text IS NULL OR $3 = ANY (e.categories))
ORDER BY e.community_node_id, e.registered_at DESC
LIMIT $4;

-- name: ledger_consolidate
-- The township officer consolidates its communities' registered entries.
UPDATE ledger_entries e SET status = 'consolidated', consolidated_by = $2, consolidated_at = now(),
                            updated_at = now()
FROM org_nodes n
WHERE n.node_id = e.community_node_id AND starts_with(n.path, $1) AND e.status = 'registered'
  AND ($3::uuid[] IS NULL OR e.entry_id = ANY ($3::uuid[]))
RETURNING e.entry_id;

-- name: ledger_close
UPDATE ledger_entries SET status = 'closed', updated_at = now() WHERE entry_id = $1;

-- name: ledger_insert_intervention
INSERT INTO ledger_interventions (intervention_id, entry_id, kind, partners, occurred_on, summary,
                                  recorded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: ledger_interventions
SELECT * FROM ledger_interventions WHERE entry_id = $1 ORDER BY occurred_on, recorded_at;

-- name: ledger_counts
-- Active entries by category of the communities at or below $1.
SELECT c AS category, count(*) AS n
FROM ledger_entries e JOIN org_nodes n ON n.node_id = e.community_node_id,
     unnest(e.categories) AS c
WHERE starts_with(n.path, $1) AND e.status <> 'closed'
GROUP BY c;
