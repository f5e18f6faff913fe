-- name: insert_task
-- A re-sent open task refreshes what may change while it is open: overdue, assignee
-- (transfer), context (a supervision item's reminders).
INSERT INTO tasks (task_id, case_id, kind, assignee_node_id, assignee_role, context, opened_at,
                   deadline, overdue, workflow_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (task_id) DO UPDATE
SET overdue = EXCLUDED.overdue, assignee_node_id = EXCLUDED.assignee_node_id,
    assignee_role = EXCLUDED.assignee_role, context = EXCLUDED.context
WHERE tasks.status = 'open';

-- name: cancel_task
UPDATE tasks SET status = 'cancelled', completed_at = $2, overdue = false
WHERE task_id = $1 AND status = 'open';

-- name: complete_task
UPDATE tasks SET status = 'done', completed_at = $2, completed_by = $3, overdue = false
WHERE task_id = $1 AND status = 'open';

-- name: get_task
SELECT t.*, c.case_number, c.station_node_id, c.stage
FROM tasks t JOIN cases c ON c.case_id = t.case_id
WHERE t.task_id = $1;

-- name: list_open_tasks_for
SELECT t.*, c.case_number, c.station_node_id, c.stage
FROM tasks t JOIN cases c ON c.case_id = t.case_id
WHERE t.assignee_node_id = $1 AND t.assignee_role = $2 AND t.status = 'open'
ORDER BY t.overdue DESC, t.deadline
LIMIT $3;

-- name: list_open_tasks_of_case
SELECT t.*, c.case_number, c.station_node_id, c.stage
FROM tasks t JOIN cases c ON c.case_id = t.case_id
WHERE t.case_id = $1 AND t.status = 'open'
ORDER BY t.deadline;
