"""One person across their cases (re-entry): the cases that share an identity number, or a
name and a birth date, with the case asked about."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.case import CaseEvent


class PersonCase(BaseModel):
    case_id: uuid.UUID
    case_number: str
    station_node_id: str
    station_name: str
    station_path: str
    origin_node_id: str | None
    origin_name: str | None
    origin_path: str | None
    stage: str
    classification: str | None
    is_minor: bool
    person_name: str | None
    id_number: str | None
    opened_at: datetime
    closed_at: datetime | None
    updated_at: datetime


async def person_cases(conn: asyncpg.Connection, *, case_id: uuid.UUID, id_number: str | None,
                       name: str | None, birth_date: str | None) -> list[PersonCase]:
    rows = await conn.fetch(sql("person_cases"), case_id, id_number, name, birth_date)
    return [PersonCase(**dict(r)) for r in rows]


class Notice(BaseModel):
    notice_id: str
    published_at: datetime
    text: str
    refreshed: int


class KindSeen(BaseModel):
    """The latest event of one kind on a case."""

    kind: str
    occurred_at: datetime
    summary: str
    data: dict[str, Any]


async def latest_notice(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> Notice | None:
    row = await conn.fetchrow(sql("latest_notice"), case_id)
    return Notice(**dict(row)) if row else None


async def events_page(conn: asyncpg.Connection, *, case_id: uuid.UUID, limit: int,
                      offset: int) -> tuple[list[CaseEvent], int]:
    """A page of the case's timeline, newest first, and how many events it has in all."""
    rows = await conn.fetch(sql("case_events_page"), case_id, limit, offset)
    total = await conn.fetchval(sql("case_event_count"), case_id)
    events = [CaseEvent(event_id=str(r["event_id"]), at=r["occurred_at"], kind=r["kind"],
                        summary=r["summary"], actor=r["actor"], agency=r["agency"],
                        data=r["data"] or {}) for r in rows]
    return events, int(total)


async def event_count(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> int:
    return int(await conn.fetchval(sql("case_event_count"), case_id))


async def kinds_seen(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> dict[str, KindSeen]:
    rows = await conn.fetch(sql("case_event_kinds"), case_id)
    return {r["kind"]: KindSeen(kind=r["kind"], occurred_at=r["occurred_at"], summary=r["summary"],
                                data=r["data"] or {}) for r in rows}


async def stages_reached(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> set[str]:
    return {r["stage"] for r in await conn.fetch(sql("stages_reached"), case_id) if r["stage"]}


async def child_workflow_ids(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> tuple[set[str], int]:
    """(workflow ids that held a task of the case, number of treatment episodes started)."""
    rows = await conn.fetch(sql("case_child_workflows"), case_id)
    episodes = await conn.fetchval(sql("case_treatment_episodes"), case_id)
    return {r["workflow_id"] for r in rows}, int(episodes or 0)


async def tasks_brief(conn: asyncpg.Connection, *, task_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(sql("tasks_brief"), task_ids)]


async def case_numbers(conn: asyncpg.Connection, *, case_ids: list[uuid.UUID]) -> dict[str, str]:
    rows = await conn.fetch(sql("case_numbers_of"), case_ids)
    return {str(r["case_id"]): r["case_number"] for r in rows}


async def display_names(conn: asyncpg.Connection, *, usernames: list[str]) -> dict[str, str]:
    rows = await conn.fetch(sql("display_names_of"), usernames)
    return {r["username"]: r["display_name"] for r in rows}
