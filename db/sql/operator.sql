-- name: overdue_tasks
-- Open tasks past their deadline, oldest deadline first; $1 the stations and communities in
-- scope (NULL: everywhere).
SELECT t.*, c.case_number, c.station_node_id, c.stage, c.workflow_id AS case_workflow_id
FROM tasks t JOIN cases c ON c.case_id = t.case_id
WHERE t.status = 'open' AND t.deadline < now()
  AND ($1::text[] IS NULL OR c.station_node_id = ANY($1::text[]) OR c.origin_node_id = ANY($1::text[]))
ORDER BY t.deadline
LIMIT $2;

-- name: open_cases_page
-- Open cases in scope, most recently changed first, keyset paged ($2, $3): the candidates
-- whose workflows the operator page describes.
SELECT c.case_id, c.case_number, c.workflow_id, c.stage, c.station_node_id, c.updated_at
FROM cases c
WHERE c.stage <> 'closed'
  AND ($1::text[] IS NULL OR c.station_node_id = ANY($1::text[]) OR c.origin_node_id = ANY($1::text[]))
  AND ($2::timestamptz IS NULL OR (c.updated_at, c.case_id) < ($2::timestamptz, $3::uuid))
ORDER BY c.updated_at DESC, c.case_id DESC
LIMIT $4;
