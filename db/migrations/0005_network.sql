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

-- The people of the network: liaison training, the volunteer team, the leading groups and
-- their meetings, and the supervision items the city office assigns.
CREATE TABLE training_sessions (
    session_id         uuid PRIMARY KEY,
    organiser_node_id  text NOT NULL REFERENCES org_nodes (node_id),
    held_on            date NOT NULL,
    topic              text NOT NULL,
    place              text,
    trainer            text,
    recorded_by        text NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE training_attendance (
    session_id  uuid NOT NULL REFERENCES training_sessions (session_id),
    staff_id    uuid NOT NULL REFERENCES node_staff (staff_id),
    PRIMARY KEY (session_id, staff_id)
);

CREATE TABLE volunteers (
    volunteer_id   uuid PRIMARY KEY,
    node_id        text NOT NULL REFERENCES org_nodes (node_id),
    name           text NOT NULL,
    phone          text,
    skills         text[] NOT NULL DEFAULT '{}',
    availability   text,
    active         boolean NOT NULL DEFAULT true,
    registered_by  text NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE volunteer_activities (
    activity_id  uuid PRIMARY KEY,
    node_id      text NOT NULL REFERENCES org_nodes (node_id),
    kind         text NOT NULL,               -- survey, charity, public_aid, patrol
    held_on      date NOT NULL,
    title        text NOT NULL,
    notes        text,
    recorded_by  text NOT NULL
);
CREATE TABLE volunteer_participation (
    activity_id   uuid NOT NULL REFERENCES volunteer_activities (activity_id),
    volunteer_id  uuid NOT NULL REFERENCES volunteers (volunteer_id),
    PRIMARY KEY (activity_id, volunteer_id)
);

CREATE TABLE leading_group_members (
    member_id   uuid PRIMARY KEY,
    node_id     text NOT NULL REFERENCES org_nodes (node_id),  -- the city bureau or a county
    name        text NOT NULL,
    department  text NOT NULL,
    position    text NOT NULL,                                -- leader, deputy, member
    active      boolean NOT NULL DEFAULT true
);
CREATE TABLE leading_group_meetings (
    meeting_id   uuid PRIMARY KEY,
    node_id      text NOT NULL REFERENCES org_nodes (node_id),
    held_on      date NOT NULL,
    topic        text NOT NULL,
    attendees    text[] NOT NULL DEFAULT '{}',
    decisions    text[] NOT NULL DEFAULT '{}',
    recorded_by  text NOT NULL
);

CREATE TABLE supervision_items (
    item_id           uuid PRIMARY KEY,
    title             text NOT NULL,
    detail            text,
    owner_node_id     text NOT NULL REFERENCES org_nodes (node_id),
    owner_department  text,
    deadline          date NOT NULL,
    status            text NOT NULL DEFAULT 'open',  -- open, done
    assigned_by       text NOT NULL,
    assigned_node_id  text NOT NULL REFERENCES org_nodes (node_id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    done_at           timestamptz
);
CREATE TABLE supervision_progress (
    item_id      uuid NOT NULL REFERENCES supervision_items (item_id),
    month        text NOT NULL,                -- YYYY-MM
    progress     text NOT NULL,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, month)
);
