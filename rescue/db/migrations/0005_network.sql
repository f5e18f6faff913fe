-- The network's registry (staff, beds, equipment, sign, liaison of each node) and the at-risk
-- ledger (摸底排查台账) with the interventions recorded for each person.

-- What a node has, against the standards (县"四有", 乡镇"三有", 社区"二有"); one row per node.
CREATE TABLE node_profiles (
    node_id            text PRIMARY KEY REFERENCES org_nodes (node_id),
    has_office         boolean NOT NULL DEFAULT false,
    office_rooms       integer NOT NULL DEFAULT 0 CHECK (office_rooms >= 0),
    beds               integer NOT NULL DEFAULT 0 CHECK (beds >= 0),
    daily_necessities  boolean NOT NULL DEFAULT false,
    equipment          text[] NOT NULL DEFAULT '{}',
    sign_installed     boolean NOT NULL DEFAULT false,
    sign_text          text,
    has_ledger         boolean NOT NULL DEFAULT false,
    has_procedures     boolean NOT NULL DEFAULT false,
    notes              text,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text
);

-- People working at a node: staff, the township's dedicated officer, the community liaison.
CREATE TABLE node_staff (
    staff_id    uuid PRIMARY KEY,
    node_id     text NOT NULL REFERENCES org_nodes (node_id),
    name        text NOT NULL,
    duty        text NOT NULL,
    phone       text,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX node_staff_node_idx ON node_staff (node_id) WHERE active;

-- The at-risk ledger: one row per person, kept by the community, consolidated by the township.
CREATE TABLE ledger_entries (
    entry_id           uuid PRIMARY KEY,
    community_node_id  text NOT NULL REFERENCES org_nodes (node_id),
    name               text NOT NULL,
    sex                text NOT NULL,
    birth_date         date,
    id_number          text,
    categories         text[] NOT NULL,
    address            text,
    family_situation   text,
    risk_notes         text,
    status             text NOT NULL DEFAULT 'registered',  -- registered, consolidated, closed
    source             text NOT NULL,                       -- liaison, follow_up
    case_id            uuid REFERENCES cases (case_id),
    registered_by      text NOT NULL,
    registered_at      timestamptz NOT NULL DEFAULT now(),
    consolidated_by    text,
    consolidated_at    timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- One person, one entry: the same identity number (or returned case) cannot be entered twice.
CREATE UNIQUE INDEX ledger_entries_id_number_key ON ledger_entries (id_number) WHERE id_number IS NOT NULL;
CREATE UNIQUE INDEX ledger_entries_name_birth_key ON ledger_entries (name, birth_date)
    WHERE id_number IS NULL AND birth_date IS NOT NULL;
CREATE UNIQUE INDEX ledger_entries_case_key ON ledger_entries (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX ledger_entries_community_idx ON ledger_entries (community_node_id, status);

CREATE TABLE ledger_interventions (
    intervention_id  uuid PRIMARY KEY,
    entry_id         uuid NOT NULL REFERENCES ledger_entries (entry_id),
    kind             text NOT NULL,
    partners         text[] NOT NULL DEFAULT '{}',
    occurred_on      date NOT NULL,
    summary          text NOT NULL,
    recorded_by      text NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_interventions_entry_idx ON ledger_interventions (entry_id, occurred_on);
