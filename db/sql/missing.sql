-- name: missing_report_number
SELECT 'XR' || to_char(now(), 'YYYY') || '-' || lpad(nextval('missing_report_seq')::text, 6, '0');

-- name: insert_missing_report
-- A new report; an external reference already imported answers nothing (a duplicate).
INSERT INTO missing_reports (report_id, report_number, external_ref, reported_by, node_id, created_by,
    name, aliases, sex, birth_date, birth_year, id_number, height_cm, origin, dialect, last_seen_on,
    last_seen_place, conditions, marks, clothing, photo_ref, contact_name, contact_phone,
    seen_province, origin_province)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
        $21, $22, $23, $24, $25)
ON CONFLICT DO NOTHING
RETURNING report_id;

-- name: missing_report_by_id
SELECT r.*, n.path AS node_path, n.name AS node_name
FROM missing_reports r JOIN org_nodes n ON n.node_id = r.node_id
WHERE r.report_id = $1;

-- name: missing_reports_in_subtree
-- Reports registered in the caller's subtree, newest first.
SELECT r.*, n.path AS node_path, n.name AS node_name
FROM missing_reports r JOIN org_nodes n ON n.node_id = r.node_id
WHERE n.path LIKE $1 || '%'
ORDER BY r.created_at DESC
LIMIT $2 OFFSET $3;

-- name: blocked_reports
-- The open reports most likely to be the person, in two cheap steps before the full comparison.
-- Votes: each shared blocking key counts its pass's weight times its rarity
-- (ln(1 + reports / reports under the key)), so a rare given name outvotes a busy
-- province-quarter, times the key's factor $14 (a birth band farther from the person's counts
-- less: it breaks the ties of a one-character name's keys); the best $2 by votes go on, those sharing a name key first (for a named
-- person a report sharing only place keys is all but never the one). First comparison: their
-- name keys' votes (scaled by $3; the place keys' votes would count place and time twice), or
-- for a report sharing no name key the model's weight of another name ($13, 0 for a nameless
-- person), plus the model's
-- weights ($5, see db/matching_repo.py) of the fields an index holds beside the report id
-- (birth year against $6 ± $7 / 2, sex $8, found in $10 or within 800 km $11, found on $9, origin
-- $12), read by an index-only scan; the best $4 are returned whole, best first, with that score
-- (db/matching_repo.py adds height and marks, read from the whole rows, before the full comparison).
WITH hits AS MATERIALIZED (
    SELECT key, report_id, weight FROM missing_report_keys WHERE key = ANY($1::text[])
), df AS (
    SELECT c.key, f.factor * ln(1 + greatest((SELECT reltuples FROM pg_class WHERE relname = 'missing_reports'),
                                             1)::float8 / c.n) AS rarity
    FROM (SELECT key, count(*) AS n FROM hits GROUP BY key) AS c
    JOIN unnest($1::text[], $14::float8[]) AS f (key, factor) USING (key)
), voted AS (
    SELECT h.report_id, sum(h.weight * df.rarity) AS votes,
           sum(h.weight * df.rarity) FILTER (WHERE h.key !~ '^[srq]:') AS name_votes
    FROM hits h JOIN df USING (key)
    GROUP BY h.report_id ORDER BY count(*) FILTER (WHERE h.key !~ '^[srq]:') = 0, votes DESC LIMIT $2
), best AS (
    SELECT v.report_id, coalesce(v.name_votes * $3::float8, $13::float8)
      -- the levels of compare.age_level: two recorded years (spread 0) have their own
      + CASE WHEN $6::float8 IS NULL OR y.year IS NULL THEN 0
             WHEN $7::float8 = 0 THEN CASE WHEN y.year = $6 THEN ($5::float8[])[1]
                                           WHEN abs(y.year - $6) <= 1 THEN ($5::float8[])[2]
                                           WHEN abs(y.year - $6) <= 3 THEN ($5::float8[])[3]
                                           WHEN abs(y.year - $6) <= 6 THEN ($5::float8[])[4]
                                           ELSE ($5::float8[])[5] END
             WHEN abs(y.year - $6) - $7::float8 / 2 <= 1 THEN ($5::float8[])[6]
             WHEN abs(y.year - $6) - $7::float8 / 2 <= 3 THEN ($5::float8[])[7]
             WHEN abs(y.year - $6) - $7::float8 / 2 <= 6 THEN ($5::float8[])[8]
             ELSE ($5::float8[])[9] END
      + CASE WHEN $8::text IS NULL OR r.sex NOT IN ('male', 'female') THEN 0
             WHEN r.sex = $8 THEN ($5::float8[])[10] ELSE ($5::float8[])[11] END
      + CASE WHEN $10::text IS NULL OR r.seen_province IS NULL THEN 0
             WHEN r.seen_province = $10 THEN ($5::float8[])[12]
             WHEN r.seen_province = ANY($11::text[]) THEN ($5::float8[])[13] ELSE ($5::float8[])[14] END
      -- the days of compare.TIME_LEVELS
      + CASE WHEN $9::date IS NULL OR r.last_seen_on IS NULL THEN 0
             WHEN $9::date - r.last_seen_on < -30 THEN ($5::float8[])[15]
             WHEN $9::date - r.last_seen_on <= 31 THEN ($5::float8[])[16]
             WHEN $9::date - r.last_seen_on <= 92 THEN ($5::float8[])[17]
             WHEN $9::date - r.last_seen_on <= 183 THEN ($5::float8[])[18]
             WHEN $9::date - r.last_seen_on <= 365 THEN ($5::float8[])[19]
             WHEN $9::date - r.last_seen_on <= 1096 THEN ($5::float8[])[20]
             ELSE ($5::float8[])[21] END
      + CASE WHEN $12::text IS NULL OR r.origin_province IS NULL THEN 0
             WHEN r.origin_province = $12 THEN ($5::float8[])[22] ELSE ($5::float8[])[23] END AS score
    FROM voted v JOIN missing_reports r USING (report_id)
    CROSS JOIN LATERAL (SELECT coalesce(extract(year FROM r.birth_date)::float8, r.birth_year)) AS y (year)
    WHERE r.status = 'open'
    ORDER BY score DESC LIMIT $4
)
SELECT r.report_id, r.name, r.aliases, r.sex, r.birth_date, r.birth_year, r.height_cm, r.last_seen_on,
       r.seen_province, r.origin_province, r.marks, r.clothing, r.conditions, best.score AS first_score
FROM best JOIN missing_reports r USING (report_id)
ORDER BY best.score DESC;

-- name: name_frequencies
-- How many reports are filed under each surname sound (o keys) and each called-by character's
-- sound (g keys with a birth band: a one-character given name, a given name's last character):
-- the term frequencies of domain/matching/frequencies.py. Range scans of the key index.
SELECT left(key, 1) AS kind, split_part(key, ':', 2) AS value, count(*)::bigint AS reports
FROM missing_report_keys
WHERE (key >= 'o:' AND key < 'o;')
   OR (key >= 'g:' AND key < 'g;' AND key LIKE 'g:%:%:%')
GROUP BY 1, 2;

-- name: rejected_reports_of_case
SELECT report_id FROM match_candidates WHERE case_id = $1 AND status = 'rejected';

-- name: rejected_cases_of_report
SELECT case_id FROM match_candidates WHERE report_id = $1 AND status = 'rejected';

-- name: upsert_candidate
-- A proposal: a pair already decided keeps its decision; an open one gets the newer score.
INSERT INTO match_candidates (report_id, case_id, weight, probability, comparison)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (report_id, case_id) DO UPDATE
   SET weight = EXCLUDED.weight, probability = EXCLUDED.probability, comparison = EXCLUDED.comparison
 WHERE match_candidates.status IN ('proposed', 'verifying')
RETURNING status;

-- name: candidates_of_case
SELECT mc.*, r.report_number, r.name, r.sex, r.last_seen_on, r.last_seen_place, r.status AS report_status
FROM match_candidates mc JOIN missing_reports r USING (report_id)
WHERE mc.case_id = $1 AND mc.status <> 'rejected'
ORDER BY mc.probability DESC, mc.weight DESC LIMIT $2;

-- name: candidates_of_report
SELECT mc.*, c.case_number, c.person_name, c.stage
FROM match_candidates mc JOIN cases c ON c.case_id = mc.case_id
WHERE mc.report_id = $1 AND mc.status <> 'rejected'
ORDER BY mc.probability DESC, mc.weight DESC LIMIT $2;

-- name: candidate
SELECT * FROM match_candidates WHERE report_id = $1 AND case_id = $2;

-- name: decide_candidate
UPDATE match_candidates SET status = $3, decided_by = $4, decided_at = now(), note = $5
WHERE report_id = $1 AND case_id = $2 AND status IN ('proposed', 'verifying')
RETURNING status;

-- name: mark_verifying
UPDATE match_candidates SET status = 'verifying', task_id = $3
WHERE report_id = $1 AND case_id = $2 AND status = 'proposed';

-- name: report_found
UPDATE missing_reports SET status = 'found', found_case_id = $2 WHERE report_id = $1;

-- name: open_cases_for_rematch
-- People still in care without identity, to be matched again when a report arrives.
SELECT c.case_id, c.case_number, c.person_name, c.person, c.opened_at, c.stage,
       s.name AS station_name,
       (SELECT e.summary FROM case_events e WHERE e.case_id = c.case_id AND e.kind = 'reported'
         ORDER BY e.occurred_at LIMIT 1) AS reported
FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE c.closed_at IS NULL AND c.stage IN ('identity_search', 'long_term_stay');

-- name: case_for_matching
SELECT c.case_id, c.case_number, c.person_name, c.person, c.opened_at, c.stage,
       s.name AS station_name,
       (SELECT e.summary FROM case_events e WHERE e.case_id = c.case_id AND e.kind = 'reported'
         ORDER BY e.occurred_at LIMIT 1) AS reported
FROM cases c JOIN org_nodes s ON s.node_id = c.station_node_id
WHERE c.case_id = $1;
