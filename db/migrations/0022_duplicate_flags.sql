-- One person, one record, at intake (issue 12): when a new person's identity search starts,
-- the earlier cases likely to be the same person are flagged, so the case page tells the
-- caseworker at once (the decision — merge or keep apart — stays in person_links).
CREATE TABLE duplicate_flags (
    case_id        uuid NOT NULL,
    other_case_id  uuid NOT NULL,
    probability    double precision NOT NULL,
    flagged_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, other_case_id)
);
