"""Treatment money per station: budget, claims, approved-not-paid and paid (integer fen)."""

from __future__ import annotations

import asyncpg
from pydantic import BaseModel

from db.queries import sql


class StationMoney(BaseModel):
    """One station's treatment money for a year, in fen."""

    node_id: str
    name: str
    level: str
    budget_fen: int
    pending_fen: int
    """Claimed by the hospital, not yet reviewed."""
    committed_fen: int
    """Approved, not yet paid."""
    paid_fen: int
    settlements: int

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.committed_fen - self.paid_fen


async def treatment_money(conn: asyncpg.Connection, *, year: int) -> list[StationMoney]:
    return [StationMoney(**dict(r)) for r in await conn.fetch(sql("finance_by_station"), year)]


async def ensure_budget(conn: asyncpg.Connection, *, node_id: str, year: int, budget_fen: int) -> None:
    """Set a station's budget for a year unless one is set (the existing one is kept)."""
    await conn.execute(sql("upsert_budget_if_absent"), node_id, year, budget_fen)
