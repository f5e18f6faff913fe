-- name: insert_audit
INSERT INTO audit_log (user_id, username, action, subject, allowed, client, detail, role, node_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: search_audit
-- The auditor's search, newest first, keyset paged by audit_id. Every filter is optional:
-- $1 username, $2 subject, $3 action (prefix), $4 from, $5 to (exclusive), $6 allowed,
-- $7 before this audit_id, $8 page size.
SELECT audit_id, at, user_id, username, role, node_id, action, subject, allowed, client, detail
FROM audit_log
WHERE ($1::text IS NULL OR username = $1::text)
  AND ($2::text IS NULL OR subject = $2::text)
  AND ($3::text IS NULL OR starts_with(action, $3::text))
  AND ($4::timestamptz IS NULL OR at >= $4::timestamptz)
  AND ($5::timestamptz IS NULL OR at < $5::timestamptz)
  AND ($6::boolean IS NULL OR allowed = $6::boolean)
  AND ($7::bigint IS NULL OR audit_id < $7::bigint)
ORDER BY audit_id DESC
LIMIT $8;
