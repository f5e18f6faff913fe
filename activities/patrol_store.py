"""Writes of the patrol workflows: the patrol's projection and the areas of key-day patrols."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from db import patrols_repo, reports_repo
from domain.patrol import LIST_PATROL_AREAS, RECORD_PATROL, PatrolState


class PatrolStoreActivities:
    """Activities of the patrols; handed the pool by the worker."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=RECORD_PATROL)
    async def record_patrol(self, state: PatrolState) -> None:
        """Project the patrol (a late retry never rolls it back)."""
        async with self._pool.acquire() as conn:
            await patrols_repo.record(conn, state=state)

    @activity.defn(name=LIST_PATROL_AREAS)
    async def list_patrol_areas(self) -> list[str]:
        """The county/district stations: each organises the key-day patrol of its area."""
        async with self._pool.acquire() as conn:
            return [r["node_id"] for r in await reports_repo.localities(conn)]

    def all(self) -> list[object]:
        return [self.record_patrol, self.list_patrol_areas]
