-- Callbacks received from agencies (DNA results, discharges, settlement vouchers), one row per
-- callback id: the row is the dedupe record, inserted before the workflow is signalled and
-- deleted again when the signal could not be delivered (so the agency's retry can succeed).
CREATE TABLE agency_callbacks (
    callback_id  text PRIMARY KEY,
    agency       text NOT NULL,
    kind         text NOT NULL,
    workflow_id  text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    body         jsonb NOT NULL,
    -- When a request last took the row to signal; a row never signalled whose claim is old
    -- (the API died between insert and signal) may be claimed again by a retry.
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    signalled_at timestamptz
);
CREATE INDEX agency_callbacks_workflow_idx ON agency_callbacks (workflow_id, received_at);
