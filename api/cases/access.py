"""Loading a case for a user: the registry row, the read model, and the access decision
(read, or write for case actions), made by ``access`` and recorded in the audit log."""

from __future__ import annotations

import uuid

import asyncpg

from api.audit.trail import audit, decide
from api.auth.access import DESIGNATED, may_act_on_case, may_read_case
from api.errors import ApiError
from db.cases_repo import CaseRecord, ReportRecord
from db.scope_repo import case_for_access
from db.users_repo import UserRecord
from domain.enums import Role


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(404, f"{what}_not_found", "编号格式不正确，找不到该记录") from None


async def load_case_for(
    conn: asyncpg.Connection, *, user: UserRecord, case_id: str, action: str, client: str | None,
    write: bool = False, detail: str | None = None,
) -> tuple[ReportRecord, CaseRecord | None]:
    """The case's registry row and read model, or 404 (also for a case outside the user's
    jurisdiction: the answer must not reveal that it exists) or 403 (readable, but not the
    user's to act on); every decision is audited.
    ``write``: the caller wants to act on the case (its own station's staff only);
    ``detail``: what in the case is accessed, for the audit line (no personal data)."""
    cid = parse_uuid(case_id, "case")
    # One round trip for the registry row, the read model, the paths and the involvement.
    found = await case_for_access(
        conn, case_id=cid, node_id=user.node_id, role=user.role,
        admitting_hospital=user.role == Role.HOSPITAL and user.node_id == DESIGNATED.hospital)
    if found is None:
        raise ApiError(404, "case_not_found", "找不到该个案")
    report, record = found.report, found.record
    # The read model follows transfers; the registry keeps the station the report went to.
    station_id = record.station_node_id if record else report.station_node_id
    readable = may_read_case(user, station_path=found.station_path or "",
                             origin_path=found.origin_path, has_task_for_user=found.involved,
                             reported_by_user=report.reported_by == user.user_id)
    if not readable:  # out of jurisdiction answers exactly as a case that does not exist
        await audit(conn, user, action=action, subject=f"case:{cid}", allowed=False,
                    client=client, detail=detail)
        raise ApiError(404, "case_not_found", "找不到该个案")
    message = "该个案不在您所在单位的管辖范围内"
    allowed = readable
    if write and readable and not may_act_on_case(user, station_node_id=station_id):
        allowed, message = False, "只有负责本个案的救助站工作人员可以办理个案事项"
    await decide(conn, user, allowed, action=action, subject=f"case:{cid}", client=client,
                 message=message, detail=detail)
    return report, record
