"""Treatment money for finance (财政) and the bureau: per station (city and county), the year's
treatment budget, what hospitals claimed and await review, what was approved but not yet paid
(committed), what was paid, and what remains. Integer fen over JSON; yuan on the page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.audit.trail import audit, deny_unless
from api.auth.access import READS_FINANCE
from api.context import AppContext
from api.deps import Ctx, CurrentUser, client_address
from db.finance_repo import treatment_money
from db.users_repo import UserRecord

router = APIRouter(prefix="/api/v1/finance", tags=["finance"])


class StationTreatmentMoney(BaseModel):
    node_id: str
    name: str
    budget_fen: int
    pending_fen: int = Field(description="医院已提交、待审核的结算金额")
    committed_fen: int = Field(description="已审核同意、尚未支付")
    paid_fen: int
    remaining_fen: int = Field(description="预算 − 已同意未支付 − 已支付")
    settlements: int


class TreatmentMoneyReport(BaseModel):
    year: int
    stations: list[StationTreatmentMoney]
    total: StationTreatmentMoney


def this_year() -> int:
    return datetime.now(timezone(timedelta(hours=8))).year


async def treatment_report(ctx: AppContext, user: UserRecord, year: int | None,
                           client: str | None) -> TreatmentMoneyReport:
    """The year's treatment money per station (finance and the bureau only; audited)."""
    year = year or this_year()
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role in READS_FINANCE, action="read_finance",
                          subject=f"finance:treatment:{year}", client=client,
                          message="只有财政和民政局可以查看救治资金")
        rows = await treatment_money(conn, year=year)
        await audit(conn, user, action="read_finance", subject=f"finance:treatment:{year}",
                    allowed=True, client=client)
    stations = [StationTreatmentMoney(
        node_id=r.node_id, name=r.name, budget_fen=r.budget_fen, pending_fen=r.pending_fen,
        committed_fen=r.committed_fen, paid_fen=r.paid_fen, remaining_fen=r.remaining_fen,
        settlements=r.settlements) for r in rows]
    keys = ("budget_fen", "pending_fen", "committed_fen", "paid_fen", "remaining_fen", "settlements")
    total = StationTreatmentMoney(node_id="*", name="合计",
                                  **{k: sum(getattr(s, k) for s in stations) for k in keys})
    return TreatmentMoneyReport(year=year, stations=stations, total=total)


@router.get("/treatment", response_model=TreatmentMoneyReport)
async def get_treatment_money(ctx: Ctx, user: CurrentUser, request: Request,
                              year: int | None = Query(default=None, ge=2000, le=2100,
                                                       description="年度（默认今年）")) -> TreatmentMoneyReport:
    """Per station: treatment budget, pending claims, committed (approved, not paid), paid
    and remaining, in integer fen (finance and bureau leaders; 403 for everyone else)."""
    return await treatment_report(ctx, user, year, client_address(request))
