"""The task inbox: open tasks per organisation and role, as projected by the workflows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.enums import Role, TaskKind, TaskStatus


class TaskRecord(BaseModel):
    """A task row with the case fields the inbox shows."""

    task_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    station_node_id: str
    stage: str
    kind: TaskKind
    assignee_node_id: str
    assignee_role: Role
    status: TaskStatus
    context: dict[str, Any]
    opened_at: datetime
    deadline: datetime
    overdue: bool
    completed_at: datetime | None
    completed_by: str | None
    workflow_id: str | None = None
    """The workflow that owns the task (None: the case workflow)."""


async def get_task(conn: asyncpg.Connection, *, task_id: uuid.UUID) -> TaskRecord | None:
    row = await conn.fetchrow(sql("get_task"), task_id)
    return TaskRecord(**dict(row)) if row else None


async def list_open_tasks_for(
    conn: asyncpg.Connection, *, node_id: str, role: Role, limit: int = 200
) -> list[TaskRecord]:
    """The inbox of one organisation and role, overdue first, then by deadline."""
    rows = await conn.fetch(sql("list_open_tasks_for"), node_id, role.value, limit)
    return [TaskRecord(**dict(r)) for r in rows]


async def list_open_tasks_of_case(
    conn: asyncpg.Connection, *, case_id: uuid.UUID
) -> list[TaskRecord]:
    rows = await conn.fetch(sql("list_open_tasks_of_case"), case_id)
    return [TaskRecord(**dict(r)) for r in rows]
