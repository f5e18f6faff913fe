"""12349 calls in PostgreSQL: the operator's record and the workflow's projection."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.hotline import CallKind, CallStatus, HotlineState


class CallRecord(BaseModel):
    call_id: str
    workflow_id: str
    received_at: datetime
    operator: str
    area_node_id: str
    area_name: str
    area_path: str
    duty_node_id: str | None
    duty_name: str | None
    duty_path: str | None
    kind: CallKind
    place: str
    description: str | None
    caller_phone: str | None
    status: CallStatus
    arrival_due: datetime | None
    arrived_at: datetime | None
    finding: str | None
    case_id: uuid.UUID | None
    case_number: str | None
    callback_at: datetime | None
    callback_note: str | None
    escalations: int


async def insert_call(conn: asyncpg.Connection, *, call_id: str, workflow_id: str,
                      received_at: datetime, operator: str, area_node_id: str, kind: CallKind,
                      place: str, description: str | None, caller_phone: str | None) -> bool:
    """Record a call; False when this call id was recorded before."""
    return await conn.fetchval(sql("hotline_insert"), call_id, workflow_id, received_at, operator,
                               area_node_id, kind.value, place, description, caller_phone) is not None


async def record_state(conn: asyncpg.Connection, *, state: HotlineState) -> None:
    await conn.execute(sql("hotline_record"), state.call_id, state.status.value, state.duty_node_id,
                       state.arrival_due, state.arrived_at, state.finding,
                       uuid.UUID(state.case_id) if state.case_id else None, state.callback_at,
                       state.callback_note, state.escalations, state.version)


async def get_call(conn: asyncpg.Connection, *, call_id: str) -> CallRecord | None:
    row = await conn.fetchrow(sql("hotline_get"), call_id)
    return CallRecord(**{k: row[k] for k in CallRecord.model_fields}) if row else None


async def list_calls(conn: asyncpg.Connection, *, path: str, operator: str) -> list[CallRecord]:
    rows = await conn.fetch(sql("hotline_list"), path, operator)
    return [CallRecord(**{k: r[k] for k in CallRecord.model_fields}) for r in rows]
