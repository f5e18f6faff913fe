"""The mechanics every step of a case uses: state, timeline, read-model sync, human tasks.

Deterministic workflow code: time from ``workflow.now()``, ids from ``workflow.uuid4()``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from rescue.domain.agencies import SYNC_CASE
    from rescue.domain.case import (
        CaseEvent,
        CaseState,
        CaseSyncInput,
        CompleteTaskInput,
        RescueCaseInput,
        TaskCompletion,
    )
    from rescue.domain.completion import PayloadInvalid, check_payload
    from rescue.domain.enums import Stage, TaskKind, label
    from rescue.domain.person import PersonDetails
    from rescue.domain.tasks import Assignee, CaseTask
    from rescue.workflows import search_attributes as sa

TASK_NOT_FOUND = "TaskNotFound"
TASK_ALREADY_DONE = "TaskAlreadyDone"
TASK_NOT_YOURS = "TaskNotYours"
INVALID_PAYLOAD = "InvalidPayload"

_STORE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


class CaseRuntime:
    """State of one case and the moves that change it; owned by RescueCaseWorkflow."""

    def __init__(self, inp: RescueCaseInput):
        self.input = inp
        self.policy = inp.policy
        self.state = CaseState(
            case_id=inp.case_id,
            case_number=inp.case_number,
            stage=Stage.ADMISSION,
            station_node_id=inp.station_node_id,
            policy_name=inp.policy.name,
        )
        self.person: PersonDetails | None = None
        self._open: dict[str, CaseTask] = {}
        self._done: set[str] = set()
        self._completions: dict[str, TaskCompletion] = {}
        self._consumed: set[str] = set()
        self._unsynced: list[CaseEvent] = []
        self._closed_tasks: list[TaskCompletion] = []
        self.busy = True
        """False while the case waits for a person or a timer: a completion has settled."""

    # --- timeline and read model -------------------------------------------------------

    def event(self, kind: str, summary: str, *, actor: str | None = None,
              agency: str | None = None, **data: Any) -> None:
        ev = CaseEvent(event_id=str(workflow.uuid4()), at=workflow.now(), kind=kind,
                       summary=summary, actor=actor, agency=agency, data=data)
        self.state.timeline.append(ev)
        self._unsynced.append(ev)

    async def sync(self, *, closed: bool = False) -> None:
        """Project the state into PostgreSQL; the version makes a late retry harmless."""
        self.state.version += 1
        self.state.open_tasks = list(self._open.values())
        self.state.overdue = any(t.overdue for t in self._open.values())
        data = CaseSyncInput(state=self.state, person=self.person, new_events=self._unsynced,
                             closed_tasks=self._closed_tasks, closed=closed)
        await workflow.execute_activity(
            SYNC_CASE, data, start_to_close_timeout=timedelta(seconds=30), retry_policy=_STORE_RETRY
        )
        self._unsynced = []
        self._closed_tasks = []

    def set_stage(self, stage: Stage) -> None:
        self.state.stage = stage
        self.event("stage", f"进入{label(stage)}阶段", stage=stage.value)
        self._upsert_search_attributes()

    def _upsert_search_attributes(self) -> None:
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.STAGE.value_set(self.state.stage.value),
            sa.OVERDUE.value_set(any(t.overdue for t in self._open.values())),
        ]
        if self.state.classification:
            updates.append(sa.CLASSIFICATION.value_set(self.state.classification.value))
        workflow.upsert_search_attributes(updates)

    def agency_call(self) -> dict[str, Any]:
        """Options of an activity that calls an agency: timeout and retries from the policy."""
        return {
            "start_to_close_timeout": self.policy.agency_call_timeout,
            "retry_policy": RetryPolicy(
                initial_interval=timedelta(seconds=1),
                backoff_coefficient=2.0,
                maximum_interval=self.policy.agency_retry_max_interval,
            ),
        }

    # --- human tasks --------------------------------------------------------------------

    async def task(self, kind: TaskKind, assignee: Assignee, **context: Any) -> TaskCompletion:
        """Open a task, wait for its completion, escalate (not fail) each missed deadline."""
        now = workflow.now()
        task = CaseTask(task_id=str(workflow.uuid4()), case_id=self.state.case_id, kind=kind,
                        assignee=assignee, opened_at=now,
                        deadline=now + self.policy.deadline_for(kind), context=context)
        self._open[task.task_id] = task
        self.event("task_opened", f"新任务：{label(kind)}（{label(assignee.role)}办理）",
                   task_id=task.task_id, task_kind=kind.value, assignee_node=assignee.node_id)
        await self.sync()
        wait: timedelta = task.deadline - now
        while True:
            self.busy = False
            try:
                await workflow.wait_condition(lambda: task.task_id in self._completions, timeout=wait)
                break
            except TimeoutError:
                self.busy = True
                task.overdue = True
                wait = self.policy.escalation_repeat
                self.event("task_overdue", f"任务“{label(kind)}”已超过办理期限，已提请上级督办",
                           task_id=task.task_id, escalate_from=assignee.node_id)
                self._upsert_search_attributes()
                await self.sync()
        self.busy = True
        done = self._completions.pop(task.task_id)
        del self._open[task.task_id]
        self._done.add(task.task_id)
        self._consumed.add(task.task_id)
        self._closed_tasks.append(done)
        self.event("task_completed", f"{done.actor.shown_as}完成任务：{label(kind)}",
                   actor=done.actor.username, task_id=task.task_id)
        self._upsert_search_attributes()
        await self.sync()
        return done

    def validate_completion(self, inp: CompleteTaskInput) -> None:
        """Reject a completion before it enters history: right task, right person, right payload."""
        task = self._open.get(inp.task_id)
        if task is None or inp.task_id in self._completions:
            if inp.task_id in self._done or inp.task_id in self._completions:
                raise ApplicationError("该任务已经办结，不能重复提交", type=TASK_ALREADY_DONE)
            raise ApplicationError("本个案没有这个待办任务", type=TASK_NOT_FOUND)
        if (inp.actor.node_id, inp.actor.role) != (task.assignee.node_id, task.assignee.role):
            raise ApplicationError("该任务不属于您所在单位和岗位", type=TASK_NOT_YOURS)
        try:
            check_payload(task.kind, inp.payload, today=self.policy.local_date(workflow.now()), policy=self.policy)
        except PayloadInvalid as exc:
            raise ApplicationError(exc.message, {"errors": exc.errors}, type=INVALID_PAYLOAD) from None

    def accept_completion(self, inp: CompleteTaskInput) -> None:
        task = self._open[inp.task_id]
        self._completions[inp.task_id] = TaskCompletion(
            task_id=inp.task_id, kind=task.kind, actor=inp.actor, payload=inp.payload,
            at=workflow.now())

    async def settled(self, task_id: str) -> None:
        """Wait until the case consumed the completion and reached its next waiting point."""
        try:
            await workflow.wait_condition(
                lambda: task_id in self._consumed and not self.busy,
                timeout=self.policy.update_settle_timeout,
            )
        except TimeoutError:
            pass  # the case is still busy (an agency call retrying): answer what we know

    def snapshot(self) -> CaseState:
        state = self.state.model_copy(deep=True)
        state.open_tasks = list(self._open.values())
        state.overdue = any(t.overdue for t in self._open.values())
        return state
