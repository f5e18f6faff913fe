-- Issue 10 (the console as the work is done): the timeline's own order. Events written in one
-- sync share a moment (workflow time), so time alone cannot order them; a sequence taken at
-- insert can (each sync and each child record writes its events in order).
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS seq bigserial;
CREATE INDEX IF NOT EXISTS case_events_case_seq_idx ON case_events (case_id, occurred_at DESC, seq DESC);
