-- Family search (寻人登记 and matching, issue 12): missing-person reports, the blocking keys
-- they are filed under, the candidate pairs the matcher proposed and what caseworkers decided,
-- and the links that say two cases are one person (reversible, audited).
CREATE SEQUENCE missing_report_seq;
CREATE TABLE missing_reports (
    report_id        uuid PRIMARY KEY,
    report_number    text NOT NULL UNIQUE,
    external_ref     text,
    reported_by      text NOT NULL,
    status           text NOT NULL DEFAULT 'open',
    node_id          text NOT NULL REFERENCES org_nodes (node_id),
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    found_case_id    uuid,
    -- what the family told (personal data: never logged)
    name             text,
    aliases          text[] NOT NULL DEFAULT '{}',
    sex              text NOT NULL,
    birth_date       date,
    birth_year       integer,
    id_number        text,
    height_cm        integer,
    origin           text,
    dialect          text,
    last_seen_on     date NOT NULL,
    last_seen_place  text NOT NULL,
    conditions       text[] NOT NULL DEFAULT '{}',
    marks            text,
    clothing         text,
    photo_ref        text,
    contact_name     text NOT NULL,
    contact_phone    text NOT NULL,
    -- what the matcher derived once (province names, birth year)
    seen_province    text,
    origin_province  text
);
-- A police list imported twice is one set of reports.
CREATE UNIQUE INDEX missing_reports_external_idx ON missing_reports (reported_by, external_ref)
    WHERE external_ref IS NOT NULL;
CREATE INDEX missing_reports_node_idx ON missing_reports (node_id, created_at DESC);
CREATE INDEX missing_reports_id_number_idx ON missing_reports (id_number) WHERE id_number IS NOT NULL;

-- Blocking keys (domain/matching/blocking.py): an inverted index searched by key, with the
-- pass's vote stored beside it so a lookup is an index-only scan.
CREATE TABLE missing_report_keys (
    key        text NOT NULL,
    report_id  uuid NOT NULL,
    weight     smallint NOT NULL
);
CREATE INDEX missing_report_keys_key_idx ON missing_report_keys (key) INCLUDE (report_id, weight);
CREATE INDEX missing_report_keys_report_idx ON missing_report_keys (report_id);

-- A report and a case the matcher proposed, and what became of it. A rejected pair stays
-- here for ever and is never proposed again.
CREATE TABLE match_candidates (
    report_id    uuid NOT NULL REFERENCES missing_reports (report_id),
    case_id      uuid NOT NULL,
    weight       real NOT NULL,
    probability  double precision NOT NULL,
    comparison   jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'proposed',  -- proposed | verifying | confirmed | rejected
    task_id      uuid,
    proposed_at  timestamptz NOT NULL DEFAULT now(),
    decided_by   text,
    decided_at   timestamptz,
    note         text,
    PRIMARY KEY (report_id, case_id)
);
CREATE INDEX match_candidates_case_idx ON match_candidates (case_id, probability DESC);

-- "These two cases are one person" (or "keep them apart"), as a caseworker decided. A merge is
-- undone by a split that ends the link; both are audited in audit_log too.
CREATE TABLE person_links (
    link_id      uuid PRIMARY KEY,
    case_a       uuid NOT NULL,
    case_b       uuid NOT NULL,
    decision     text NOT NULL,  -- same | apart
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    ended_by     text,
    ended_at     timestamptz,
    CHECK (case_a < case_b)
);
CREATE UNIQUE INDEX person_links_active_idx ON person_links (case_a, case_b) WHERE ended_at IS NULL;
CREATE INDEX person_links_b_idx ON person_links (case_b);
