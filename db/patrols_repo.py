"""Joint patrols in PostgreSQL: the projection of each patrol workflow."""

from __future__ import annotations

import asyncpg

from db.queries import sql
from domain.patrol import PatrolState


class PatrolRecord(PatrolState):
    area_name: str
    area_path: str


async def record(conn: asyncpg.Connection, *, state: PatrolState) -> None:
    await conn.execute(sql("patrol_upsert"), state.patrol_id, state.area_node_id, state.trigger.value,
                       state.reason, [p.model_dump(mode="json") for p in state.places],
                       state.departments, state.started_by, state.status.value, state.started_at,
                       state.ends_at, state.finished_at, state.summary,
                       [e.model_dump(mode="json") for e in state.encounters], state.version)


async def get(conn: asyncpg.Connection, *, patrol_id: str) -> PatrolRecord | None:
    row = await conn.fetchrow(sql("patrol_get"), patrol_id)
    return PatrolRecord(**dict(row)) if row else None


async def list_in(conn: asyncpg.Connection, *, path: str) -> list[PatrolRecord]:
    return [PatrolRecord(**dict(r)) for r in await conn.fetch(sql("patrol_list"), path)]
