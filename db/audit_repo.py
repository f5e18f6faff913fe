"""The append-only audit log of personal-data access: one line per read or write, allowed or
denied, and the auditor's search over it."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql


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
    role: str | None = None,
    node_id: str | None = None,
) -> None:
    """Append one line: who (user, role, node) did what to which record, from where, and
    whether it was allowed. ``detail`` never holds personal data."""
    await conn.execute(
        sql("insert_audit"), user_id, username, action, subject, allowed, client, detail,
        role, node_id,
    )


class AuditRow(BaseModel):
    """One line of the audit log as the auditor sees it."""

    audit_id: int
    at: datetime
    user_id: uuid.UUID | None
    username: str | None
    role: str | None
    node_id: str | None
    action: str
    subject: str
    allowed: bool
    client: str | None
    detail: str | None


async def search_audit(
    conn: asyncpg.Connection,
    *,
    username: str | None = None,
    subject: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    allowed: bool | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditRow]:
    """Lines matching every given filter, newest first; ``before_id`` is the keyset cursor."""
    rows = await conn.fetch(sql("search_audit"), username, subject, action, since, until,
                            allowed, before_id, limit)
    return [AuditRow(**dict(r)) for r in rows]
