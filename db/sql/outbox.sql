-- name: insert_outbox
INSERT INTO outbox (workflow_id, kind, name, payload, dedupe_key)
VALUES ($1, $2, $3, $4, $5)
RETURNING outbox_id;

-- name: insert_outbox_once
-- Two repeats of a report racing here may both insert; the start is idempotent anyway.
INSERT INTO outbox (workflow_id, kind, name, payload, dedupe_key)
SELECT $1::text, $2::text, $3::text, $4::jsonb, $5::text
WHERE NOT EXISTS (SELECT 1 FROM outbox
                  WHERE workflow_id = $1::text AND kind = $2::text AND finished_at IS NULL)
RETURNING outbox_id;

-- name: lock_due_outbox
-- The oldest pending row of each workflow that is due, unless another relay holds it; a row
-- with an earlier pending row of the same workflow waits (delivery in order per case).
SELECT outbox_id, workflow_id, kind, name, payload, attempts
FROM outbox o
WHERE finished_at IS NULL AND next_attempt_at <= now()
  AND ($1::text IS NULL OR workflow_id = $1)
  AND NOT EXISTS (SELECT 1 FROM outbox e
                  WHERE e.workflow_id = o.workflow_id AND e.finished_at IS NULL
                    AND e.outbox_id < o.outbox_id)
ORDER BY outbox_id
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: finish_outbox
UPDATE outbox SET finished_at = now(), outcome = $2, attempts = attempts + 1, last_error = NULL
WHERE outbox_id = $1;

-- name: retry_outbox_later
UPDATE outbox SET attempts = attempts + 1, last_error = $2,
       next_attempt_at = now() + make_interval(secs => $3)
WHERE outbox_id = $1;

-- name: get_outbox
SELECT outbox_id, workflow_id, kind, name, dedupe_key, attempts, finished_at, outcome, last_error
FROM outbox WHERE outbox_id = $1;

-- name: delete_outbox
DELETE FROM outbox WHERE outbox_id = $1;

-- name: outbox_backlog
SELECT count(*) AS pending, min(created_at) AS oldest
FROM outbox WHERE finished_at IS NULL;
