"""The auditor's console page: the audit log searched by user, subject, action, dates and
outcome. The service checks the role and records the access."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from api.audit import routes as audit
from api.audit.routes import AuditQuery
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_AUDIT_KEYS = ("username", "subject", "action", "date_from", "date_to", "outcome")
ACTIONS = {
    "login": "登录", "logout": "退出登录", "session_check": "失效登录被使用", "change_password": "修改密码",
    "reset_password": "重置密码", "read_case": "查看个案", "read_history": "查看流程历史",
    "list_cases": "查询个案列表", "list_tasks": "查看待办任务", "read_task": "查看任务",
    "complete_task": "办理任务", "create_case": "登记发现报告", "case_action": "个案事项",
    "read_figures": "查看工作台统计", "read_desk": "查看协作单位工作台", "read_finance": "查看救治资金",
    "read_operations": "查看运行监控", "read_audit": "查看访问审计", "callback": "协作单位回调",
}
"""Chinese names of the audited actions (a ``case_action:…`` line is shown as 个案事项)."""


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/audit")
async def audit_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    """访问审计: search by user, subject, action, dates, allowed or denied; paged."""
    params = request.query_params
    values = {k: str(params.get(k) or "").strip()[:100] for k in _AUDIT_KEYS}
    outcome = values["outcome"] if values["outcome"] in ("allowed", "denied") else None
    q = AuditQuery(username=values["username"] or None, subject=values["subject"] or None,
                   action=values["action"] or None, date_from=_date(values["date_from"]),
                   date_to=_date(values["date_to"]), outcome=outcome)
    cursor = params.get("cursor") or None
    result = await audit.search(ctx, session.user, q, cursor, 50, client_address(request))
    kept = {k: v for k, v in values.items() if v}
    return page(request, "audit/audit.html", nav="audit", rows=result.items, values=values,
                actions=ACTIONS, next_cursor=result.next_cursor, paged=cursor is not None,
                query=urlencode(kept), filtered=bool(kept))
