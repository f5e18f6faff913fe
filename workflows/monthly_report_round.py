"""MonthlyReportRoundWorkflow: started by the monthly Temporal Schedule, it opens every
locality's report for the month (one MonthlyReportWorkflow each, business-key ids, so a
repeated round opens nothing twice). Queries: none; it ends once the reports are started."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.monthly_report import (
        LIST_LOCALITIES,
        MonthlyReportInput,
        MonthlyReportRoundInput,
        MonthlyReportRoundResult,
        month_of,
        report_policy,
    )
    from workflows.monthly_report import MonthlyReportWorkflow, monthly_report_workflow_id


@workflow.defn
class MonthlyReportRoundWorkflow:
    """Open the month's report of every locality."""

    @workflow.run
    async def run(self, inp: MonthlyReportRoundInput) -> MonthlyReportRoundResult:
        policy = report_policy(inp.policy_name)
        month = inp.month or month_of(workflow.now(), policy.utc_offset_hours)
        localities = await workflow.execute_activity(
            LIST_LOCALITIES, result_type=list[str], start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)))
        opened = []
        for node_id in localities:
            wid = monthly_report_workflow_id(node_id, month)
            try:
                await workflow.start_child_workflow(
                    MonthlyReportWorkflow.run,
                    MonthlyReportInput(locality_node_id=node_id, month=month, policy=policy),
                    id=wid, parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
                opened.append(wid)
            except WorkflowAlreadyStartedError:
                pass  # this locality's report of the month is already open (or done)
        return MonthlyReportRoundResult(month=month, opened=opened)
