"""Task and timeline mechanics for the workflows a case starts (treatment, follow-up): the same
tasks as the case's, recorded under the case by RECORD_CHILD_ACTIVITY instead of a case sync."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import RECORD_CHILD_ACTIVITY
    from domain.case import CaseState, ChildRecordInput
    from domain.enums import Stage
    from domain.policy import Policy
    from workflows import search_attributes as sa
    from workflows.case_runtime import CaseRuntime


PATCH_CHILD_SEARCH_ATTRIBUTES = "child-search-attributes"
"""Children carry the case's search attributes (stage, node, overdue), so a list of overdue
workflows finds a late follow-up visit too; children from before carried none."""


class ChildRuntime(CaseRuntime):
    """A CaseRuntime whose records go to the parent case, with search attributes of its own
    (``RescueStage`` is ``treatment`` or ``follow_up``; ``RescueNode`` the node that holds its
    work) so operators find an overdue child like an overdue case."""

    def __init__(self, *, case_id: str, case_number: str, station_node_id: str, policy: Policy,
                 stage: str = Stage.FOLLOW_UP.value, node_id: str | None = None, logic: int = 0):
        self._init_common(
            policy=policy,
            state=CaseState(case_id=case_id, case_number=case_number, stage=Stage.FOLLOW_UP,
                            station_node_id=station_node_id, policy_name=policy.name),
            logic=logic,
        )
        self.stage_value = stage
        self.node_id = node_id or station_node_id

    async def sync(self, *, closed: bool = False) -> None:
        events, closed_tasks, cancelled = self._take_pending()
        data = ChildRecordInput(case_id=self.state.case_id, workflow_id=workflow.info().workflow_id,
                                new_events=events, open_tasks=list(self._open.values()),
                                closed_tasks=closed_tasks, cancelled_tasks=cancelled)
        await self.store(RECORD_CHILD_ACTIVITY, data)

    def _upsert_search_attributes(self) -> None:
        if not self.patched(PATCH_CHILD_SEARCH_ATTRIBUTES):
            return  # children from before: found through their case only
        workflow.upsert_search_attributes([
            sa.STAGE.value_set(self.stage_value), sa.NODE.value_set(self.node_id),
            sa.OVERDUE.value_set(any(t.overdue for t in self._open.values()))])
