-- The foundation: the four-level network, users, the case read model, tasks, timeline, audit.

CREATE TABLE org_nodes (
    node_id     text PRIMARY KEY,
    parent_id   text REFERENCES org_nodes (node_id),
    level       text NOT NULL,
    name        text NOT NULL,
    -- Materialised path of node ids joined by '/', ending with '/', for subtree queries.
    path        text NOT NULL UNIQUE,
    address     text,
    phone       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_nodes_path_idx ON org_nodes (path text_pattern_ops);

CREATE TABLE users (
    user_id        uuid PRIMARY KEY,
    username       text NOT NULL UNIQUE,
    display_name   text NOT NULL,
    password_hash  text NOT NULL,
    role           text NOT NULL,
    node_id        text NOT NULL REFERENCES org_nodes (node_id),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Intake registry: one row per discovery report id, so a repeated report makes one case.
CREATE SEQUENCE case_number_seq;
CREATE TABLE case_reports (
    report_id        text PRIMARY KEY,
    case_id          uuid NOT NULL UNIQUE,
    case_number      text NOT NULL UNIQUE,
    workflow_id      text NOT NULL UNIQUE,
    channel          text NOT NULL,
    station_node_id  text NOT NULL REFERENCES org_nodes (node_id),
    reported_by      uuid REFERENCES users (user_id),
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Read model of each case workflow, written only by the workflow's sync activity.
CREATE TABLE cases (
    case_id          uuid PRIMARY KEY,
    case_number      text NOT NULL UNIQUE,
    workflow_id      text NOT NULL UNIQUE,
    station_node_id  text NOT NULL REFERENCES org_nodes (node_id),
    origin_node_id   text REFERENCES org_nodes (node_id),
    stage            text NOT NULL,
    classification   text,
    is_minor         boolean NOT NULL DEFAULT false,
    person_name      text,
    id_number        text,
    person           jsonb,
    overdue          boolean NOT NULL DEFAULT false,
    next_deadline    timestamptz,
    version          integer NOT NULL,
    opened_at        timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    closed_at        timestamptz
);
CREATE INDEX cases_station_stage_idx ON cases (station_node_id, stage);
CREATE INDEX cases_origin_idx ON cases (origin_node_id);
CREATE INDEX cases_overdue_idx ON cases (overdue) WHERE overdue;

CREATE TABLE tasks (
    task_id           uuid PRIMARY KEY,
    case_id           uuid NOT NULL REFERENCES cases (case_id),
    kind              text NOT NULL,
    assignee_node_id  text NOT NULL REFERENCES org_nodes (node_id),
    assignee_role     text NOT NULL,
    status            text NOT NULL DEFAULT 'open',
    context           jsonb NOT NULL DEFAULT '{}'::jsonb,
    opened_at         timestamptz NOT NULL,
    deadline          timestamptz NOT NULL,
    overdue           boolean NOT NULL DEFAULT false,
    completed_at      timestamptz,
    completed_by      text
);
CREATE INDEX tasks_inbox_idx ON tasks (assignee_node_id, assignee_role, status, deadline);
CREATE INDEX tasks_case_idx ON tasks (case_id);

CREATE TABLE case_events (
    event_id     uuid PRIMARY KEY,
    case_id      uuid NOT NULL REFERENCES cases (case_id),
    occurred_at  timestamptz NOT NULL,
    kind         text NOT NULL,
    summary      text NOT NULL,
    actor        text,
    agency       text,
    data         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX case_events_case_idx ON case_events (case_id, occurred_at);

-- Append-only audit log of reads and writes of personal data; the database forbids rewrites.
CREATE TABLE audit_log (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     uuid,
    username    text,
    action      text NOT NULL,
    subject     text NOT NULL,
    allowed     boolean NOT NULL,
    client      text,
    detail      text
);
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
