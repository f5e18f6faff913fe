"""Task and timeline mechanics for the workflows a case starts (treatment, follow-up): the same
tasks as the case's, recorded under the case by RECORD_CHILD_ACTIVITY instead of a case sync."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import RECORD_CHILD_ACTIVITY
    from domain.case import CaseState, ChildRecordInput
    from domain.enums import Stage
    from domain.policy import Policy
    from workflows.case_runtime import CaseRuntime


class ChildRuntime(CaseRuntime):
    """A CaseRuntime whose records go to the parent case; no search attributes of its own."""

    def __init__(self, *, case_id: str, case_number: str, station_node_id: str, policy: Policy):
        self._init_common(
            policy=policy,
            state=CaseState(case_id=case_id, case_number=case_number, stage=Stage.FOLLOW_UP,
                            station_node_id=station_node_id, policy_name=policy.name),
        )

    async def sync(self, *, closed: bool = False) -> None:
        events, closed_tasks, cancelled = self._take_pending()
        data = ChildRecordInput(case_id=self.state.case_id, workflow_id=workflow.info().workflow_id,
                                new_events=events, open_tasks=list(self._open.values()),
                                closed_tasks=closed_tasks, cancelled_tasks=cancelled)
        await self.store(RECORD_CHILD_ACTIVITY, data)

    def _upsert_search_attributes(self) -> None:
        pass  # children are found through their case
