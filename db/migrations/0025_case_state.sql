-- Issue 13: the case's state as its workflow wrote it with its newest sync (stage,
-- classification, person summary, open tasks, outcome, flags; not the timeline, which has its
-- own table). A reader that knows the workflow had nothing left to write at this version (a
-- completion's answer says so), and every reader of a closed case, answers from here instead
-- of asking the workflow: a query is a round trip through Temporal to a worker, and for a
-- closed workflow a replay of its whole history. NULL for rows written before this column.
ALTER TABLE cases ADD COLUMN state jsonb;
