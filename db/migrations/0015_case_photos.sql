-- Admission photos (入站照片), encrypted at rest: the database holds AES-256-GCM ciphertext
-- only (the key comes from the settings, never from the database); the key id names the key
-- of each row so keys can be rotated. The same picture sent twice for a case is one row.
CREATE TABLE case_photos (
    photo_id      uuid PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES case_reports (case_id),
    content_type  text NOT NULL,
    size_bytes    integer NOT NULL CHECK (size_bytes > 0),
    width         integer NOT NULL,
    height        integer NOT NULL,
    digest        text NOT NULL,
    key_id        text NOT NULL,
    nonce         bytea NOT NULL,
    ciphertext    bytea NOT NULL,
    uploaded_by   uuid REFERENCES users (user_id),
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, digest)
);
CREATE INDEX case_photos_case_idx ON case_photos (case_id, uploaded_at);
