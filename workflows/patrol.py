"""PatrolWorkflow: one joint street patrol (街面联合巡查), from the start to its summary.

The patrol stays open for the policy's duration; each encounter is recorded (a person needing
help comes with the case the API opened for them); the team leader's summary ends it, or the
duration does. Updates: ``record_encounter``, ``finish``. Queries: ``state``.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.enums import Role
    from domain.patrol import (
        ENCOUNTER_REFUSED,
        RECORD_PATROL,
        Encounter,
        EncounterInput,
        EncounterOutcome,
        FinishInput,
        PatrolInput,
        PatrolState,
        PatrolStatus,
    )

_STORE = {"start_to_close_timeout": timedelta(seconds=30),
          "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1),
                                      maximum_interval=timedelta(seconds=30))}
PATROL_ROLES = (Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE, Role.URBAN_MANAGEMENT,
                Role.TOWNSHIP_OFFICER, Role.BUREAU_LEADER)


@workflow.defn
class PatrolWorkflow:
    """open → encounters → finished (by the summary or when the duration runs out)."""

    @workflow.init
    def __init__(self, inp: PatrolInput) -> None:
        self.patrol = PatrolState(patrol_id=inp.patrol_id, area_node_id=inp.area_node_id,
                                  trigger=inp.trigger, reason=inp.reason, places=inp.places,
                                  departments=inp.departments, started_by=inp.started_by)

    @workflow.run
    async def run(self, inp: PatrolInput) -> PatrolState:
        self.patrol.started_at = workflow.now()
        self.patrol.ends_at = workflow.now() + inp.policy.duration
        await self._record()
        try:
            await workflow.wait_condition(lambda: self.patrol.status == PatrolStatus.FINISHED,
                                          timeout=inp.policy.duration)
        except TimeoutError:
            self.patrol.status = PatrolStatus.FINISHED
            self.patrol.finished_at = workflow.now()
            self.patrol.summary = f"巡查时段结束，共记录{len(self.patrol.encounters)}人次"
            await self._record()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.patrol

    async def _record(self) -> None:
        self.patrol.version += 1
        await workflow.execute_activity(RECORD_PATROL, self.patrol, **_STORE)

    @workflow.query
    def state(self) -> PatrolState:
        return self.patrol

    @workflow.update
    async def record_encounter(self, inp: EncounterInput) -> PatrolState:
        """A person met on the patrol and what was done."""
        self.patrol.encounters.append(Encounter(
            number=len(self.patrol.encounters) + 1, at=workflow.now(), place=inp.place,
            outcome=inp.outcome, note=inp.note, case_id=inp.case_id, recorded_by=inp.actor.username))
        await self._record()
        return self.patrol

    @record_encounter.validator
    def _validate_encounter(self, inp: EncounterInput) -> None:
        self._check_open(inp.actor.role)
        if (inp.outcome == EncounterOutcome.CASE_OPENED) != (inp.case_id is not None):
            raise ApplicationError("需要救助的人员须同时建立个案", type=ENCOUNTER_REFUSED)

    @workflow.update
    async def finish(self, inp: FinishInput) -> PatrolState:
        """The team leader ends the patrol with its summary."""
        self.patrol.status = PatrolStatus.FINISHED
        self.patrol.finished_at = workflow.now()
        self.patrol.summary = inp.summary
        await self._record()
        return self.patrol

    @finish.validator
    def _validate_finish(self, inp: FinishInput) -> None:
        self._check_open(inp.actor.role)

    def _check_open(self, role: Role) -> None:
        if self.patrol.status != PatrolStatus.OPEN:
            raise ApplicationError("本次巡查已结束", type=ENCOUNTER_REFUSED)
        if role not in PATROL_ROLES:
            raise ApplicationError("只有参加联合巡查的部门可以登记", type=ENCOUNTER_REFUSED)
