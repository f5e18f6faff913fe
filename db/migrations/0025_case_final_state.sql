-- Issue 13: a closed case's final state, as its workflow wrote it with its last sync (stage,
-- classification, person summary, outcome, flags; without the timeline and tasks, which have
-- their own tables). A closed case is then read from here: asking its workflow would make
-- Temporal replay the whole closed history on a worker for every read. NULL for open cases
-- and for cases closed before this column (those are still asked).
ALTER TABLE cases ADD COLUMN final_state jsonb;
