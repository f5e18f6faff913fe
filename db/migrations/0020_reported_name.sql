-- The name a report gave (a hotline caller, a patrol, the police), kept beside the report so
-- that agency and station rows name the person before the registration does.
ALTER TABLE case_reports ADD COLUMN reported_name text;
