"""The console pages of the agencies and finance: the police, hospital and transport desks
(each only its own work) and the treatment money per station for finance and the bureau."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from rescue.api import agency_views, finance
from rescue.api.console.render import ConsoleRoute, page
from rescue.api.console.session import Sess, notice_of
from rescue.api.deps import Ctx, client_address

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_STATUS = {"submitted": "待审核", "approved": "已同意，待支付", "rejected": "不予结算", "paid": "已支付"}


async def _desk(request: Request, ctx: Ctx, session: Sess, which: str) -> Response:
    desk = await agency_views.desk(ctx, session.user, which, client_address(request))
    return page(request, "desk.html", nav="desk", desk=desk, which=which, statuses=_STATUS,
                notice=notice_of(request))


@router.get("/police")
async def police_desk(request: Request, ctx: Ctx, session: Sess) -> Response:
    """公安: escorts, psychiatric escorts, DNA samples, and what the police systems answered."""
    return await _desk(request, ctx, session, "police")


@router.get("/hospital")
async def hospital_desk(request: Request, ctx: Ctx, session: Sess) -> Response:
    """定点医院: admissions with an introduction letter, and settlement vouchers."""
    return await _desk(request, ctx, session, "hospital")


@router.get("/transport")
async def transport_desk(request: Request, ctx: Ctx, session: Sess) -> Response:
    """交通运输: boarding confirmations (green channel) to do and done."""
    return await _desk(request, ctx, session, "transport")


@router.get("/finance")
async def finance_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    """财政: per station, the treatment budget, committed, paid and remaining, in yuan."""
    raw = request.query_params.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    report = await finance.treatment_report(ctx, session.user, year, client_address(request))
    this = finance.this_year()
    return page(request, "finance.html", nav="finance", report=report,
                years=list(range(this, this - 5, -1)))
