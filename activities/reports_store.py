"""Writes of the monthly reports: open (pre-filled), remind, escalate, submit; and the list of
the localities the schedule opens a report for."""

from __future__ import annotations

from datetime import timedelta, timezone

import asyncpg
from temporalio import activity

from db import reports_repo
from db.network_repo import get_node
from domain.enums import Role
from domain.monthly_report import (
    LIST_LOCALITIES,
    NOTIFY_MONTHLY_REPORT,
    OPEN_MONTHLY_REPORT,
    SUBMIT_MONTHLY_REPORT,
    MonthlyFigures,
    ReportNoticeInput,
    ReportOpenInput,
    ReportStatus,
    ReportSubmission,
)


class ReportsStoreActivities:
    """Activities of the monthly report; handed the pool by the worker."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=OPEN_MONTHLY_REPORT)
    async def open_monthly_report(self, inp: ReportOpenInput) -> MonthlyFigures:
        """Pre-fill the report from the records and open it; the locality's head is told
        (once: a report opened after its due date is told it is late in this one notice)."""
        late = inp.opened_at >= inp.due_at
        if late:
            due = inp.due_at.astimezone(timezone(timedelta(hours=inp.utc_offset_hours)))
            message = (f"{inp.month}月报已生成（数据已预填），报送截止时间{due:%Y-%m-%d %H:%M}已过，"
                       "请尽快补报，报送后记为逾期报送")
        else:
            message = f"{inp.month}月报已生成（数据已预填），请于每月25日前补充工作进展并报送"
        async with self._pool.acquire() as conn:
            node = await get_node(conn, node_id=inp.locality_node_id)
            figures = await reports_repo.compute_figures(conn, path=node.path, month=inp.month,
                                                         utc_offset_hours=inp.utc_offset_hours)
            async with conn.transaction():
                await reports_repo.open_report(
                    conn, report_id=inp.report_id, locality_node_id=inp.locality_node_id,
                    month=inp.month, figures=figures, due=inp.due_at, opened_at=inp.opened_at,
                    workflow_id=inp.workflow_id,
                    status=ReportStatus.OVERDUE if late else ReportStatus.OPEN)
                await reports_repo.notify(
                    conn, key=f"{inp.report_id}:opened", node_id=inp.locality_node_id,
                    role=Role.STATION_HEAD.value, message=message)
        return figures

    @activity.defn(name=NOTIFY_MONTHLY_REPORT)
    async def notify_monthly_report(self, inp: ReportNoticeInput) -> None:
        """A reminder to the locality, or an escalation to the city office (and the locality)."""
        async with self._pool.acquire() as conn:
            node = await get_node(conn, node_id=inp.locality_node_id)
            bureau_id = node.path.strip("/").split("/")[0]
            async with conn.transaction():
                await reports_repo.record_notice(conn, report_id=inp.report_id, kind=inp.kind,
                                                 count=inp.count)
                key = f"{inp.report_id}:{inp.kind}:{inp.count}"
                if inp.kind == "reminder":
                    await reports_repo.notify(conn, key=key, node_id=inp.locality_node_id,
                                              role=Role.STATION_HEAD.value,
                                              message=f"提醒：{inp.month}月报尚未报送，请在截止时间前报送")
                    return
                what = "逾期未报送" if inp.kind == "missed" else f"已逾期（第{inp.count}次督促）"
                for node_id, role in ((bureau_id, Role.BUREAU_LEADER), (inp.locality_node_id, Role.STATION_HEAD)):
                    await reports_repo.notify(conn, key=f"{key}:{node_id}", node_id=node_id,
                                              role=role.value, message=f"{node.name}{inp.month}月报{what}")

    @activity.defn(name=SUBMIT_MONTHLY_REPORT)
    async def submit_monthly_report(self, inp: ReportSubmission) -> MonthlyFigures:
        """Freeze the figures as of submission and record the narrative."""
        async with self._pool.acquire() as conn:
            node = await get_node(conn, node_id=inp.locality_node_id)
            figures = await reports_repo.compute_figures(conn, path=node.path, month=inp.month,
                                                         utc_offset_hours=inp.utc_offset_hours)
            await reports_repo.submit(conn, report_id=inp.report_id, figures=figures,
                                      narrative=inp.narrative, good_practice=inp.good_practice,
                                      at=inp.submitted_at, by=inp.submitted_by, late=inp.late)
        return figures

    @activity.defn(name=LIST_LOCALITIES)
    async def list_report_localities(self) -> list[str]:
        """The county/district stations: each reports every month."""
        async with self._pool.acquire() as conn:
            return [r["node_id"] for r in await reports_repo.localities(conn)]

    def all(self) -> list[object]:
        return [self.open_monthly_report, self.notify_monthly_report, self.submit_monthly_report,
                self.list_report_localities]
