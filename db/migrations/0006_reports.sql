-- Monthly progress reports (月报) per locality and month, the month's notice (通报), and the
-- 12349 hotline calls with their dispatch.

CREATE TABLE monthly_reports (
    report_id          text PRIMARY KEY,           -- <locality node>:<YYYY-MM>
    locality_node_id   text NOT NULL REFERENCES org_nodes (node_id),
    month              text NOT NULL,              -- YYYY-MM
    status             text NOT NULL,              -- open, overdue, submitted
    figures            jsonb NOT NULL,
    figures_at         timestamptz NOT NULL,
    narrative          text,
    good_practice      text,
    due_at             timestamptz NOT NULL,
    opened_at          timestamptz NOT NULL,
    submitted_at       timestamptz,
    submitted_by       text,
    submitted_late     boolean NOT NULL DEFAULT false,
    reminders          integer NOT NULL DEFAULT 0,
    escalations        integer NOT NULL DEFAULT 0,
    workflow_id        text NOT NULL,
    UNIQUE (locality_node_id, month)
);
CREATE INDEX monthly_reports_month_idx ON monthly_reports (month);

CREATE TABLE monthly_notices (
    month         text PRIMARY KEY,
    text          text NOT NULL,
    published_at  timestamptz NOT NULL,
    published_by  text NOT NULL
);

-- Notifications not tied to a case (reports, hotline dispatch) reuse the notifications table,
-- whose case_id is already nullable.

CREATE TABLE hotline_calls (
    call_id           text PRIMARY KEY,
    workflow_id       text NOT NULL UNIQUE,
    received_at       timestamptz NOT NULL,
    operator          text NOT NULL,
    area_node_id      text NOT NULL REFERENCES org_nodes (node_id),
    duty_node_id      text REFERENCES org_nodes (node_id),
    kind              text NOT NULL,              -- sighting, help_request, consultation
    place             text NOT NULL,
    description       text,
    caller_phone      text,
    status            text NOT NULL,              -- received, dispatched, arrived, overdue, closed
    arrival_due       timestamptz,
    arrived_at        timestamptz,
    finding           text,
    case_id           uuid REFERENCES cases (case_id),
    callback_at       timestamptz,
    callback_note     text,
    escalations       integer NOT NULL DEFAULT 0,
    version           integer NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hotline_calls_duty_idx ON hotline_calls (duty_node_id, status);

-- Joint street patrols (街面联合巡查) and what each met on the street.
CREATE TABLE patrols (
    patrol_id      text PRIMARY KEY,
    area_node_id   text NOT NULL REFERENCES org_nodes (node_id),
    trigger        text NOT NULL,            -- key_day, extreme_weather, major_event
    reason         text NOT NULL,
    places         jsonb NOT NULL,
    departments    text[] NOT NULL,
    started_by     text NOT NULL,
    status         text NOT NULL,            -- open, finished
    started_at     timestamptz,
    ends_at        timestamptz,
    finished_at    timestamptz,
    summary        text,
    encounters     jsonb NOT NULL DEFAULT '[]'::jsonb,
    version        integer NOT NULL DEFAULT 0
);
CREATE INDEX patrols_area_idx ON patrols (area_node_id, started_at DESC);
