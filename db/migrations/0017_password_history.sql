-- Issue 11 (security): the last passwords of each user, so a new one cannot be an old one.
-- Only argon2 hashes, never the passwords; pruned to the newest few on each change.
CREATE TABLE password_history (
    user_id        uuid NOT NULL REFERENCES users (user_id),
    password_hash  text NOT NULL,
    replaced_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_by_user ON password_history (user_id, replaced_at DESC);
