"""The console's treatment money page for finance (财政) and the bureau."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.finance import routes as finance

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/finance")
async def finance_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    """财政: per station, the treatment budget, committed, paid and remaining, in yuan."""
    raw = request.query_params.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    report = await finance.treatment_report(ctx, session.user, year, client_address(request))
    this = finance.this_year()
    return page(request, "finance/finance.html", nav="finance", report=report,
                years=list(range(this, this - 5, -1)))
