"""The auditor's search of the audit log (GET /api/v1/audit and the console's 审计 page):
by user, subject (a case id or case number), action, date range, allowed or denied; newest
first, keyset paged. Only the auditor reads it, and each search is itself audited."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.audit.trail import audit, deny_unless
from api.auth.access import READS_AUDIT
from api.context import AppContext
from api.deps import Ctx, CurrentUser, client_address
from api.errors import ApiError
from db.audit_repo import AuditRow, search_audit
from db.users_repo import UserRecord

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditQuery(BaseModel):
    """The auditor's filters; every one is optional."""

    username: str | None = Field(default=None, max_length=100)
    subject: str | None = Field(default=None, max_length=100,
                                description="case:<编号>、个案编号（如 JZ2026-000001）或 user:<用户名>")
    action: str | None = Field(default=None, max_length=60, description="操作（前缀匹配，如 read_case）")
    date_from: date | None = None
    date_to: date | None = Field(default=None, description="含当天（北京时间）")
    outcome: Literal["allowed", "denied"] | None = None


class AuditPage(BaseModel):
    items: list[AuditRow]
    next_cursor: str | None = Field(default=None, description="下一页：原样作为 cursor 传回")


_CHINA = timezone(timedelta(hours=8))


async def _subject(conn: object, text: str | None) -> str | None:
    """A subject as the log writes it: a bare case id or a case number becomes ``case:<id>``."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        return f"case:{uuid.UUID(text)}"
    except ValueError:
        pass
    if text.upper().startswith("JZ"):
        case_id = await conn.fetchval(  # type: ignore[attr-defined]
            "SELECT case_id FROM case_reports WHERE case_number = $1", text.upper())
        return f"case:{case_id}" if case_id else f"case:{text}"
    return text


async def search(ctx: AppContext, user: UserRecord, q: AuditQuery, cursor: str | None,
                 limit: int, client: str | None) -> AuditPage:
    """One page of the audit log matching ``q`` (auditors only; the search is audited)."""
    before = None
    if cursor:
        if not cursor.isdigit():
            raise ApiError(422, "invalid_cursor", "翻页游标无效，请从第一页重新查看")
        before = int(cursor)
    since = datetime.combine(q.date_from, time(), _CHINA) if q.date_from else None
    until = datetime.combine(q.date_to + timedelta(days=1), time(), _CHINA) if q.date_to else None
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role in READS_AUDIT, action="read_audit",
                          subject="audit_log", client=client, message="只有审计人员可以查看访问记录")
        subject = await _subject(conn, q.subject)
        rows = await search_audit(
            conn, username=q.username or None, subject=subject, action=q.action or None,
            since=since, until=until,
            allowed=None if q.outcome is None else q.outcome == "allowed",
            before_id=before, limit=limit + 1)
        await audit(conn, user, action="read_audit", subject="audit_log", allowed=True,
                    client=client, detail=f"rows={min(len(rows), limit)}")
    more = len(rows) > limit
    return AuditPage(items=rows[:limit], next_cursor=str(rows[limit - 1].audit_id) if more else None)


@router.get("", response_model=AuditPage)
async def get_audit(ctx: Ctx, user: CurrentUser, request: Request,
                    username: str | None = Query(default=None, max_length=100),
                    subject: str | None = Query(default=None, max_length=100),
                    action: str | None = Query(default=None, max_length=60),
                    date_from: date | None = Query(default=None),
                    date_to: date | None = Query(default=None),
                    outcome: Literal["allowed", "denied"] | None = Query(default=None),
                    cursor: str | None = Query(default=None),
                    limit: int = Query(default=50, ge=1, le=200)) -> AuditPage:
    """Who read or changed what, when, from where, allowed or denied (auditors only)."""
    q = AuditQuery(username=username, subject=subject, action=action, date_from=date_from,
                   date_to=date_to, outcome=outcome)
    return await search(ctx, user, q, cursor, limit, client_address(request))
