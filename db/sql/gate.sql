-- name: insert_session
INSERT INTO sessions (session_id, user_id, kind, client) VALUES ($1, $2, $3, $4);

-- name: touch_session
-- A live session of this user: not revoked, used within $3 seconds, younger than $4 seconds.
-- Marks it used now when its mark is older than $5 seconds, and answers the user (with their
-- node) in the same round trip. A fresh mark is left as it is: every request of a busy desk
-- would otherwise update (and lock, and flush) the same row one after another.
WITH live AS (
    SELECT session_id, user_id, last_seen_at FROM sessions
    WHERE session_id = $1 AND user_id = $2 AND revoked_at IS NULL
      AND last_seen_at > now() - make_interval(secs => $3)
      AND created_at > now() - make_interval(secs => $4)
), touched AS (
    UPDATE sessions s SET last_seen_at = now()
    FROM live WHERE s.session_id = live.session_id
      AND live.last_seen_at < now() - make_interval(secs => $5)
)
SELECT u.user_id, u.username, u.display_name, u.password_hash, u.role, u.node_id, u.active,
       n.path AS node_path, n.name AS node_name
FROM live JOIN users u ON u.user_id = live.user_id JOIN org_nodes n ON n.node_id = u.node_id;

-- name: get_session
SELECT session_id, user_id, kind, created_at, last_seen_at, revoked_at, now() AS db_now
FROM sessions WHERE session_id = $1;

-- name: revoke_session
UPDATE sessions SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL;

-- name: revoke_user_sessions
-- Every live session of a user except $2 (NULL: all of them), e.g. after a password change.
UPDATE sessions SET revoked_at = now()
WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR session_id <> $2::uuid);

-- name: get_lock
SELECT failures, locked_until, now() AS db_now FROM login_throttle
WHERE username = $1 AND locked_until > now();

-- name: record_login_failure
-- One more failure in a row for this username; answers how many so far.
INSERT INTO login_throttle AS t (username, failures, last_failure_at)
VALUES ($1, 1, now())
ON CONFLICT (username) DO UPDATE SET failures = t.failures + 1, last_failure_at = now()
RETURNING failures;

-- name: lock_username
UPDATE login_throttle SET failures = 0, locked_until = now() + make_interval(secs => $2)
WHERE username = $1
RETURNING locked_until;

-- name: clear_login_failures
-- $1 is a throttle key (username@client: that one) or a username (every key of it).
DELETE FROM login_throttle WHERE username = $1 OR left(username, length($1) + 1) = $1 || '@';

-- name: recent_password_hashes
-- The user's current hash and the $2 hashes it replaced last (a new password must differ).
SELECT password_hash FROM users WHERE user_id = $1
UNION ALL
(SELECT password_hash FROM password_history WHERE user_id = $1
 ORDER BY replaced_at DESC LIMIT $2);

-- name: remember_password_hash
-- Keep the hash being replaced, and only the newest $2 of them.
WITH kept AS (
    INSERT INTO password_history (user_id, password_hash)
    SELECT user_id, password_hash FROM users WHERE user_id = $1
)
DELETE FROM password_history h
WHERE h.user_id = $1 AND h.ctid NOT IN (
    SELECT ctid FROM password_history WHERE user_id = $1 ORDER BY replaced_at DESC LIMIT $2 - 1);

-- name: set_password_hash
UPDATE users SET password_hash = $2, password_changed_at = now() WHERE user_id = $1;
