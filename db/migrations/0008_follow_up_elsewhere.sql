-- A person going home to another city: the follow-up request sent to the receiving city's
-- rescue station or civil-affairs office, on record, and whether they acknowledged it.
CREATE TABLE external_follow_ups (
    request_id       text PRIMARY KEY,
    case_id          uuid NOT NULL REFERENCES cases (case_id),
    receiving_agency text NOT NULL,
    contact          text,
    message          text NOT NULL,
    requested_at     timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  text
);
CREATE INDEX external_follow_ups_case_idx ON external_follow_ups (case_id);
