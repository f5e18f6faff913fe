-- Issue 13: the read side at a million cases (figures in README "Performance").
-- The inbox lists a person's open tasks overdue first, then by deadline: read in that order
-- from an index of the open ones, instead of sorting every open task of the station.
CREATE INDEX tasks_inbox_open_idx ON tasks (assignee_node_id, assignee_role, overdue DESC, deadline)
    WHERE status = 'open';
-- The monthly report counts the cases found in the month.
CREATE INDEX cases_opened_idx ON cases (opened_at);
-- ...and the follow-up visits due or done in it.
CREATE INDEX tasks_follow_up_due_idx ON tasks (deadline) WHERE kind = 'follow_up_visit';
CREATE INDEX tasks_follow_up_done_idx ON tasks (completed_at)
    WHERE kind = 'follow_up_visit' AND status = 'done';

-- An inbox kept open waits for a notification instead of polling: a task opened for (or moved
-- to) an organisation and role notifies 'rescue_inbox' with "node:role" (delivered at commit,
-- one per pair and transaction), whichever writer opened it.
CREATE FUNCTION tasks_notify_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rescue_inbox', NEW.assignee_node_id || ':' || NEW.assignee_role);
    RETURN NULL;
END;
$$;
CREATE TRIGGER tasks_inbox_notify AFTER INSERT OR UPDATE OF assignee_node_id, assignee_role
    ON tasks FOR EACH ROW WHEN (NEW.status = 'open') EXECUTE FUNCTION tasks_notify_inbox();
