-- Cases that last for years: the timeline is read from here, in the order it was written
-- (events of one moment keep their order), and the case's workflow reports how large its
-- current run's history is, so operators see any case nearing Temporal's limits.
ALTER TABLE case_events ADD COLUMN seq bigserial;
CREATE INDEX case_events_case_seq_idx ON case_events (case_id, occurred_at, seq);

ALTER TABLE cases
    ADD COLUMN runs integer NOT NULL DEFAULT 1,
    ADD COLUMN history_events integer NOT NULL DEFAULT 0,
    ADD COLUMN history_bytes bigint NOT NULL DEFAULT 0;
CREATE INDEX cases_history_idx ON cases (history_events DESC) WHERE closed_at IS NULL;
