"""The handlers every workflow that owns human tasks shares: the ``complete_task`` update
(validated before it enters history) and the ``state`` query."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.case import CaseAck, CaseState, CompleteTaskInput
    from workflows.case_runtime import CaseRuntime


class TaskOwner:
    """Mixin for workflow classes whose ``rt`` is their CaseRuntime (or ChildRuntime)."""

    rt: CaseRuntime

    @workflow.query
    def state(self) -> CaseState:
        """The exact current state: stage, classification, person, open tasks (the timeline is
        the read model's)."""
        return self.rt.snapshot()

    @workflow.update
    async def complete_task(self, inp: CompleteTaskInput) -> CaseAck:
        """Complete an open task; answers (small) once the workflow reached its next step."""
        self.rt.accept_completion(inp)
        await self.rt.settled(inp.task_id)
        return self.rt.ack(task_id=inp.task_id)

    @complete_task.validator
    def _validate_complete_task(self, inp: CompleteTaskInput) -> None:
        self.rt.validate_completion(inp)
