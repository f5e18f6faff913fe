"""Leading groups, their meetings and the supervision items in PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from db.queries import sql
from domain.oversight import (
    Meeting,
    MeetingInput,
    Member,
    MemberInput,
    Progress,
    SupervisionInput,
    SupervisionItem,
    SupervisionStatus,
)


async def group_nodes(conn: asyncpg.Connection, *, path: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(sql("group_nodes"), path)]


async def members(conn: asyncpg.Connection, *, node_id: str) -> list[Member]:
    return [Member(member_id=str(r["member_id"]), name=r["name"], department=r["department"],
                   position=r["position"]) for r in await conn.fetch(sql("member_list"), node_id)]


async def add_member(conn: asyncpg.Connection, *, node_id: str, data: MemberInput) -> None:
    await conn.execute(sql("member_insert"), uuid.uuid4(), node_id, data.name, data.department,
                       data.position.value)


async def meetings(conn: asyncpg.Connection, *, node_id: str) -> list[Meeting]:
    return [Meeting(meeting_id=str(r["meeting_id"]), held_on=r["held_on"], topic=r["topic"],
                    attendees=list(r["attendees"]), decisions=list(r["decisions"]),
                    recorded_by=r["recorded_by"]) for r in await conn.fetch(sql("meeting_list"), node_id)]


async def add_meeting(conn: asyncpg.Connection, *, node_id: str, data: MeetingInput, by: str) -> None:
    await conn.execute(sql("meeting_insert"), uuid.uuid4(), node_id, data.held_on, data.topic,
                       data.attendees, data.decisions, by)


def _item(r: asyncpg.Record, progress: list[Progress], today: date) -> SupervisionItem:
    status = SupervisionStatus(r["status"])
    return SupervisionItem(
        item_id=str(r["item_id"]), title=r["title"], detail=r["detail"], owner_node_id=r["owner_node_id"],
        owner_name=r["owner_name"], owner_department=r["owner_department"], deadline=r["deadline"],
        status=status, assigned_by=r["assigned_by"], assigned_node_id=r["assigned_node_id"],
        created_at=r["created_at"], done_at=r["done_at"],
        overdue=status == SupervisionStatus.OPEN and r["deadline"] < today, progress=progress)


async def _progress(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Progress]]:
    out: dict[uuid.UUID, list[Progress]] = {}
    for p in await conn.fetch(sql("item_progress"), ids):
        out.setdefault(p["item_id"], []).append(Progress(month=p["month"], progress=p["progress"],
                                                         recorded_by=p["recorded_by"],
                                                         recorded_at=p["recorded_at"]))
    return out


async def add_item(conn: asyncpg.Connection, *, data: SupervisionInput, by: str, node_id: str) -> str:
    iid = uuid.uuid4()
    await conn.execute(sql("item_insert"), iid, data.title, data.detail, data.owner_node_id,
                       data.owner_department, data.deadline, by, node_id)
    return str(iid)


async def get_item(conn: asyncpg.Connection, *, item_id: uuid.UUID,
                   today: date) -> tuple[SupervisionItem, str, str] | None:
    """The item, the path of its owner and the path of the node that assigned it."""
    r = await conn.fetchrow(sql("item_get"), item_id)
    if r is None:
        return None
    progress = await _progress(conn, [item_id])
    return _item(r, progress.get(item_id, []), today), r["owner_path"], r["assigned_path"]


async def items(conn: asyncpg.Connection, *, path: str, today: date) -> list[SupervisionItem]:
    rows = await conn.fetch(sql("item_list"), path)
    progress = await _progress(conn, [r["item_id"] for r in rows])
    return [_item(r, progress.get(r["item_id"], []), today) for r in rows]


async def record_progress(conn: asyncpg.Connection, *, item_id: uuid.UUID, month: str, text: str,
                          by: str) -> None:
    await conn.execute(sql("progress_upsert"), item_id, month, text, by)


async def mark_done(conn: asyncpg.Connection, *, item_id: uuid.UUID) -> None:
    await conn.execute(sql("item_done"), item_id)
