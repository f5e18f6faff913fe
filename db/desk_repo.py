"""What an agency's desk lists: its finished tasks, its systems' answers, the hospital's
admissions and settlements."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from db.tasks_repo import TaskRecord
from domain.enums import Role, TaskKind


class AgencyEvent(BaseModel):
    case_id: uuid.UUID
    case_number: str
    kind: str
    summary: str
    occurred_at: datetime


class Admission(BaseModel):
    case_id: uuid.UUID
    case_number: str
    person_name: str | None
    """The registered name, or before registration the name the report gave."""
    name_reported: bool = False
    is_minor: bool
    admitted_at: datetime
    admission_no: str | None
    discharged_at: datetime | None


class Settlement(BaseModel):
    settlement_id: str
    case_id: uuid.UUID
    case_number: str
    station_name: str
    admission_no: str
    voucher_no: str
    claimed_fen: int
    approved_fen: int | None
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    paid_at: datetime | None


async def done_tasks(conn: asyncpg.Connection, *, node_id: str, role: Role,
                     kinds: list[TaskKind] | None = None, limit: int = 30) -> list[TaskRecord]:
    rows = await conn.fetch(sql("desk_done_tasks"), node_id, role.value,
                            [k.value for k in kinds] if kinds else None, limit)
    return [TaskRecord(**dict(r)) for r in rows]


async def agency_events(conn: asyncpg.Connection, *, kinds: list[str], limit: int = 50) -> list[AgencyEvent]:
    return [AgencyEvent(**dict(r)) for r in await conn.fetch(sql("desk_agency_events"), kinds, limit)]


async def admissions(conn: asyncpg.Connection, *, limit: int = 50) -> list[Admission]:
    return [Admission(**dict(r)) for r in await conn.fetch(sql("desk_admissions"), limit)]


async def settlements(conn: asyncpg.Connection, *, limit: int = 50) -> list[Settlement]:
    return [Settlement(**dict(r)) for r in await conn.fetch(sql("desk_settlements"), limit)]
