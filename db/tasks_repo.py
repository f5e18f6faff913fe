"""The task inbox: open tasks per organisation and role, as projected by the workflows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.enums import Role, TaskKind, TaskStatus
from domain.tasks import Assignee, CaseTask


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

    def as_case_task(self) -> CaseTask:
        """The task as the workflows describe it (overdue also once its deadline has passed)."""
        return CaseTask(task_id=str(self.task_id), case_id=str(self.case_id), kind=self.kind,
                        assignee=Assignee(node_id=self.assignee_node_id, role=self.assignee_role),
                        opened_at=self.opened_at, deadline=self.deadline,
                        overdue=self.overdue or self.deadline < datetime.now(UTC),
                        context=self.context)


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
