"""The console's treatment money page for finance (财政) and the bureau."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.audit.trail import audit
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.exports.download import table_download
from api.exports.tables import Fen
from api.finance import routes as finance

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/finance/export.{kind}")
async def finance_export(kind: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The year's treatment money per station as CSV or Excel (amounts as numbers)."""
    raw = request.query_params.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    report = await finance.treatment_report(ctx, session.user, year, client_address(request))
    async with ctx.pool.acquire() as conn:
        await audit(conn, session.user, action="export", subject=f"finance:treatment:{report.year}",
                    allowed=True, client=client_address(request), detail=f"finance {kind}")
    rows: list[list[object]] = [["救助站", "预算（元）", "待审核（元）", "已同意未支付（元）", "已支付（元）",
                                 "剩余（元）", "结算笔数"]]
    for s in [*report.stations, report.total]:
        rows.append([s.name, Fen(s.budget_fen), Fen(s.pending_fen), Fen(s.committed_fen), Fen(s.paid_fen),
                     Fen(s.remaining_fen), s.settlements])
    return table_download(rows, kind=kind, title=f"{report.year}年救治资金", ascii_name=f"treatment-{report.year}")


@router.get("/finance")
async def finance_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    """财政: per station, the treatment budget, committed, paid and remaining, in yuan."""
    raw = request.query_params.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    report = await finance.treatment_report(ctx, session.user, year, client_address(request))
    this = finance.this_year()
    return page(request, "finance/finance.html", nav="finance", report=report,
                years=list(range(this, this - 5, -1)))
