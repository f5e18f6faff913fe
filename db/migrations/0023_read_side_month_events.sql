-- Issue 13: the monthly report at a million cases (figures in README "Performance").
-- Its event counts (treated, returned home, lost contact, admitted) look for one kind of
-- timeline line in one month: read those from an index by kind and time, with the case beside
-- them, instead of scanning every case's timeline (a seq scan of millions of lines per figure).
CREATE INDEX case_events_kind_occurred_idx ON case_events (kind, occurred_at) INCLUDE (case_id);
