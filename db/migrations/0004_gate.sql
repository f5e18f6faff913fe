-- The gate (issue 4): server-side sessions, login lockout, who/where in the audit log, the
-- audit log's rights, and the indexes the case lists, dashboard and auditor's search need.

-- One row per login (console cookie or API bearer token). The token names its session; every
-- request checks it is not revoked, not idle too long and not older than the absolute limit.
CREATE TABLE sessions (
    session_id    uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (user_id),
    kind          text NOT NULL,          -- console or api
    client        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);
CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Failed logins in a row per typed username (known or not, so a lockout reveals nothing about
-- which usernames exist); a success deletes the row.
CREATE TABLE login_throttle (
    username         text PRIMARY KEY,
    failures         integer NOT NULL DEFAULT 0,
    last_failure_at  timestamptz,
    locked_until     timestamptz
);

ALTER TABLE users ADD COLUMN password_changed_at timestamptz;

-- The audit log says which role and node acted, not only which user.
ALTER TABLE audit_log ADD COLUMN role text;
ALTER TABLE audit_log ADD COLUMN node_id text;
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_username_idx ON audit_log (username, audit_id DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, audit_id DESC);
CREATE INDEX audit_log_denied_idx ON audit_log (audit_id DESC) WHERE NOT allowed;

-- Append-only: the trigger of 0001 refuses UPDATE, DELETE and TRUNCATE for everyone (with the
-- embedded server the application connects as the owner, so the trigger is the guarantee).
-- Where the deployment has an application role, it also loses the rights themselves.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rescue_app') THEN
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM rescue_app';
    END IF;
END
$$;

-- Case lists, newest change first, keyset paged: one index per way a user's scope is reached
-- (everything, by station, by origin, by reporter), so each branch reads only its page.
CREATE INDEX cases_updated_idx ON cases (updated_at DESC, case_id DESC);
CREATE INDEX cases_station_updated_idx ON cases (station_node_id, updated_at DESC, case_id DESC);
CREATE INDEX cases_origin_updated_idx ON cases (origin_node_id, updated_at DESC, case_id DESC)
    WHERE origin_node_id IS NOT NULL;
CREATE INDEX case_reports_reported_by_idx ON case_reports (reported_by, case_id);
CREATE INDEX case_reports_station_created_idx ON case_reports (station_node_id, created_at DESC);
-- Search by the beginning of a name, an identity number or a case number.
CREATE INDEX cases_person_name_prefix_idx ON cases (person_name text_pattern_ops)
    WHERE person_name IS NOT NULL;
CREATE INDEX cases_id_number_prefix_idx ON cases (id_number text_pattern_ops)
    WHERE id_number IS NOT NULL;
CREATE INDEX cases_case_number_prefix_idx ON cases (case_number text_pattern_ops);
-- Dashboard figures count open cases only (closed ones are the million).
CREATE INDEX cases_open_station_idx ON cases (station_node_id, stage, classification)
    WHERE stage <> 'closed';
CREATE INDEX cases_open_updated_idx ON cases (updated_at DESC, case_id DESC)
    WHERE stage <> 'closed';
CREATE INDEX cases_open_deadline_idx ON cases (station_node_id, next_deadline)
    WHERE next_deadline IS NOT NULL;
CREATE INDEX tasks_open_deadline_idx ON tasks (deadline) WHERE status = 'open';
CREATE INDEX tasks_assignee_done_idx ON tasks (assignee_node_id, assignee_role, completed_at DESC)
    WHERE status = 'done';
CREATE INDEX case_events_kind_idx ON case_events (kind, occurred_at DESC);
