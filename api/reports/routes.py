"""Monthly progress reports (月报) over JSON: figures, a month's reports and city totals,
submission, opening by hand, CSV/XLSX export and the month's notice (通报)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth.network_access import CITY_OFFICE
from api.deps import Ctx, CurrentUser
from api.errors import ApiError
from api.exports.tables import to_csv
from api.exports.xlsx import workbook
from api.reports import service
from api.reports.service import (
    MonthOverview,
    NoticeRequest,
    OpenRequest,
    OpenResult,
    SubmitRequest,
)
from db.reports_repo import ReportRecord
from domain.monthly_report import MonthlyFigures

router = APIRouter(prefix="/api/v1/reports", tags=["monthly reports"])


@router.get("/figures", response_model=MonthlyFigures)
async def figures(ctx: Ctx, user: CurrentUser, month: str = Query(description="YYYY-MM"),
                  node_id: str | None = Query(default=None, description="默认本单位")) -> MonthlyFigures:
    """The month's figures of a node's subtree, computed from the records now."""
    return await service.figures(ctx, user, node_id or user.node_id, month)


@router.get("", response_model=list[ReportRecord])
async def my_reports(ctx: Ctx, user: CurrentUser) -> list[ReportRecord]:
    """Reports of the localities in the caller's subtree, newest month first."""
    return await service.my_reports(ctx, user)


@router.post("/open", response_model=OpenResult)
async def open_reports(ctx: Ctx, user: CurrentUser, body: OpenRequest) -> OpenResult:
    """Open a month's reports by hand (city office); one workflow per locality and month."""
    return await service.open_reports(ctx, user, body)


@router.get("/months/{month}", response_model=MonthOverview)
async def month(ctx: Ctx, user: CurrentUser, month: str) -> MonthOverview:
    """The month's reports of the caller's subtree; the city office also gets the city totals."""
    return await service.month_overview(ctx, user, month)


async def export(ctx: Ctx, user: CurrentUser, month: str, kind: str) -> Response:
    """The month's table as CSV (UTF-8 with BOM) or XLSX, for the city office."""
    rows = service.table(await _office_overview(ctx, user, service.check_month(month)))
    if kind == "csv":
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="monthly-{month}.csv"'})
    return Response(workbook(f"{month}月报", rows),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="monthly-{month}.xlsx"'})


@router.get("/months/{month}/export.csv")
async def export_csv(ctx: Ctx, user: CurrentUser, month: str) -> Response:
    """The month's table as CSV (UTF-8 with BOM)."""
    return await export(ctx, user, month, "csv")


@router.get("/months/{month}/export.xlsx")
async def export_xlsx(ctx: Ctx, user: CurrentUser, month: str) -> Response:
    """The month's table as an Excel workbook."""
    return await export(ctx, user, month, "xlsx")


@router.post("/months/{month}/notice")
async def publish_notice(ctx: Ctx, user: CurrentUser, month: str, body: NoticeRequest) -> dict[str, object]:
    """Publish (or republish) the month's notice comparing localities (city office)."""
    return await service.publish_notice(ctx, user, service.check_month(month), body)


@router.get("/{report_id}", response_model=ReportRecord)
async def get_report(ctx: Ctx, user: CurrentUser, report_id: str) -> ReportRecord:
    """One locality's report (``<locality>:<YYYY-MM>``)."""
    return await service.get_report(ctx, user, report_id)


@router.post("/{report_id}/submit", response_model=ReportRecord)
async def submit(ctx: Ctx, user: CurrentUser, report_id: str, body: SubmitRequest) -> ReportRecord:
    """Submit the locality's narrative: 403 ``forbidden`` for others, 409
    ``report_already_submitted`` / ``report_closed``."""
    return await service.submit(ctx, user, report_id, body)


async def _office_overview(ctx: Ctx, user: CurrentUser, month: str) -> service.MonthOverview:
    if user.role not in CITY_OFFICE:
        raise ApiError(403, "forbidden", "月报汇总表由市领导小组办公室导出")
    return await service.month_overview(ctx, user, month)
