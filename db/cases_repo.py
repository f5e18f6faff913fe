"""Cases: the intake registry (report id → case) and the read model the workflows project."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.case import CaseEvent, CaseSyncInput


class ReportRecord(BaseModel):
    """The registry row that binds a discovery report to its case and workflow."""

    report_id: str
    case_id: uuid.UUID
    case_number: str
    workflow_id: str
    channel: str
    station_node_id: str
    reported_by: uuid.UUID | None
    created_at: datetime
    reported_name: str | None = None
    """The name the report gave, if any (rows name the person by it until registration)."""


class CaseRecord(BaseModel):
    """A case as the read model holds it (exact state comes from the workflow)."""

    case_id: uuid.UUID
    case_number: str
    workflow_id: str
    station_node_id: str
    station_name: str
    origin_node_id: str | None
    origin_name: str | None
    stage: str
    classification: str | None
    is_minor: bool
    person_name: str | None
    id_number: str | None
    person: dict[str, Any] | None
    overdue: bool
    next_deadline: datetime | None
    version: int
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    state: dict[str, Any] | None = None
    """The workflow's state (without the timeline) as of ``version`` (None: rows from before)."""


async def register_report(
    conn: asyncpg.Connection,
    *,
    report_id: str,
    channel: str,
    station_node_id: str,
    reported_by: uuid.UUID | None,
    workflow_id_for: Callable[[str], str],
    reported_name: str | None = None,
) -> tuple[ReportRecord, bool]:
    """Bind a report id to a new case number, or return the existing binding.

    Returns (record, created). ``workflow_id_for`` builds the workflow id from a case number.
    Two concurrent requests with one report id get the same record (the primary key decides).
    """
    existing = await conn.fetchrow(sql("get_report"), report_id)
    if existing is not None:
        return ReportRecord(**dict(existing)), False
    case_number = await conn.fetchval(sql("next_case_number"))
    row = await conn.fetchrow(
        sql("insert_report"),
        report_id,
        uuid.uuid4(),
        case_number,
        workflow_id_for(case_number),
        channel,
        station_node_id,
        reported_by,
        reported_name,
    )
    if row is not None:
        return ReportRecord(**dict(row)), True
    existing = await conn.fetchrow(sql("get_report"), report_id)
    assert existing is not None
    return ReportRecord(**dict(existing)), False


async def get_report_by_case(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> ReportRecord | None:
    row = await conn.fetchrow(sql("get_report_by_case"), case_id)
    return ReportRecord(**dict(row)) if row else None


async def get_case(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> CaseRecord | None:
    row = await conn.fetchrow(sql("get_case"), case_id)
    return CaseRecord(**dict(row)) if row else None


def _event(r: asyncpg.Record) -> CaseEvent:
    return CaseEvent(event_id=str(r["event_id"]), at=r["occurred_at"], kind=r["kind"],
                     summary=r["summary"], actor=r["actor"], agency=r["agency"], data=r["data"])


async def list_events(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> list[CaseEvent]:
    """The whole timeline in order (the case's and its children's events)."""
    return [_event(r) for r in await conn.fetch(sql("list_events"), case_id)]


class EventPage(BaseModel):
    events: list[CaseEvent]
    """Newest first."""
    next_cursor: tuple[datetime, int] | None
    """(occurred_at, seq) of the last event shown, when older ones remain."""


async def list_events_newest(conn: asyncpg.Connection, *, case_id: uuid.UUID,
                             before: tuple[datetime, int] | None, limit: int) -> EventPage:
    """A page of the timeline, newest first, keyset-paged so a long case reads as fast."""
    rows = await conn.fetch(sql("list_events_newest"), case_id, before[0] if before else None,
                            before[1] if before else None, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(events=[_event(r) for r in rows],
                     next_cursor=(rows[-1]["occurred_at"], rows[-1]["seq"]) if more else None)


class LongHistory(BaseModel):
    case_id: uuid.UUID
    case_number: str
    workflow_id: str
    stage: str
    runs: int
    history_events: int
    history_bytes: int
    station_node_id: str
    updated_at: datetime
    station_name: str


async def long_histories(conn: asyncpg.Connection, *, min_events: int, min_bytes: int,
                         node_path: str, limit: int = 50) -> list[LongHistory]:
    """Open cases whose history passed a share of Temporal's limits (as last reported)."""
    rows = await conn.fetch(sql("long_histories"), min_events, min_bytes, node_path, limit)
    return [LongHistory(**dict(r)) for r in rows]


async def sync_case(conn: asyncpg.Connection, *, data: CaseSyncInput, workflow_id: str) -> None:
    """Write one workflow sync in one statement (one round trip, atomic); every part of it is
    idempotent by key/version. Before issue 13 it took a transaction and a statement per
    timeline line and per task: two to three times the round trips of the whole sync."""
    state = data.state
    case_id = uuid.UUID(state.case_id)
    now = max((e.at for e in data.new_events), default=None) or datetime.now().astimezone()
    opened_at = state.opened_at or (state.timeline[0].at if state.timeline else now)
    deadlines = [t.deadline for t in state.open_tasks]
    events, done, opened = data.new_events, data.closed_tasks, state.open_tasks
    await conn.fetchval(
        sql("sync_case"),
        case_id, state.case_number, workflow_id, state.station_node_id, state.origin_node_id,
        state.stage.value, state.classification.value if state.classification else None,
        state.person.is_minor, state.person.name, state.person.id_number,
        json.dumps(data.person.model_dump(mode="json")) if data.person else None,
        state.overdue, min(deadlines) if deadlines else None, state.version, opened_at,
        now if state.version > 0 else opened_at, now if data.closed else None,
        state.runs, state.history_events, state.history_bytes,
        [uuid.UUID(e.event_id) for e in events], [e.at for e in events], [e.kind for e in events],
        [e.summary for e in events], [e.actor for e in events], [e.agency for e in events],
        [json.dumps(e.data) for e in events],
        [uuid.UUID(d.task_id) for d in done], [d.at for d in done],
        [d.actor.username for d in done],
        now, [uuid.UUID(t) for t in data.cancelled_tasks],
        [uuid.UUID(t.task_id) for t in opened], [t.kind.value for t in opened],
        [t.assignee.node_id for t in opened], [t.assignee.role.value for t in opened],
        [json.dumps(t.context) for t in opened], [t.opened_at for t in opened],
        [t.deadline for t in opened], [t.overdue for t in opened],
        state.model_dump_json(exclude={"timeline"}),  # for readers that need not ask the workflow
    )


class CaseListRow(BaseModel):
    """One line of a case list (the read model, with the names of the station and origin)."""

    case_id: uuid.UUID
    case_number: str
    station_node_id: str
    station_name: str
    origin_node_id: str | None
    origin_name: str | None
    stage: str
    classification: str | None
    is_minor: bool
    person_name: str | None
    id_number: str | None
    overdue: bool
    next_deadline: datetime | None
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None


async def list_cases_in_subtree(
    conn: asyncpg.Connection,
    *,
    node_path: str,
    reported_by: uuid.UUID | None,
    stage: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[CaseListRow]:
    """Cases whose station or origin lies in the subtree at ``node_path`` (or that
    ``reported_by`` filed), newest change first; ``after`` is the keyset cursor."""
    rows = await conn.fetch(
        sql("list_cases_in_subtree"),
        node_path,
        reported_by,
        stage,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [CaseListRow(**dict(r)) for r in rows]
