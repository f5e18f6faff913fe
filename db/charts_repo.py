"""The figures behind the console's charts: cases per month, how far cases got, late tasks
by the unit that holds them (the treatment money comes from ``finance_repo``)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from db.queries import sql


async def cases_per_month(conn: asyncpg.Connection, *, station_ids: list[str],
                          since: datetime) -> dict[str, int]:
    rows = await conn.fetch(sql("chart_cases_per_month"), station_ids, since)
    return {r["month"]: int(r["n"]) for r in rows}


async def stage_funnel(conn: asyncpg.Connection, *, station_ids: list[str]) -> dict[str, int]:
    rows = await conn.fetch(sql("chart_stage_funnel"), station_ids)
    return {r["step"]: int(r["n"]) for r in rows if r["step"]}


async def overdue_by_unit(conn: asyncpg.Connection, *, station_ids: list[str]) -> list[tuple[str, str, int]]:
    rows = await conn.fetch(sql("chart_overdue_by_unit"), station_ids)
    return [(r["unit"], r["role"], int(r["n"])) for r in rows]


async def hotline_per_month(conn: asyncpg.Connection, *, node_path: str, since: datetime) -> dict[str, int]:
    """12349 calls per month about the areas under a node."""
    rows = await conn.fetch(sql("chart_hotline_per_month"), node_path, since)
    return {r["month"]: int(r["n"]) for r in rows}


async def patrol_encounters_per_month(conn: asyncpg.Connection, *, node_path: str,
                                      since: datetime) -> dict[str, int]:
    """People met on special patrols per month in the areas under a node."""
    rows = await conn.fetch(sql("chart_patrol_encounters_per_month"), node_path, since)
    return {r["month"]: int(r["n"] or 0) for r in rows}
