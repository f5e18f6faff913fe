"""Caseworkers' decisions that two cases are one person (merge) or two (keep apart): stored
as links that a split ends, never deleted, so every merge can be undone and every step audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from db.person_repo import PersonCase
from db.queries import sql


class PersonLink(BaseModel):
    link_id: uuid.UUID
    case_a: uuid.UUID
    case_b: uuid.UUID
    decision: str
    created_by: str
    created_at: datetime

    def other(self, case_id: uuid.UUID) -> uuid.UUID:
        return self.case_b if self.case_a == case_id else self.case_a


async def links_of(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> list[PersonLink]:
    return [PersonLink(**dict(r)) for r in await conn.fetch(sql("person_links_of_case"), case_id)]


async def add_link(conn: asyncpg.Connection, *, case_id: uuid.UUID, other: uuid.UUID, decision: str,
                   by: str) -> uuid.UUID | None:
    """A new decision; None when the pair already has an active one."""
    return await conn.fetchval(sql("insert_person_link"), uuid.uuid4(), case_id, other, decision, by)


async def end_link(conn: asyncpg.Connection, *, link_id: uuid.UUID, by: str) -> Any:
    return await conn.fetchrow(sql("end_person_link"), link_id, by)


async def linked_cases(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> list[PersonCase]:
    return [PersonCase(**dict(r)) for r in await conn.fetch(sql("linked_cases"), case_id)]


async def duplicate_candidates(conn: asyncpg.Connection, *, case_id: uuid.UUID, id_number: str | None,
                               name: str | None) -> list[Any]:
    return list(await conn.fetch(sql("duplicate_candidates"), case_id, id_number, name))


async def flag_duplicate(conn: asyncpg.Connection, *, case_id: uuid.UUID, other: uuid.UUID,
                         probability: float) -> None:
    """Flag an earlier case as likely the same person as ``case_id`` (idempotent)."""
    await conn.execute(sql("flag_duplicate"), case_id, other, probability)


async def open_duplicate_flags(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> list[Any]:
    """The flags of the case that no merge or "keep apart" decided yet, most likely first."""
    return list(await conn.fetch(sql("open_duplicate_flags"), case_id))
