"""The console's history page of a case: the workflow's events in readable form (operators)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.cases import service as case_service
from api.cases.access import parse_uuid
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from db.cases_repo import get_report_by_case

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/cases/{case_id}/history")
async def history_page(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    events = await case_service.read_history(ctx, session.user, case_id, client_address(request))
    async with ctx.pool.acquire() as conn:
        report = await get_report_by_case(conn, case_id=parse_uuid(case_id, "case"))
    return page(request, "operator/history.html", nav="cases", events=events, case_id=case_id,
                case_number=report.case_number if report else "")
