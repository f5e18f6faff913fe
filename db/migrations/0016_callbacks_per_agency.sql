-- A callback id is the agency's own: the police and the hospital may use the same id for
-- different callbacks, and one agency's id must never block another's.
ALTER TABLE agency_callbacks DROP CONSTRAINT agency_callbacks_pkey;
ALTER TABLE agency_callbacks ADD PRIMARY KEY (agency, callback_id);
