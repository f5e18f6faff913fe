-- Issue 11: nothing an agency sends is lost, and health tells the truth.
--
-- outbox: every message for a workflow that the API accepted (an agency callback's signal, a
-- report's workflow start) is stored here first and delivered by the relay until Temporal takes
-- it. Rows of one workflow are delivered in id order (a later row waits while an earlier one is
-- pending); several relays share the table through SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
    outbox_id       bigserial PRIMARY KEY,
    workflow_id     text NOT NULL,
    kind            text NOT NULL,          -- 'signal' or 'start_case'
    name            text NOT NULL,          -- the signal's name, or the workflow's type
    payload         jsonb NOT NULL,
    dedupe_key      text,                   -- callback id or report id, for operators
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    finished_at     timestamptz,
    -- delivered, or why it never will be (unknown_case, case_closed)
    outcome         text
);
CREATE INDEX outbox_pending_idx ON outbox (workflow_id, outbox_id) WHERE finished_at IS NULL;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE finished_at IS NULL;

-- worker_heartbeats: each running worker process refreshes its row every few seconds, so
-- /healthz can tell a live worker from a killed one within seconds (Temporal keeps listing a
-- dead poller for minutes).
CREATE TABLE worker_heartbeats (
    worker_id   text PRIMARY KEY,
    task_queue  text NOT NULL,
    host        text NOT NULL,
    pid         integer NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    seen_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX worker_heartbeats_queue_idx ON worker_heartbeats (task_queue, seen_at);
