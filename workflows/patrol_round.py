"""PatrolRoundWorkflow: started by the key-day Temporal Schedule, it starts one joint patrol
per county/district station for the day (ids ``<station>:<date>:key_day``, so a repeated round
starts nothing twice)."""

from __future__ import annotations

from datetime import timedelta, timezone

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.patrol import (
        DEPARTMENTS,
        LIST_PATROL_AREAS,
        PatrolInput,
        PatrolRoundInput,
        PatrolTrigger,
        default_places,
        patrol_policy,
        patrol_workflow_id,
    )
    from workflows.patrol import PatrolWorkflow


@workflow.defn
class PatrolRoundWorkflow:
    """Start the day's key-day patrol in every county/district."""

    @workflow.run
    async def run(self, inp: PatrolRoundInput) -> list[str]:
        day = workflow.now().astimezone(timezone(timedelta(hours=8))).date().isoformat()
        areas = await workflow.execute_activity(
            LIST_PATROL_AREAS, result_type=list[str], start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)))
        started = []
        for area in areas:
            patrol_id = f"{area}:{day}:key_day"
            try:
                await workflow.start_child_workflow(
                    PatrolWorkflow.run,
                    PatrolInput(patrol_id=patrol_id, area_node_id=area, trigger=PatrolTrigger.KEY_DAY,
                                reason="重要节日街面联合巡查", places=default_places(),
                                departments=list(DEPARTMENTS), started_by="schedule",
                                policy=patrol_policy(inp.policy_name)),
                    id=patrol_workflow_id(patrol_id), parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
                started.append(patrol_id)
            except WorkflowAlreadyStartedError:
                pass
        return started
