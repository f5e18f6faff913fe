"""What the worktables read: the new-work counts of the header, task rows with the person and
places they concern, the late tasks behind supervision tasks, whom to call, and the 12349
calls waiting on a station or on the hotline."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.enums import Role, TaskKind, TaskStatus, label
from domain.hotline import CallKind, CallStatus

STATION_ROLES = frozenset({Role.CASEWORKER, Role.STATION_HEAD})
"""Roles of a station on duty for 12349 dispatches."""


class Pulse(BaseModel):
    """New work of one organisation and role (the header's count)."""

    overdue: int = 0
    supervision: int = 0
    dispatches: int = 0
    callbacks: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.supervision + self.dispatches + self.callbacks


class WorkRow(BaseModel):
    """An open task with the case fields a worktable row shows."""

    task_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    kind: TaskKind
    assignee_node_id: str
    assignee_role: Role
    context: dict[str, Any]
    opened_at: datetime
    deadline: datetime
    overdue: bool
    workflow_id: str | None
    person_name: str | None
    """The registered name, or before registration the name the report gave."""
    name_reported: bool = False
    """The name is the report's, not yet confirmed at registration."""
    is_minor: bool
    sex: str | None
    stage: str
    station_node_id: str
    station_name: str
    station_address: str | None
    origin_node_id: str | None
    origin_name: str | None


class LateTask(BaseModel):
    """The task a supervision task is about."""

    task_id: uuid.UUID
    kind: TaskKind
    assignee_node_id: str
    assignee_role: Role
    deadline: datetime
    status: TaskStatus
    workflow_id: str | None
    node_name: str
    node_phone: str | None


class Contact(BaseModel):
    node_id: str
    name: str
    duty: str
    phone: str


class DispatchedCall(BaseModel):
    call_id: str
    received_at: datetime
    kind: str
    place: str
    description: str | None
    status: str
    arrival_due: datetime | None
    arrived_at: datetime | None
    escalations: int
    area_name: str

    @property
    def kind_label(self) -> str:
        return _label(CallKind, self.kind)


class PendingCallback(BaseModel):
    call_id: str
    received_at: datetime
    kind: str
    place: str
    status: str
    caller_phone: str
    finding: str | None
    case_id: uuid.UUID | None
    case_number: str | None
    area_name: str
    duty_name: str | None
    updated_at: datetime

    @property
    def status_label(self) -> str:
        return _label(CallStatus, self.status)


def _label(enum: type[StrEnum], value: str) -> str:
    return label(enum(value)) if value in enum._value2member_map_ else value


async def pulse(conn: asyncpg.Connection, *, node_id: str, role: Role, station: bool,
                hotline: bool) -> Pulse:
    row = await conn.fetchrow(sql("pulse_counts"), node_id, role.value, station, hotline)
    return Pulse(**dict(row)) if row else Pulse()


async def open_work(conn: asyncpg.Connection, *, node_id: str, role: Role,
                    limit: int = 100) -> list[WorkRow]:
    """The open tasks of one organisation and role, late ones first, then by deadline."""
    rows = await conn.fetch(sql("worktable_tasks"), node_id, role.value, limit)
    return [WorkRow(**dict(r)) for r in rows]


async def one_task(conn: asyncpg.Connection, *, task_id: uuid.UUID) -> WorkRow | None:
    row = await conn.fetchrow(sql("worktable_task"), task_id)
    return WorkRow(**dict(row)) if row else None


async def station_work(conn: asyncpg.Connection, *, station_ids: list[str], which: str,
                       end_of_today: datetime) -> list[WorkRow]:
    """Open tasks of the stations' cases: ``which`` is 'overdue' or 'due_today'."""
    rows = await conn.fetch(sql("station_tasks"), station_ids, which, end_of_today)
    return [WorkRow(**dict(r)) for r in rows]


async def tasks_by_ids(conn: asyncpg.Connection, *, task_ids: list[uuid.UUID]) -> dict[str, LateTask]:
    rows = await conn.fetch(sql("tasks_by_ids"), task_ids)
    return {str(r["task_id"]): LateTask(**dict(r)) for r in rows}


async def contacts(conn: asyncpg.Connection, *, node_ids: list[str]) -> dict[str, list[Contact]]:
    out: dict[str, list[Contact]] = {}
    for r in await conn.fetch(sql("contacts_of_nodes"), node_ids):
        out.setdefault(r["node_id"], []).append(Contact(**dict(r)))
    return out


async def dispatched_calls(conn: asyncpg.Connection, *, node_id: str) -> list[DispatchedCall]:
    return [DispatchedCall(**dict(r)) for r in await conn.fetch(sql("dispatched_calls"), node_id)]


async def pending_callbacks(conn: asyncpg.Connection) -> list[PendingCallback]:
    return [PendingCallback(**dict(r)) for r in await conn.fetch(sql("pending_callbacks"))]
