"""Demo treatment budgets: one per rescue station for the current year (idempotent: an
existing budget is kept). The city station gets 500,000.00 yuan, each county 200,000.00."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import asyncpg

from db.finance_repo import ensure_budget

CITY_BUDGET_FEN = 50_000_000
COUNTY_BUDGET_FEN = 20_000_000


async def seed_budgets(conn: asyncpg.Connection, *, year: int | None = None) -> None:
    """A budget for every city and county station for ``year`` (default: this year in China)."""
    year = year or datetime.now(timezone(timedelta(hours=8))).year
    rows = await conn.fetch("SELECT node_id, level FROM org_nodes"
                            " WHERE level IN ('city_station', 'county_station')")
    for r in rows:
        budget = CITY_BUDGET_FEN if r["level"] == "city_station" else COUNTY_BUDGET_FEN
        await ensure_budget(conn, node_id=r["node_id"], year=year, budget_fen=budget)
