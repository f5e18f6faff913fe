"""The connection pool: created once per process and handed to whoever needs it."""

from __future__ import annotations

import json

import asyncpg


async def _init(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection goes back to the pool with: nothing to undo on the server.

    asyncpg's default reset sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`` on every release, one more round trip for every request (two or three for a
    page that acquires more than once). Connections of this pool never change session state:
    no ``SET`` (only ``SET LOCAL`` inside transactions), no advisory locks, no ``LISTEN`` (the
    inbox listens on its own connection), no cursors outside a transaction. An open
    transaction is still rolled back and listeners dropped by asyncpg before this runs."""


async def create_pool(database_url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections read and write json/jsonb as Python objects."""
    pool = await asyncpg.create_pool(
        database_url, min_size=min_size, max_size=max_size, init=_init, reset=_keep_session
    )
    assert pool is not None
    return pool
