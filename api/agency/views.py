"""The console pages of the agencies: the police, hospital and transport desks (each only its
own work)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.agency import desks
from api.console.render import ConsoleRoute, page
from api.console.session import Sess, notice_of
from api.deps import Ctx, client_address

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_STATUS = {"submitted": "待审核", "approved": "已同意，待支付", "rejected": "不予结算", "paid": "已支付"}


async def _desk(request: Request, ctx: Ctx, session: Sess, which: str) -> Response:
    desk = await desks.desk(ctx, session.user, which, client_address(request))
    return page(request, "agency/desk.html", nav="desk", desk=desk, which=which, statuses=_STATUS,
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
