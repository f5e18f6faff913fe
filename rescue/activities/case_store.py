"""Writes of the case read model in PostgreSQL: the only way a case reaches the database."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from rescue.db.cases_repo import sync_case
from rescue.domain.agencies import SYNC_CASE
from rescue.domain.case import CaseSyncInput


class CaseStoreActivities:
    """Activities that project workflow state; handed the pool by the worker."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=SYNC_CASE)
    async def sync_case(self, data: CaseSyncInput) -> None:
        """Upsert the case (newest version wins), append events, open and close tasks."""
        async with self._pool.acquire() as conn:
            await sync_case(conn, data=data, workflow_id=activity.info().workflow_id)
