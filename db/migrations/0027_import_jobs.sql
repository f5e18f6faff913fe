-- Issue 12: the police's missing-person list is imported in the background, with its progress.
-- The upload checks every row, then stores the job and its good rows in one transaction; the
-- MissingListImportWorkflow registers them batch by batch. A row's status is set in the same
-- transaction as its report, so a retried batch changes nothing twice, and every count shown
-- is counted from the rows (never kept as a counter).
CREATE TABLE import_jobs (
    job_id       uuid PRIMARY KEY,
    node_id      text NOT NULL REFERENCES org_nodes (node_id),
    created_by   text NOT NULL,
    filename     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    total        integer NOT NULL,
    -- rows refused at upload: [{"row": n, "reason": "…"}] (no personal data, reasons only)
    rejected     jsonb NOT NULL DEFAULT '[]',
    finished_at  timestamptz
);

CREATE TABLE import_job_rows (
    job_id            uuid NOT NULL REFERENCES import_jobs (job_id) ON DELETE CASCADE,
    row_no            integer NOT NULL,
    -- the checked report (personal data); emptied once the job is done
    body              jsonb,
    status            text CHECK (status IN ('imported', 'duplicate')),
    report_id         uuid REFERENCES missing_reports (report_id),
    matching_started  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, row_no),
    CHECK (body IS NOT NULL OR status IS NOT NULL),
    CHECK ((status = 'imported') = (report_id IS NOT NULL))
);
-- The next batch, and the imported rows whose matching is still to start.
CREATE INDEX import_job_rows_waiting_idx ON import_job_rows (job_id, row_no) WHERE status IS NULL;
CREATE INDEX import_job_rows_unmatched_idx ON import_job_rows (job_id, row_no)
    WHERE status = 'imported' AND NOT matching_started;
