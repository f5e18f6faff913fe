"""Console pages of the monthly reports: the city office's month (every locality's status,
city totals, charts, exports, the notice), a locality's reports and the submission form, and
the bureau leader's one-page view of how the whole network stands this month."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.auth.network_access import CITY_OFFICE, SUBMITS_REPORTS
from api.console.charts import bars
from api.console.names import people_names
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx
from api.errors import ApiError
from api.network import service as network_service
from api.oversight import routes as oversight
from api.reports import service as reports_service
from api.reports.routes import export as export_table
from api.reports.service import NoticeRequest, OpenRequest, SubmitRequest
from domain.enums import Classification, label
from domain.ledger import LedgerCategory
from domain.monthly_report import ReportStatus, month_of

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def _this_month() -> str:
    return month_of(datetime.now(UTC))


@router.get("/reports")
async def reports_home(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    month = request.query_params.get("month") or _this_month()
    reports_service.check_month(month)
    overview = await reports_service.month_overview(ctx, user, month)
    mine = await reports_service.my_reports(ctx, user)
    chart = bars([(r.locality_name, r.figures.people_found) for r in overview.reports])
    return page(request, "reports/reports.html", session=session, nav="reports", month=month, overview=overview,
                mine=mine, office=user.role in CITY_OFFICE, chart=chart,
                classes=[(c.value, label(c)) for c in Classification],
                categories=[(c.value, label(c)) for c in LedgerCategory],
                notice={"published": "通报已发布", "opened": "本月月报已开启"}.get(
                    request.query_params.get("notice", "")))


@router.get("/reports/export/{month}.{kind}")
async def export(month: str, kind: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The month's table for download (the console's session, not a bearer token)."""
    if kind not in ("csv", "xlsx"):
        raise ApiError(404, "not_found", "找不到该页面")
    return await export_table(ctx, session.user, month, kind)


@router.post("/reports/open")
async def open_month(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    month = reports_service.check_month(data.get("month", ""))
    await reports_service.open_reports(ctx, session.user, OpenRequest(month=month))
    return see_other(f"/console/reports?month={month}&notice=opened")


@router.post("/reports/notice")
async def notice(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    month = reports_service.check_month(data.get("month", ""))
    await reports_service.publish_notice(ctx, session.user, month,
                                         NoticeRequest(remarks=data.get("remarks") or None))
    return see_other(f"/console/reports?month={month}&notice=published")


@router.get("/reports/{report_id}")
async def report_page(report_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    report = await reports_service.get_report(ctx, session.user, report_id)
    can_submit = (session.user.role in SUBMITS_REPORTS and session.user.node_id == report.locality_node_id
                  # a missed report still takes a late submission for a while (the workflow says)
                  and report.status in (ReportStatus.OPEN, ReportStatus.OVERDUE, ReportStatus.MISSED))
    return page(request, "reports/report.html", session=session, nav="reports", report=report,
                can_submit=can_submit, errors=[], people=await people_names(ctx, [report.submitted_by]),
                classes=[(c.value, label(c)) for c in Classification],
                categories=[(c.value, label(c)) for c in LedgerCategory],
                notice="月报已报送" if request.query_params.get("notice") == "submitted" else None)


@router.post("/reports/{report_id}/submit")
async def submit(report_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = SubmitRequest(narrative=data.get("narrative", "").strip(),
                             good_practice=data.get("good_practice") or None)
    except ValidationError:
        raise ApiError(422, "invalid_request", "请填写本月工作进展情况") from None
    await reports_service.submit(ctx, session.user, report_id, body)
    return see_other(f"/console/reports/{report_id}?notice=submitted")


@router.get("/overview")
async def overview(request: Request, ctx: Ctx, session: Sess) -> Response:
    """How the whole network under the caller stands this month, and which nodes are behind."""
    user = session.user
    month = _this_month()
    nodes = await network_service.subtree(ctx, user)
    summary = network_service.summarise(nodes)
    month_view = await reports_service.month_overview(ctx, user, month)
    stations = [n for n in nodes if n.profile.beds or n.occupied_beds]
    behind_reports = [r for r in month_view.reports if r.status in (ReportStatus.OVERDUE, ReportStatus.MISSED)]
    overdue_items = [i for i in await oversight.items(ctx, user) if i.overdue]
    return page(request, "reports/overview.html", session=session, nav="overview", month=month,
                summary=summary, reports=month_view, behind_reports=behind_reports,
                overdue_items=overdue_items,
                stations=stations, occupancy=bars([(n.name, n.occupied_beds) for n in stations]))
