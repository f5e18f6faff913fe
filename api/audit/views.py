"""The auditor's console page: the audit log searched by user, subject, action, dates and
outcome. The service checks the role and records the access."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from api.audit import present
from api.audit import routes as audit
from api.audit.routes import AuditQuery
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from db.network_repo import list_nodes
from db.person_repo import case_numbers, display_names

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_AUDIT_KEYS = ("username", "subject", "action", "date_from", "date_to", "outcome")
ACTIONS = present.ACTIONS


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
    async with ctx.pool.acquire() as conn:
        names = {n.node_id: n.name for n in await list_nodes(conn)}
        numbers = await case_numbers(conn, case_ids=present.case_ids(result.items))
        people = await display_names(conn, usernames=sorted({r.username for r in result.items if r.username}))
    shown = present.present(result.items, names=names, case_numbers=numbers, people=people)
    return page(request, "audit/audit.html", nav="audit", rows=list(zip(result.items, shown, strict=True)),
                values=values,
                actions=ACTIONS, next_cursor=result.next_cursor, paged=cursor is not None,
                query=urlencode(kept), filtered=bool(kept))
