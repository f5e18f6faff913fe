-- name: insert_callback
INSERT INTO agency_callbacks (callback_id, agency, kind, workflow_id, body)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (agency, callback_id) DO NOTHING
RETURNING callback_id;

-- name: get_callback
SELECT callback_id, agency, kind, workflow_id, body, received_at, claimed_at, signalled_at
FROM agency_callbacks
WHERE agency = $1 AND callback_id = $2;

-- name: mark_callback_signalled
UPDATE agency_callbacks SET signalled_at = now()
WHERE agency = $1 AND callback_id = $2;

-- name: release_callback
DELETE FROM agency_callbacks
WHERE agency = $1 AND callback_id = $2 AND signalled_at IS NULL;

-- name: dna_sample_of_case
-- The case submitted this sample (events from before the sample id was recorded count too).
SELECT EXISTS (
    SELECT 1 FROM case_events e JOIN cases c ON c.case_id = e.case_id
    WHERE c.case_number = $1 AND e.kind = 'dna_submitted'
      AND (e.data->>'sample_id' = $2 OR NOT (e.data ? 'sample_id'))
);

-- name: case_exists
SELECT EXISTS (SELECT 1 FROM cases WHERE case_number = $1);
