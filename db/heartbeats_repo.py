"""Worker heartbeats: each worker process refreshes its row; health counts the fresh ones."""

from __future__ import annotations

import asyncpg

from db.queries import sql


async def beat(conn: asyncpg.Connection, *, worker_id: str, task_queue: str, host: str,
               pid: int) -> None:
    await conn.execute(sql("beat_worker"), worker_id, task_queue, host, pid)


async def forget(conn: asyncpg.Connection, *, worker_id: str) -> None:
    await conn.execute(sql("forget_worker"), worker_id)


async def live_workers(conn: asyncpg.Connection, *, task_queue: str, within_seconds: float) -> int:
    """Workers of ``task_queue`` seen within the last ``within_seconds`` (database clock)."""
    return int(await conn.fetchval(sql("live_workers"), task_queue, within_seconds))


async def prune(conn: asyncpg.Connection) -> None:
    await conn.execute(sql("prune_workers"))
