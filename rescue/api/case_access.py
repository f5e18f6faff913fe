"""Loading a case for a user: the registry row, the read model, and the access decision."""

from __future__ import annotations

import uuid

import asyncpg

from rescue.api.access import may_read_case
from rescue.api.errors import ApiError
from rescue.db.audit_repo import record_access
from rescue.db.cases_repo import CaseRecord, ReportRecord, get_case, get_report_by_case
from rescue.db.network_repo import get_node
from rescue.db.users_repo import UserRecord


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(404, f"{what}_not_found", "编号格式不正确，找不到该记录") from None


async def load_case_for(
    conn: asyncpg.Connection, *, user: UserRecord, case_id: str, action: str, client: str | None
) -> tuple[ReportRecord, CaseRecord | None]:
    """The case's registry row and read model, or 404/403; every decision is audited."""
    cid = parse_uuid(case_id, "case")
    report = await get_report_by_case(conn, case_id=cid)
    if report is None:
        raise ApiError(404, "case_not_found", "找不到该个案")
    record = await get_case(conn, case_id=cid)
    station = await get_node(conn, node_id=report.station_node_id)
    origin_path = None
    if record and record.origin_node_id:
        origin_path = (await get_node(conn, node_id=record.origin_node_id)).path
    has_task = bool(await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM tasks WHERE case_id = $1 AND assignee_node_id = $2"
        " AND assignee_role = $3)", cid, user.node_id, user.role.value))
    allowed = may_read_case(user, station_path=station.path, origin_path=origin_path,
                            has_task_for_user=has_task,
                            reported_by_user=report.reported_by == user.user_id)
    await record_access(conn, user_id=user.user_id, username=user.username, action=action,
                        subject=f"case:{cid}", allowed=allowed, client=client)
    if not allowed:
        raise ApiError(403, "forbidden", "该个案不在您所在单位的管辖范围内")
    return report, record
