-- name: insert_audit
INSERT INTO audit_log (user_id, username, action, subject, allowed, client, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7);
