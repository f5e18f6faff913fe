"""The dashboard's figures for the stations of a subtree, counted in SQL over open cases."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql


class RecentReport(BaseModel):
    case_id: uuid.UUID
    case_number: str
    channel: str
    created_at: datetime
    stage: str | None
    person_name: str | None
    is_minor: bool | None


async def in_station(conn: asyncpg.Connection, *, station_ids: list[str],
                     stages: list[str]) -> list[tuple[str, str | None, int]]:
    """(station, classification, people) of the people in the stations now."""
    rows = await conn.fetch(sql("figures_in_station"), station_ids, stages)
    return [(r["station_node_id"], r["classification"], r["n"]) for r in rows]


async def by_stage(conn: asyncpg.Connection, *, station_ids: list[str]) -> dict[str, int]:
    return {r["stage"]: r["n"] for r in await conn.fetch(sql("figures_by_stage"), station_ids)}


async def task_deadlines(conn: asyncpg.Connection, *, station_ids: list[str],
                         end_of_today: datetime) -> tuple[int, int]:
    """(overdue, due later today) open tasks of the stations' cases."""
    row = await conn.fetchrow(sql("figures_tasks"), station_ids, end_of_today)
    return (int(row["overdue"]), int(row["due_today"])) if row else (0, 0)


async def recent_reports(conn: asyncpg.Connection, *, station_ids: list[str],
                         limit: int = 10) -> list[RecentReport]:
    rows = await conn.fetch(sql("figures_recent_reports"), station_ids, limit)
    return [RecentReport(**dict(r)) for r in rows]
