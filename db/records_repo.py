"""Records the workflows keep besides the case row: notices, notifications, settlements,
child workflows' events and tasks, and the supervisor of an assignee."""

from __future__ import annotations

import uuid

import asyncpg

from db.network_repo import get_node
from db.queries import sql
from domain.agencies import ExternalFollowUp, FamilySearchNotice, Notification, SettlementRecord
from domain.case import ChildRecordInput
from domain.enums import NodeLevel, Role
from domain.tasks import Assignee


async def supervisor_of(conn: asyncpg.Connection, *, node_id: str, role: Role,
                        station_node_id: str) -> Assignee:
    """Who supervises an assignee: the township officer above a community liaison, the head
    of a station above its staff; the case's station head for agencies and everyone else."""
    node = await get_node(conn, node_id=node_id)
    if node.level == NodeLevel.COMMUNITY and node.parent_id:
        return Assignee(node_id=node.parent_id, role=Role.TOWNSHIP_OFFICER)
    if node.level in (NodeLevel.CITY_STATION, NodeLevel.COUNTY_STATION) and role != Role.STATION_HEAD:
        return Assignee(node_id=node.node_id, role=Role.STATION_HEAD)
    if role == Role.STATION_HEAD and node.parent_id:
        parent = await get_node(conn, node_id=node.parent_id)
        if parent.level in (NodeLevel.CITY_STATION, NodeLevel.COUNTY_STATION):
            return Assignee(node_id=parent.node_id, role=Role.STATION_HEAD)
        return Assignee(node_id=parent.node_id, role=Role.BUREAU_LEADER)
    return Assignee(node_id=station_node_id, role=Role.STATION_HEAD)


async def notify(conn: asyncpg.Connection, *, note: Notification) -> None:
    await conn.execute(sql("insert_notification"), note.notification_id, note.node_id,
                       note.role.value, uuid.UUID(note.case_id) if note.case_id else None, note.message)


async def publish_notice(conn: asyncpg.Connection, *, notice: FamilySearchNotice, at: object) -> None:
    await conn.execute(sql("upsert_notice"), notice.notice_id, uuid.UUID(notice.case_id), at, notice.text)


async def previous_cases(conn: asyncpg.Connection, *, case_id: str, id_number: str | None,
                         name: str | None, birth_date: str | None) -> list[str]:
    rows = await conn.fetch(sql("find_previous_cases"), uuid.UUID(case_id), id_number, name, birth_date)
    return [r["case_number"] for r in rows]


async def record_child(conn: asyncpg.Connection, *, data: ChildRecordInput) -> None:
    """Events and tasks of a child workflow, idempotent like the case sync."""
    case_id = uuid.UUID(data.case_id)
    async with conn.transaction():
        for ev in data.new_events:
            await conn.execute(sql("insert_event"), uuid.UUID(ev.event_id), case_id, ev.at, ev.kind,
                               ev.summary, ev.actor, ev.agency, ev.data)
        for done in data.closed_tasks:
            await conn.execute(sql("complete_task"), uuid.UUID(done.task_id), done.at, done.actor.username)
        for task_id in data.cancelled_tasks:
            await conn.execute(sql("cancel_task"), uuid.UUID(task_id),
                               data.new_events[-1].at if data.new_events else None)
        for task in data.open_tasks:
            await conn.execute(sql("insert_task"), uuid.UUID(task.task_id), case_id, task.kind.value,
                               task.assignee.node_id, task.assignee.role.value, task.context,
                               task.opened_at, task.deadline, task.overdue, data.workflow_id)


async def record_external_follow_up(conn: asyncpg.Connection, *, request: ExternalFollowUp) -> None:
    await conn.execute(sql("upsert_external_follow_up"), request.request_id, uuid.UUID(request.case_id),
                       request.receiving_agency, request.contact, request.message,
                       request.requested_at, request.acknowledged_at, request.acknowledged_by)


async def record_settlement(conn: asyncpg.Connection, *, record: SettlementRecord) -> None:
    await conn.execute(sql("upsert_settlement"), record.settlement_id, uuid.UUID(record.case_id),
                       record.station_node_id, record.admission_no, record.voucher_no,
                       record.claimed_fen, record.approved_fen, record.status, record.payment_ref,
                       record.submitted_at, record.decided_at, record.paid_at)
