"""MonthlyReportWorkflow: one locality's progress report for one month (月报).

Opens the report pre-filled from the records, reminds the locality before the due date,
escalates to the city office after it (repeated, then recorded as missed, still open to a late
submission for the policy's window), and records the submission with the figures frozen as of
that moment. A report opened after its due date says so once, in its opening notice, and
escalates from then on: reminders and escalations whose moment passed are never sent in a burst.
Updates: ``submit`` (validated: open report, the locality's station, a narrative).
Queries: ``state``. Id: ``monthly-report:<locality>:<YYYY-MM>``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.enums import Role
    from domain.monthly_report import (
        NOTIFY_MONTHLY_REPORT,
        OPEN_MONTHLY_REPORT,
        REPORT_ALREADY_SUBMITTED,
        REPORT_CLOSED,
        REPORT_NOT_YOURS,
        SUBMIT_MONTHLY_REPORT,
        MonthlyFigures,
        MonthlyReportInput,
        MonthlyReportState,
        ReportNoticeInput,
        ReportOpenInput,
        ReportStatus,
        ReportSubmission,
        SubmitReportInput,
        due_at,
        report_id,
    )

_STORE = {"start_to_close_timeout": timedelta(seconds=30),
          "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1),
                                      maximum_interval=timedelta(seconds=30))}
SUBMITTERS = (Role.STATION_HEAD, Role.CASEWORKER)
PATCH_OPENED_LATE = "report-opened-late"
"""Reminders and escalations are timed from the opening (none in a burst for a report opened
late), and a missed report takes a late submission; reports from before keep their timing."""


def monthly_report_workflow_id(locality_node_id: str, month: str) -> str:
    """``monthly-report:<locality>:<YYYY-MM>``: one report workflow per locality and month."""
    return f"monthly-report:{locality_node_id}:{month}"


@workflow.defn
class MonthlyReportWorkflow:
    """Open → remind → (escalate) → submitted or missed."""

    @workflow.init
    def __init__(self, inp: MonthlyReportInput) -> None:
        self.inp = inp
        self.report = MonthlyReportState(report_id=report_id(inp.locality_node_id, inp.month),
                                        locality_node_id=inp.locality_node_id, month=inp.month)
        self._submission: SubmitReportInput | None = None
        self._recorded = False
        self._takes_late = False
        """True while a report recorded as missed still takes a (late) submission."""

    @workflow.run
    async def run(self, inp: MonthlyReportInput) -> MonthlyReportState:
        policy = inp.policy
        due = inp.due_at or due_at(inp.month, policy)
        self.report.due_at = due
        timed_from_opening = workflow.patched(PATCH_OPENED_LATE)
        opened = workflow.now()
        await workflow.execute_activity(
            OPEN_MONTHLY_REPORT, ReportOpenInput(
                report_id=self.report.report_id, locality_node_id=inp.locality_node_id,
                month=inp.month, due_at=due, opened_at=opened,
                workflow_id=workflow.info().workflow_id, utc_offset_hours=policy.utc_offset_hours),
            result_type=MonthlyFigures, **_STORE)
        if timed_from_opening:
            if await self._reminded_and_escalated(opened, due):
                await self._record_submission(due)
            await workflow.wait_condition(workflow.all_handlers_finished)
            return self.report
        for before in sorted(policy.reminders_before, reverse=True):
            if await self._submitted_by(due - before):
                break
            self.report.reminders += 1
            await self._notice("reminder", self.report.reminders)
        while not await self._submitted_by(due + policy.escalation_repeat * self.report.escalations):
            if self.report.escalations >= policy.escalations_max:
                self.report.status = ReportStatus.MISSED
                await self._notice("missed", self.report.escalations)
                await workflow.wait_condition(workflow.all_handlers_finished)
                return self.report
            self.report.status = ReportStatus.OVERDUE
            self.report.escalations += 1
            await self._notice("escalation", self.report.escalations)
        await self._record_submission(due)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.report

    async def _reminded_and_escalated(self, opened: datetime, due: datetime) -> bool:
        """Remind before the due date and escalate after it, each at its own moment, timed
        from the opening; True once submitted, False when even the late window closed."""
        policy = self.inp.policy
        late = opened >= due
        if late:
            # The opening notice said it is late; no reminder is due any more.
            self.report.status = ReportStatus.OVERDUE
        for before in sorted(policy.reminders_before, reverse=True):
            if late or due - before <= opened:
                continue  # its moment passed before the report opened: the opening notice says it
            if await self._submitted_by(due - before):
                return True
            self.report.reminders += 1
            await self._notice("reminder", self.report.reminders)
        next_notice = opened + policy.escalation_repeat if late else due
        while not await self._submitted_by(next_notice):
            if self.report.escalations >= policy.escalations_max:
                self.report.status = ReportStatus.MISSED
                self._takes_late = True  # before the notice: a submission may come at once
                await self._notice("missed", self.report.escalations)
                submitted = await self._submitted_by(workflow.now() + policy.late_submission_window)
                self._takes_late = submitted
                return submitted
            self.report.status = ReportStatus.OVERDUE
            self.report.escalations += 1
            await self._notice("escalation", self.report.escalations)
            # From the last notice, not from the due date: a worker that was down does not
            # send the missed escalations all at once when it comes back.
            next_notice = workflow.now() + policy.escalation_repeat
        return True

    async def _record_submission(self, due: datetime) -> None:
        sub = self._submission
        assert sub is not None
        now = workflow.now()
        await workflow.execute_activity(
            SUBMIT_MONTHLY_REPORT, ReportSubmission(
                report_id=self.report.report_id, locality_node_id=self.inp.locality_node_id,
                month=self.inp.month, submitted_at=now, submitted_by=sub.actor.username,
                late=now >= due, narrative=sub.narrative, good_practice=sub.good_practice,
                utc_offset_hours=self.inp.policy.utc_offset_hours),
            result_type=MonthlyFigures, **_STORE)
        self.report.status = ReportStatus.SUBMITTED
        self.report.submitted_at = now
        self.report.submitted_by = sub.actor.username
        self.report.late = now >= due
        self._recorded = True

    async def _submitted_by(self, moment: datetime) -> bool:
        """Wait until the report is submitted or ``moment`` passes; True if submitted."""
        wait = moment - workflow.now()
        if wait > timedelta(0):
            try:
                await workflow.wait_condition(lambda: self._submission is not None, timeout=wait)
            except TimeoutError:
                pass
        return self._submission is not None

    async def _notice(self, kind: str, count: int) -> None:
        assert self.report.due_at is not None
        await workflow.execute_activity(
            NOTIFY_MONTHLY_REPORT, ReportNoticeInput(
                report_id=self.report.report_id, locality_node_id=self.inp.locality_node_id,
                month=self.inp.month, kind=kind, count=count, due_at=self.report.due_at), **_STORE)

    @workflow.query
    def state(self) -> MonthlyReportState:
        return self.report

    @workflow.update
    async def submit(self, inp: SubmitReportInput) -> MonthlyReportState:
        """The locality submits its narrative; answers once the submission is recorded."""
        self._submission = inp
        await workflow.wait_condition(lambda: self._recorded)
        return self.report

    @submit.validator
    def _validate_submit(self, inp: SubmitReportInput) -> None:
        if self._submission is not None or self.report.status == ReportStatus.SUBMITTED:
            raise ApplicationError("该月报已经报送，不能重复报送", type=REPORT_ALREADY_SUBMITTED)
        if self.report.status == ReportStatus.MISSED and not self._takes_late:
            raise ApplicationError("该月报已记为逾期未报，补报期限已过，不能再报送", type=REPORT_CLOSED)
        if inp.actor.node_id != self.inp.locality_node_id or inp.actor.role not in SUBMITTERS:
            raise ApplicationError("月报由本地救助站报送", type=REPORT_NOT_YOURS)
