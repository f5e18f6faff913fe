"""The append-only audit log of personal-data access."""

from __future__ import annotations

import uuid

import asyncpg

from rescue.db.queries import sql


async def record_access(
    conn: asyncpg.Connection | asyncpg.Pool,
    *,
    user_id: uuid.UUID | None,
    username: str | None,
    action: str,
    subject: str,
    allowed: bool,
    client: str | None,
    detail: str | None = None,
) -> None:
    """Append one line: who did what to which record, from where, and whether it was allowed."""
    await conn.execute(
        sql("insert_audit"), user_id, username, action, subject, allowed, client, detail
    )
