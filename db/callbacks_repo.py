"""The dedupe record of agency callbacks: one row per agency and callback id, written with its outbox
message in one transaction (so a claimed callback is always on its way to the workflow)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import asyncpg

from db.queries import sql


class Claim(StrEnum):
    NEW = "new"  # this request stores the callback for delivery
    DUPLICATE = "duplicate"  # stored already (delivered or on its way): do nothing
    CONFLICT = "conflict"  # the same agency's callback id with another kind or body


async def claim_callback(
    conn: asyncpg.Connection,
    *,
    callback_id: str,
    agency: str,
    kind: str,
    workflow_id: str,
    body: dict[str, Any],
) -> Claim:
    """Insert the callback's row; say whether this request is the one that stores it."""
    for _ in range(3):  # a row released by a concurrent failed attempt: insert again
        if await conn.fetchval(
            sql("insert_callback"), callback_id, agency, kind, workflow_id, body
        ):
            return Claim.NEW
        row = await conn.fetchrow(sql("get_callback"), agency, callback_id)
        if row is None:
            continue
        if (row["kind"], row["body"]) != (kind, body):
            return Claim.CONFLICT
        return Claim.DUPLICATE
    return Claim.DUPLICATE


async def mark_signalled(conn: asyncpg.Connection, *, agency: str, callback_id: str) -> None:
    """The workflow has the callback: the row now dedupes for good."""
    await conn.execute(sql("mark_callback_signalled"), agency, callback_id)


async def release_callback(conn: asyncpg.Connection, *, agency: str, callback_id: str) -> None:
    """The signal failed: forget the callback so the agency's retry is treated as new."""
    await conn.execute(sql("release_callback"), agency, callback_id)


async def case_exists(conn: asyncpg.Connection, *, case_number: str) -> bool:
    return bool(await conn.fetchval(sql("case_exists"), case_number))


async def dna_sample_of_case(conn: asyncpg.Connection, *, case_number: str, sample_id: str) -> bool:
    """True when the case submitted this sample to the DNA database."""
    return bool(await conn.fetchval(sql("dna_sample_of_case"), case_number, sample_id))
