"""RescueCaseWorkflow: one person's case, from the discovery report to closed.

Updates: ``complete_task`` (validated: right task, right assignee, right payload; answers the
case state once the case has moved on). Queries: ``state``. Signals: none yet.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from rescue.domain.case import CaseState, CompleteTaskInput, RescueCaseInput, RescueCaseResult
    from rescue.domain.enums import Stage, label
    from rescue.workflows.case_runtime import CaseRuntime
    from rescue.workflows.follow_up import follow_up, hand_over
    from rescue.workflows.identity_search import search_identity
    from rescue.workflows.intake import admit
    from rescue.workflows.return_home import send_home


@workflow.defn
class RescueCaseWorkflow:
    """Report → admission and classification → identity search → return home → handover →
    follow-up → closed. Every wait is a task with an assignee and a deadline."""

    @workflow.init
    def __init__(self, inp: RescueCaseInput) -> None:
        # Built before any handler runs, so updates and queries always see the state.
        self.rt = CaseRuntime(inp)

    @workflow.run
    async def run(self, inp: RescueCaseInput) -> RescueCaseResult:
        rt = self.rt
        report = inp.report
        rt.event("reported", f"收到{label(report.channel)}报告，发现地点：{report.place}",
                 actor=inp.reported_by.username, channel=report.channel.value)
        await admit(rt)
        await search_identity(rt)
        await send_home(rt)
        await hand_over(rt)
        await follow_up(rt)
        rt.set_stage(Stage.CLOSED)
        rt.event("closed", "个案办结")
        await rt.sync(closed=True)
        rt.busy = False
        await workflow.wait_condition(workflow.all_handlers_finished)
        return RescueCaseResult(case_id=inp.case_id, case_number=inp.case_number,
                                stage=Stage.CLOSED, closed_at=workflow.now())

    @workflow.query
    def state(self) -> CaseState:
        """The exact state of the case: stage, classification, person, open tasks, timeline."""
        return self.rt.snapshot()

    @workflow.update
    async def complete_task(self, inp: CompleteTaskInput) -> CaseState:
        """Complete an open task; answers the state once the case reached its next step."""
        self.rt.accept_completion(inp)
        await self.rt.settled(inp.task_id)
        return self.rt.snapshot()

    @complete_task.validator
    def _validate_complete_task(self, inp: CompleteTaskInput) -> None:
        self.rt.validate_completion(inp)
