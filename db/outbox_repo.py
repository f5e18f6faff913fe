"""The outbox: messages for workflows stored before they are delivered (see migration 0009)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from db.queries import sql


@dataclass(frozen=True)
class OutboxItem:
    """One pending message, locked by the relay that fetched it."""

    outbox_id: int
    workflow_id: str
    kind: str
    name: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class OutboxState:
    outbox_id: int
    workflow_id: str
    finished_at: datetime | None
    outcome: str | None
    attempts: int
    last_error: str | None


async def add(conn: asyncpg.Connection, *, workflow_id: str, kind: str, name: str,
              payload: dict[str, Any], dedupe_key: str | None) -> int:
    """Store a message; the relay delivers it. Call inside the transaction that accepts it."""
    return int(await conn.fetchval(sql("insert_outbox"), workflow_id, kind, name, payload,
                                   dedupe_key))


async def add_once(conn: asyncpg.Connection, *, workflow_id: str, kind: str, name: str,
                   payload: dict[str, Any], dedupe_key: str | None) -> int | None:
    """Store a message unless one of this kind is pending for the workflow (None then)."""
    value = await conn.fetchval(sql("insert_outbox_once"), workflow_id, kind, name, payload,
                                dedupe_key)
    return int(value) if value is not None else None


async def lock_due(conn: asyncpg.Connection, *, limit: int,
                   workflow_id: str | None = None) -> list[OutboxItem]:
    """Lock up to ``limit`` due rows, the first pending of each workflow (inside a transaction)."""
    rows = await conn.fetch(sql("lock_due_outbox"), workflow_id, limit)
    return [OutboxItem(r["outbox_id"], r["workflow_id"], r["kind"], r["name"], r["payload"],
                       r["attempts"]) for r in rows]


async def finish(conn: asyncpg.Connection, *, outbox_id: int, outcome: str) -> None:
    await conn.execute(sql("finish_outbox"), outbox_id, outcome)


async def retry_later(conn: asyncpg.Connection, *, outbox_id: int, error: str,
                      delay_seconds: float) -> None:
    await conn.execute(sql("retry_outbox_later"), outbox_id, error[:500], delay_seconds)


async def get(conn: asyncpg.Connection, *, outbox_id: int) -> OutboxState | None:
    r = await conn.fetchrow(sql("get_outbox"), outbox_id)
    if r is None:
        return None
    return OutboxState(r["outbox_id"], r["workflow_id"], r["finished_at"], r["outcome"],
                       r["attempts"], r["last_error"])


async def delete(conn: asyncpg.Connection, *, outbox_id: int) -> None:
    await conn.execute(sql("delete_outbox"), outbox_id)


async def backlog(conn: asyncpg.Connection) -> tuple[int, datetime | None]:
    """How many messages wait, and since when the oldest."""
    r = await conn.fetchrow(sql("outbox_backlog"))
    return int(r["pending"]), r["oldest"]
