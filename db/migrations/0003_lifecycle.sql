-- The full lifecycle: tasks owned by child workflows, notices, notifications, treatment money.

-- The workflow that owns a task (NULL: the case workflow itself).
ALTER TABLE tasks ADD COLUMN workflow_id text;

-- Family-search notices (寻亲公告) published when identity stays unknown.
CREATE TABLE family_search_notices (
    notice_id     text PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (case_id),
    published_at  timestamptz NOT NULL,
    text          text NOT NULL,
    refreshed     integer NOT NULL DEFAULT 0
);

-- Notifications to a node and role (escalations of overdue tasks, refusals).
CREATE TABLE notifications (
    notification_id  text PRIMARY KEY,
    node_id          text NOT NULL REFERENCES org_nodes (node_id),
    role             text NOT NULL,
    case_id          uuid REFERENCES cases (case_id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    message          text NOT NULL,
    read_at          timestamptz
);
CREATE INDEX notifications_inbox_idx ON notifications (node_id, role, created_at DESC);

-- Treatment budget per level and year, and settlements against it (integer fen, never floats).
CREATE TABLE treatment_budgets (
    node_id       text NOT NULL REFERENCES org_nodes (node_id),
    year          integer NOT NULL,
    budget_fen    bigint NOT NULL CHECK (budget_fen >= 0),
    PRIMARY KEY (node_id, year)
);

CREATE TABLE treatment_settlements (
    settlement_id     text PRIMARY KEY,
    case_id           uuid NOT NULL REFERENCES cases (case_id),
    station_node_id   text NOT NULL REFERENCES org_nodes (node_id),
    admission_no      text NOT NULL,
    voucher_no        text NOT NULL UNIQUE,
    claimed_fen       bigint NOT NULL CHECK (claimed_fen >= 0),
    approved_fen      bigint CHECK (approved_fen >= 0),
    status            text NOT NULL,  -- submitted, approved, rejected, paid
    payment_ref       text,
    submitted_at      timestamptz NOT NULL,
    decided_at        timestamptz,
    paid_at           timestamptz
);
CREATE INDEX treatment_settlements_station_idx ON treatment_settlements (station_node_id, status);

-- Previous cases of the same person (re-entry), linked both ways by the workflow.
CREATE INDEX cases_id_number_idx ON cases (id_number) WHERE id_number IS NOT NULL;
CREATE INDEX cases_person_name_idx ON cases (person_name) WHERE person_name IS NOT NULL;
