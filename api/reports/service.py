"""Monthly reports for the API and the console: figures from the records, the localities'
reports of a month with the city totals, submission (a workflow update), opening by hand,
export (CSV, XLSX) and the month's notice (通报) published by the city office."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, Field
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.auth.network_access import CITY_OFFICE, SUBMITS_REPORTS, require_sees
from api.context import AppContext
from api.errors import ApiError
from api.exports.tables import Fen
from api.workflow_calls import send_update
from db import reports_repo
from db.network_repo import NodeNotFound, get_node
from db.reports_repo import ReportRecord
from db.users_repo import UserRecord
from domain.enums import Classification, label
from domain.ledger import LedgerCategory
from domain.monthly_report import (
    REPORT_ALREADY_SUBMITTED,
    REPORT_CLOSED,
    REPORT_NOT_YOURS,
    MonthlyFigures,
    MonthlyReportInput,
    MonthlyReportState,
    ReportStatus,
    SubmitReportInput,
    parse_month,
    report_policy,
)
from domain.tasks import Actor
from workflows.monthly_report import MonthlyReportWorkflow, monthly_report_workflow_id

_CN = timezone(timedelta(hours=8))


class SubmitRequest(BaseModel):
    narrative: str = Field(min_length=1, max_length=5000, description="工作进展情况")
    good_practice: str | None = Field(default=None, max_length=5000, description="好的经验做法")


class OpenRequest(BaseModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM")
    locality_node_id: str | None = Field(default=None, description="只开这一地（默认全部县(区)）")
    due_at: datetime | None = Field(default=None, description="截止时间（默认当月25日前；演练用）")


class OpenResult(BaseModel):
    opened: list[str]
    already_open: list[str]


class MonthOverview(BaseModel):
    """A month as the city office (or a locality) sees it."""

    month: str
    reports: list[ReportRecord]
    totals: MonthlyFigures | None = None
    """The whole city's figures (city office only)."""
    notice: dict[str, object] | None = None


class NoticeRequest(BaseModel):
    remarks: str | None = Field(default=None, max_length=5000, description="通报意见")


def check_month(month: str) -> str:
    try:
        parse_month(month)
    except ValueError:
        raise ApiError(422, "invalid_month", "月份格式应为 YYYY-MM") from None
    return month


async def figures(ctx: AppContext, user: UserRecord, node_id: str, month: str) -> MonthlyFigures:
    """The month's figures of a node's subtree, computed now (for the caller's subtree only)."""
    check_month(month)
    async with ctx.pool.acquire() as conn:
        try:
            node = await get_node(conn, node_id=node_id)
        except NodeNotFound:
            raise ApiError(404, "node_not_found", f"找不到单位：{node_id}") from None
        require_sees(user, node.path)
        return await reports_repo.compute_figures(conn, path=node.path, month=month,
                                                  utc_offset_hours=ctx.policy.utc_offset_hours)


async def month_overview(ctx: AppContext, user: UserRecord, month: str) -> MonthOverview:
    check_month(month)
    require_sees(user, user.node_path)
    async with ctx.pool.acquire() as conn:
        reports = await reports_repo.reports_of_month(conn, month=month, path=user.node_path)
        totals = None
        if user.role in CITY_OFFICE:
            totals = await reports_repo.compute_figures(conn, path=user.node_path, month=month,
                                                        utc_offset_hours=ctx.policy.utc_offset_hours)
        notice = await reports_repo.get_notice(conn, month=month)
    return MonthOverview(month=month, reports=reports, totals=totals, notice=notice)


async def my_reports(ctx: AppContext, user: UserRecord) -> list[ReportRecord]:
    require_sees(user, user.node_path)
    async with ctx.pool.acquire() as conn:
        return await reports_repo.reports_of_subtree(conn, path=user.node_path)


async def get_report(ctx: AppContext, user: UserRecord, report_id: str) -> ReportRecord:
    async with ctx.pool.acquire() as conn:
        report = await reports_repo.get_report(conn, report_id=report_id)
    if report is None:
        raise ApiError(404, "report_not_found", "找不到该月报")
    require_sees(user, report.locality_path, "该月报")
    return report


async def submit(ctx: AppContext, user: UserRecord, report_id: str, body: SubmitRequest) -> ReportRecord:
    """The locality's station submits the narrative; the workflow records it (409 if already)."""
    report = await get_report(ctx, user, report_id)
    if user.role not in SUBMITS_REPORTS or user.node_id != report.locality_node_id:
        raise ApiError(403, "forbidden", "月报由本地救助站报送")
    actor = Actor(user_id=str(user.user_id), username=user.username, node_id=user.node_id,
                  role=user.role, display_name=user.display_name)
    await send_update(
        ctx.temporal.get_workflow_handle(report.workflow_id), MonthlyReportWorkflow.submit,
        SubmitReportInput(actor=actor, narrative=body.narrative, good_practice=body.good_practice),
        result_type=MonthlyReportState,
        errors={REPORT_ALREADY_SUBMITTED: (409, "report_already_submitted"),
                REPORT_CLOSED: (409, "report_closed"), REPORT_NOT_YOURS: (403, "forbidden")},
        closed=("report_closed", "该月报流程已结束，不能再报送"))
    return await get_report(ctx, user, report_id)


async def open_reports(ctx: AppContext, user: UserRecord, body: OpenRequest) -> OpenResult:
    """The city office opens a month's reports by hand (the schedule does it each month)."""
    if user.role not in CITY_OFFICE:
        raise ApiError(403, "forbidden", "月报由市领导小组办公室（市民政局）统一开启")
    check_month(body.month)
    async with ctx.pool.acquire() as conn:
        localities = [r["node_id"] for r in await reports_repo.localities(conn)]
    if body.locality_node_id:
        if body.locality_node_id not in localities:
            raise ApiError(422, "locality_not_found", "只有县(市、区)救助站报送月报")
        localities = [body.locality_node_id]
    policy = report_policy(ctx.settings.policy)
    result = OpenResult(opened=[], already_open=[])
    for node_id in localities:
        wid = monthly_report_workflow_id(node_id, body.month)
        try:
            await ctx.temporal.start_workflow(
                MonthlyReportWorkflow.run,
                MonthlyReportInput(locality_node_id=node_id, month=body.month, policy=policy,
                                   due_at=body.due_at),
                id=wid, task_queue=ctx.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
            result.opened.append(wid)
        except WorkflowAlreadyStartedError:
            result.already_open.append(wid)
        except RPCError:
            raise ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试") from None
    return result


# --- export and the notice ----------------------------------------------------------------

_ADMITTED = [Classification.OPEN, Classification.PROTECTIVE, Classification.ASSISTING]


def table(overview: MonthOverview) -> list[list[object]]:
    """The month as rows: a header, one row per locality, and the city totals."""
    header = ["地区", "状态", "报送时间", "发现人数", *[f"入站：{label(c)}" for c in _ADMITTED],
              "未成年人", "救治人数", "结算金额（元）", "返乡人数", "长期滞留", "应随访", "已随访",
              "超期随访", "失联报告", "台账人数", *[f"台账：{label(c)}" for c in LedgerCategory]]
    rows: list[list[object]] = [header]

    def line(name: str, status: str, at: str, f: MonthlyFigures) -> list[object]:
        return [name, status, at, f.people_found, *[f.admitted.get(c.value, 0) for c in _ADMITTED],
                f.minors, f.treated, Fen(f.settled_fen), f.returned_home, f.long_term_stays,
                f.follow_ups_due, f.follow_ups_done, f.follow_ups_overdue,
                f.lost_contact_reports, f.ledger_people,
                *[f.ledger.get(c.value, 0) for c in LedgerCategory]]

    for r in overview.reports:
        at = r.submitted_at.astimezone(_CN).strftime("%Y-%m-%d %H:%M") if r.submitted_at else ""
        rows.append(line(r.locality_name, label(r.status), at, r.figures))
    if overview.totals is not None:
        rows.append(line("全市合计", "", "", overview.totals))
    return rows


def yuan(fen: int) -> str:
    """Integer fen as a yuan amount with two decimals (no floats)."""
    return str(Fen(fen))


def notice_text(overview: MonthOverview, remarks: str | None) -> str:
    """The month's notice comparing localities: who reported on time, late or not at all."""
    on_time = [r.locality_name for r in overview.reports if r.status == ReportStatus.SUBMITTED and not r.submitted_late]
    late = [r.locality_name for r in overview.reports if r.status == ReportStatus.SUBMITTED and r.submitted_late]
    missing = [r.locality_name for r in overview.reports if r.status != ReportStatus.SUBMITTED]
    lines = [f"关于{overview.month}流浪乞讨人员救助保护工作进展情况的通报", ""]
    lines.append("按时报送：" + ("、".join(on_time) or "无"))
    lines.append("逾期报送：" + ("、".join(late) or "无"))
    lines.append("未报送：" + ("、".join(missing) or "无"))
    ranked = sorted(overview.reports, key=lambda r: r.figures.people_found, reverse=True)
    for r in ranked:
        f = r.figures
        lines.append(f"{r.locality_name}：发现{f.people_found}人，入站{f.admitted_total}人，"
                     f"返乡{f.returned_home}人，随访{f.follow_ups_done}/{f.follow_ups_due}次"
                     f"（超期{f.follow_ups_overdue}次），台账{f.ledger_people}人。")
    if overview.totals is not None:
        t = overview.totals
        lines.append(f"全市：发现{t.people_found}人，救治{t.treated}人，结算{yuan(t.settled_fen)}元，"
                     f"返乡{t.returned_home}人，长期滞留{t.long_term_stays}人。")
    if remarks:
        lines += ["", remarks]
    return "\n".join(lines)


async def publish_notice(ctx: AppContext, user: UserRecord, month: str,
                         body: NoticeRequest) -> dict[str, object]:
    if user.role not in CITY_OFFICE:
        raise ApiError(403, "forbidden", "通报由市领导小组办公室发布")
    overview = await month_overview(ctx, user, month)
    async with ctx.pool.acquire() as conn:
        return await reports_repo.publish_notice(conn, month=month, text=notice_text(overview, body.remarks),
                                                 by=user.username)

