"""The gate's records: server-side sessions, failed logins in a row, and password changes."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from db.users_repo import UserRecord


class SessionRecord(BaseModel):
    """One login, as stored; ``db_now`` is the database's clock when it was read."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None
    db_now: datetime


async def open_session(conn: asyncpg.Connection, *, user_id: uuid.UUID, kind: str,
                       client: str | None) -> uuid.UUID:
    """Start a session for a user who just logged in; its id goes into the token."""
    session_id = uuid.uuid4()
    await conn.execute(sql("insert_session"), session_id, user_id, kind, client)
    return session_id


TOUCH_EVERY_SECONDS = 15.0
"""A session's "last used" mark is renewed at most this often (at most this much earlier
than the idle timeout could end it): requests in between only read it."""


async def touch_session(conn: asyncpg.Connection, *, session_id: uuid.UUID, user_id: uuid.UUID,
                        idle_seconds: float, absolute_seconds: float) -> UserRecord | None:
    """The session's user when the session is live (and mark it used now, unless it was
    within :data:`TOUCH_EVERY_SECONDS`), else None."""
    row = await conn.fetchrow(sql("touch_session"), session_id, user_id, idle_seconds,
                              absolute_seconds, min(TOUCH_EVERY_SECONDS, idle_seconds / 10))
    return UserRecord(**dict(row)) if row else None


async def get_session(conn: asyncpg.Connection, *, session_id: uuid.UUID) -> SessionRecord | None:
    row = await conn.fetchrow(sql("get_session"), session_id)
    return SessionRecord(**dict(row)) if row else None


async def revoke_session(conn: asyncpg.Connection, *, session_id: uuid.UUID) -> bool:
    """End one session (logout); False when it had ended already."""
    return bool(await conn.execute(sql("revoke_session"), session_id) != "UPDATE 0")


async def revoke_user_sessions(conn: asyncpg.Connection, *, user_id: uuid.UUID,
                               keep: uuid.UUID | None = None) -> None:
    """End every live session of a user (but ``keep``), e.g. when the password changes."""
    await conn.execute(sql("revoke_user_sessions"), user_id, keep)


async def locked_until(conn: asyncpg.Connection, *, username: str) -> tuple[datetime, datetime] | None:
    """(until when, database now) if the username is locked, else None."""
    row = await conn.fetchrow(sql("get_lock"), username)
    return (row["locked_until"], row["db_now"]) if row else None


async def record_failure(conn: asyncpg.Connection, *, username: str, max_failures: int,
                         lockout_seconds: float) -> tuple[int, datetime | None]:
    """Count one failed login; at ``max_failures`` in a row the username is locked.

    Returns (failures so far, locked until — None unless this failure locked it)."""
    failures = int(await conn.fetchval(sql("record_login_failure"), username))
    if failures < max_failures:
        return failures, None
    return failures, await conn.fetchval(sql("lock_username"), username, lockout_seconds)


async def clear_failures(conn: asyncpg.Connection, *, username: str) -> None:
    await conn.execute(sql("clear_login_failures"), username)


async def recent_password_hashes(conn: asyncpg.Connection, *, user_id: uuid.UUID,
                                 keep: int) -> list[str]:
    """The current password hash and the ``keep`` it replaced last."""
    return [r["password_hash"] for r in await conn.fetch(sql("recent_password_hashes"), user_id, keep)]


async def remember_password_hash(conn: asyncpg.Connection, *, user_id: uuid.UUID, keep: int) -> None:
    """Before a new password is set: keep the current hash among the last ``keep``."""
    await conn.execute(sql("remember_password_hash"), user_id, keep)


async def set_password_hash(conn: asyncpg.Connection, *, user_id: uuid.UUID, password_hash: str) -> None:
    await conn.execute(sql("set_password_hash"), user_id, password_hash)
