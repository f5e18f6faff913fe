-- Issue 13: the page of a closed case without asking its workflow. A query on a workflow that
-- has finished makes a worker fetch and replay its whole history; the state a closed case
-- shows can no longer change, so its last sync keeps it here (without the timeline and the
-- tasks, which the read model holds already). NULL for open cases and for cases closed before.
ALTER TABLE cases ADD COLUMN final_state jsonb;
