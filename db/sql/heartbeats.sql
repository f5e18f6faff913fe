-- name: beat_worker
INSERT INTO worker_heartbeats (worker_id, task_queue, host, pid)
VALUES ($1, $2, $3, $4)
ON CONFLICT (worker_id) DO UPDATE SET seen_at = now();

-- name: forget_worker
DELETE FROM worker_heartbeats WHERE worker_id = $1;

-- name: live_workers
SELECT count(*) FROM worker_heartbeats
WHERE task_queue = $1 AND seen_at > now() - make_interval(secs => $2);

-- name: prune_workers
DELETE FROM worker_heartbeats WHERE seen_at < now() - interval '1 day';
