"""What the operator page reads from the records: overdue tasks and pages of open cases."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from db.tasks_repo import TaskRecord


class OverdueTask(TaskRecord):
    case_workflow_id: str


class OpenCase(BaseModel):
    case_id: uuid.UUID
    case_number: str
    workflow_id: str
    stage: str
    station_node_id: str
    updated_at: datetime


async def overdue_tasks(conn: asyncpg.Connection, *, node_ids: list[str] | None,
                        limit: int = 100) -> list[OverdueTask]:
    return [OverdueTask(**dict(r)) for r in await conn.fetch(sql("overdue_tasks"), node_ids, limit)]


async def open_cases(conn: asyncpg.Connection, *, node_ids: list[str] | None,
                     after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[OpenCase]:
    rows = await conn.fetch(sql("open_cases_page"), node_ids, after[0] if after else None,
                            after[1] if after else None, limit)
    return [OpenCase(**dict(r)) for r in rows]
