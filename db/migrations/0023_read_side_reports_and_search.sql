-- Issue 13: the monthly report and the name search at a million cases (README "Performance").
-- Its event counts (treated, returned home, lost contact, admitted) look for one kind of
-- timeline line in one month: read those from an index by kind and time, with the case beside
-- them, instead of scanning every case's timeline (a seq scan of millions of lines per figure).
CREATE INDEX case_events_kind_occurred_idx ON case_events (kind, occurred_at) INCLUDE (case_id);

-- The city-wide name search: the newest page of the cases whose name begins with the text is
-- chosen from this index alone (name, then when the case changed; index-only), and only that
-- page's rows are read (db/case_search_repo.py). It replaces the plain prefix index.
CREATE INDEX cases_person_name_recent_idx ON cases (person_name text_pattern_ops)
    INCLUDE (updated_at, case_id, station_node_id, origin_node_id) WHERE person_name IS NOT NULL;
DROP INDEX cases_person_name_prefix_idx;
-- A name prefix of two characters matches a few hundredths of a percent of a million cases;
-- the default statistics estimated anything from 100 to 10,000 rows, and at the high end the
-- planner walked every case newest first, filtering names (18,000 rows for one page).
ALTER TABLE cases ALTER COLUMN person_name SET STATISTICS 1000;
