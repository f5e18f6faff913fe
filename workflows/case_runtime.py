"""The mechanics every step of a case uses: state, timeline, read-model sync, human tasks.

Deterministic workflow code: time from ``workflow.now()``, ids from ``workflow.uuid4()``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        AGENCY_OF,
        AGENCY_REFUSED,
        SYNC_CASE,
        label_of_call,
    )
    from domain.case import (
        CaseAck,
        CaseEvent,
        CaseState,
        CaseSyncInput,
        CompleteTaskInput,
        IdentitySearchCarry,
        RescueCaseInput,
        TaskCompletion,
    )
    from domain.completion import PayloadInvalid, check_payload
    from domain.enums import CaseOutcome, Stage, TaskKind, label
    from domain.features import PersonFeatures
    from domain.person import PersonDetails
    from domain.policy import Policy
    from domain.tasks import Assignee, CaseTask
    from workflows import search_attributes as sa
    from workflows.escalation import Escalation
    from workflows.versions import Versioned

TASK_NOT_FOUND = "TaskNotFound"
TASK_ALREADY_DONE = "TaskAlreadyDone"
TASK_NOT_YOURS = "TaskNotYours"
INVALID_PAYLOAD = "InvalidPayload"
ACTION_REFUSED = "ActionRefused"
"""An update on the case (departure, transfer…) that the rules do not allow now."""

PATCH_SUPERVISION = "supervision-on-overdue"
"""Escalation opens a supervision task and a notification (cases from before only flag)."""
PATCH_SETTLE_WHEN_QUIET = "settle-when-quiet"
"""A completion is answered once no activity is under way (before: when the main path
waited, so the last step of a treatment or follow-up always took the settle timeout)."""
PATCH_AGENCY_OUTREACH = "agency-outreach"
"""An agency call failing past ``policy.agency_outreach_after`` gives the station a task
(cases from before only retried)."""
PATCH_REMINDER_BACKOFF = "reminder-backoff"
"""Reminders of an overdue task slow down (daily, weekly, monthly) and remind the one
supervision item; cases from before repeated the escalation every ``escalation_repeat``."""

_STORE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


class CaseRuntime(Escalation, Versioned):
    """State of one case and the moves that change it; owned by RescueCaseWorkflow."""

    def __init__(self, inp: RescueCaseInput):
        self.input = inp
        self._init_common(
            policy=inp.policy,
            state=CaseState(case_id=inp.case_id, case_number=inp.case_number, stage=Stage.ADMISSION,
                            station_node_id=inp.station_node_id, policy_name=inp.policy.name,
                            opened_at=workflow.now()),
            logic=inp.logic,
        )
        self.operator_node = inp.agencies.operations

    def _init_common(self, *, policy: Policy, state: CaseState, logic: int) -> None:
        self.policy = policy
        self.logic = logic
        self.state = state
        self.person: PersonDetails | None = None
        self._open: dict[str, CaseTask] = {}
        self._done: set[str] = set()
        self._done_order: list[str] = []
        """The same ids in the order they were done (carried, newest last)."""
        self._completions: dict[str, TaskCompletion] = {}
        self._consumed: set[str] = set()
        self._unsynced: list[CaseEvent] = []
        self._syncing: list[CaseEvent] = []
        """Events on their way to the read model (a sync under way)."""
        self._closed_tasks: list[TaskCompletion] = []
        self._withdrawn: set[str] = set()
        self._cancelled: list[str] = []
        self._supervised: dict[str, str] = {}
        """Overdue task id → its supervision task id (withdrawn when the task is done)."""
        self.ending: CaseOutcome | None = None
        """Set by an update (departure, death, transfer out) to end the case wherever it is."""
        self.background: list[asyncio.Task[Any]] = []
        self.last_refusal: str | None = None
        """Message of the last agency refusal (shown to whoever must act on it)."""
        self.dna_matches: list[Any] = []
        """Household records of DNA matches (signalled), waiting for family verification."""
        self.family_matches: list[Any] = []
        """Missing-person reports likely about the person, waiting for family verification."""
        self.dna_samples: set[str] = set()
        self.dna_collection: asyncio.Task[None] | None = None
        """A minor's sample collection; the return home waits for it."""
        self._seen_callbacks: set[str] = set()
        self.discharges: dict[int, Any] = {}
        """Treatment episode → its discharge (TreatmentDischarged), signalled by the episode."""
        self.busy = True
        """False while the case waits for a person or a timer: a completion has settled."""
        self.in_flight = 0
        """Activities under way; the case continues as new only when none is."""
        self.operator_node = "city-bureau"
        """Where operators are told of an agency that stays unreachable."""
        self.search: IdentitySearchCarry | None = None
        """The identity search, while it runs (carried across continue-as-new)."""
        self.lookup_now = False
        """Set by an identity correction: the search looks the household up again at once."""
        self.closing_with: asyncio.Task[None] | None = None
        """A step the closing waits for after its sync (the follow-up's start at handover)."""
        self.features: PersonFeatures | None = None
        """Fingerprints, photo and marks taken at admission (the search carries them on)."""

    # --- timeline and read model -------------------------------------------------------

    def event(self, kind: str, summary: str, *, actor: str | None = None,
              agency: str | None = None, **data: Any) -> None:
        # Only the read model keeps the timeline: the workflow holds what it has not yet
        # written there, so nothing in its memory or its answers grows with the case's age.
        ev = CaseEvent(event_id=str(workflow.uuid4()), at=workflow.now(), kind=kind,
                       summary=summary, actor=actor, agency=agency, data=data)
        self._unsynced.append(ev)

    async def sync(self, *, closed: bool = False) -> None:
        """Project the state into PostgreSQL; the version makes a late retry harmless."""
        self.state.version += 1
        self.state.open_tasks = list(self._open.values())
        self.state.overdue = any(t.overdue for t in self._open.values())
        # The timeline travels as new events only: the full list would make every sync (and the
        # history) grow with the case's age.
        # Take the pending changes before awaiting: another step (an update handler, a side
        # task) may record more while this sync is in flight; those go with the next sync.
        events, closed_tasks, cancelled = self._take_pending()
        info = workflow.info()
        self.state.history_events = info.get_current_history_length()
        self.state.history_bytes = info.get_current_history_size()
        data = CaseSyncInput(state=self.state.model_copy(update={"timeline": []}),
                             person=self.person, new_events=events,
                             closed_tasks=closed_tasks, cancelled_tasks=cancelled,
                             closed=closed)
        self._syncing.extend(events)
        try:
            await self.store(SYNC_CASE, data)
        finally:
            written = {e.event_id for e in events}
            self._syncing = [e for e in self._syncing if e.event_id not in written]

    def _take_pending(self) -> tuple[list[CaseEvent], list[TaskCompletion], list[str]]:
        pending = (self._unsynced, self._closed_tasks, self._cancelled)
        self._unsynced, self._closed_tasks, self._cancelled = [], [], []
        return pending

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

    async def task(self, kind: TaskKind, assignee: Assignee, *, sync: bool = True,
                   **context: Any) -> TaskCompletion:
        """Open a task, wait for its completion, escalate (not fail) each missed deadline."""
        task = await self.open_task(kind, assignee, **context)
        done = await self.await_task(task, sync=sync)
        if done is None:
            # Only the end of the case withdraws a task awaited this way: stop this step.
            raise asyncio.CancelledError(f"task {task.task_id} withdrawn")
        return done

    async def open_task(self, kind: TaskKind, assignee: Assignee, *,
                        deadline: timedelta | None = None, **context: Any) -> CaseTask:
        """Put a task in its assignee's inbox (synced before returning)."""
        now = workflow.now()
        task = CaseTask(task_id=str(workflow.uuid4()), case_id=self.state.case_id, kind=kind,
                        assignee=assignee, opened_at=now,
                        deadline=now + (deadline or self.policy.deadline_for(kind)), context=context)
        self._open[task.task_id] = task
        self.event("task_opened", f"新任务：{label(kind)}（{label(assignee.role)}办理）",
                   task_id=task.task_id, task_kind=kind.value, assignee_node=assignee.node_id)
        await self.sync()
        return task

    async def await_task(self, task: CaseTask, *, expire: bool = False,
                         sync: bool = True) -> TaskCompletion | None:
        """Wait for a completion. A missed deadline escalates and the wait goes on, or, with
        ``expire``, ends the wait (None). A withdrawn task also answers None. ``sync=False``:
        the caller syncs the completion with what it records next."""
        kind = task.kind
        wait: timedelta = task.deadline - workflow.now()
        if task.overdue and task.last_reminded_at is not None:
            # Resumed after continue-as-new: the next reminder comes when it was due anyway.
            wait = (task.last_reminded_at + self.policy.reminder_after(
                task.last_reminded_at - task.deadline)) - workflow.now()
        while True:
            self.busy = False
            try:
                await workflow.wait_condition(
                    lambda: task.task_id in self._completions or task.task_id in self._withdrawn,
                    timeout=max(wait, timedelta(milliseconds=1)))
                break
            except asyncio.CancelledError:
                # The step waiting for it was stopped (the case moved on or ended).
                self._withdraw_now(task.task_id, "个案已进入下一步")
                raise
            except TimeoutError:
                self.busy = True
                if expire:
                    await self.withdraw(task.task_id, "已超过期限")
                    return None
                first = not task.overdue
                task.overdue = True
                now = workflow.now()
                if self.patched(PATCH_REMINDER_BACKOFF):
                    wait = self.policy.reminder_after(now - task.deadline)
                    if not first:
                        await self._remind(task)
                        continue
                else:
                    wait = self.policy.escalation_repeat
                task.last_reminded_at = now
                self.event("task_overdue", f"任务“{label(kind)}”已超过办理期限，已提请上级督办",
                           task_id=task.task_id, escalate_from=task.assignee.node_id)
                self._upsert_search_attributes()
                if self.patched(PATCH_SUPERVISION):
                    await self._supervise(task)
                await self.sync()
        self.busy = True
        if task.task_id in self._withdrawn:
            return None
        done = self._completions.pop(task.task_id)
        del self._open[task.task_id]
        self._done.add(task.task_id)
        self._done_order.append(task.task_id)
        self._consumed.add(task.task_id)
        self._closed_tasks.append(done)
        self.event("task_completed", f"{done.actor.shown_as}完成任务：{label(kind)}",
                   actor=done.actor.username, task_id=task.task_id)
        supervision = self._supervised.pop(task.task_id, None)
        if supervision is not None and supervision in self._open:
            self._withdraw_now(supervision, "原任务已办结")
        self._upsert_search_attributes()
        if sync:
            await self.sync()
        return done

    def _withdraw_now(self, task_id: str, reason: str) -> None:
        task = self._open.pop(task_id, None)
        if task is None:
            return
        self._withdrawn.add(task_id)
        self._cancelled.append(task_id)
        self.event("task_withdrawn", f"任务“{label(task.kind)}”已撤销：{reason}", task_id=task_id)

    async def withdraw(self, task_id: str, reason: str) -> None:
        """Take a task out of its inbox (the case moved on); its waiter gets None."""
        self._withdraw_now(task_id, reason)
        await self.sync()

    async def withdraw_all(self, reason: str) -> None:
        for task_id in list(self._open):
            self._withdraw_now(task_id, reason)
        await self.sync()

    async def call(self, activity: str, arg: Any, result_type: type[Any] | None = None) -> Any:
        """Call an agency with the policy's timeout and retries. Faults are retried for as long
        as it takes (operators see the failing call); a refusal is recorded on the timeline and
        answers None, so the caller takes the case's other way instead of failing it."""
        self.in_flight += 1
        try:
            if not self.patched(PATCH_AGENCY_OUTREACH):
                return await workflow.execute_activity(activity, arg, result_type=result_type,
                                                       **self.agency_call())
            pending = workflow.start_activity(activity, arg, result_type=result_type,
                                              **self.agency_call())
            try:
                await workflow.wait_condition(pending.done, timeout=self.policy.agency_outreach_after)
            except TimeoutError:
                # Still failing after the policy's time: a person reaches the agency by other
                # means; the task closes itself when the call goes through.
                self.background.append(asyncio.create_task(self._outreach(activity, pending)))
            return await pending
        except ActivityError as exc:
            cause = exc.cause
            if not (isinstance(cause, ApplicationError) and cause.type == AGENCY_REFUSED):
                raise
            self.last_refusal = cause.message
            agency = AGENCY_OF.get(activity)
            self.event("agency_refused", f"{label_of_call(activity)}被拒绝：{cause.message}",
                       agency=agency, activity=activity)
            return None
        finally:
            self.in_flight -= 1

    async def store(self, activity: str, arg: Any, result_type: type[Any] | None = None) -> Any:
        """Call a database activity (retried until PostgreSQL answers)."""
        self.in_flight += 1
        try:
            return await workflow.execute_activity(activity, arg, result_type=result_type,
                                                   start_to_close_timeout=timedelta(seconds=30),
                                                   retry_policy=_STORE_RETRY)
        finally:
            self.in_flight -= 1

    def end(self, outcome: CaseOutcome) -> None:
        """Ask the case to end wherever it is (the lifecycle stops its steps and closes)."""
        if self.ending is None:
            self.ending = outcome

    def validate_completion(self, inp: CompleteTaskInput) -> None:
        """Reject a completion before it enters history: right task, right person, right payload."""
        task = self._open.get(inp.task_id)
        if task is None or inp.task_id in self._completions:
            if inp.task_id in self._withdrawn:
                raise ApplicationError("该任务已撤销，无需办理", type=TASK_ALREADY_DONE)
            if inp.task_id in self._done or inp.task_id in self._completions:
                raise ApplicationError("该任务已经办结，不能重复提交", type=TASK_ALREADY_DONE)
            raise ApplicationError("本个案没有这个待办任务", type=TASK_NOT_FOUND)
        if (inp.actor.node_id, inp.actor.role) != (task.assignee.node_id, task.assignee.role):
            raise ApplicationError("该任务不属于您所在单位和岗位", type=TASK_NOT_YOURS)
        try:
            # Validators do not replay: the workflow's clock here adds no command to history.
            check_payload(task.kind, inp.payload, today=self.policy.local_date(workflow.now()),
                          policy=self.policy, now=workflow.now())
        except PayloadInvalid as exc:
            raise ApplicationError(exc.message, {"errors": exc.errors}, type=INVALID_PAYLOAD) from None

    def accept_completion(self, inp: CompleteTaskInput) -> None:
        task = self._open[inp.task_id]
        self._completions[inp.task_id] = TaskCompletion(
            task_id=inp.task_id, kind=task.kind, actor=inp.actor, payload=inp.payload,
            at=workflow.now())

    async def settled(self, task_id: str) -> None:
        """Wait until the case consumed the completion and reached its next waiting point:
        no activity under way (or, for cases from before, the main path waiting)."""
        quiet = self.patched(PATCH_SETTLE_WHEN_QUIET)
        try:
            await workflow.wait_condition(
                lambda: task_id in self._consumed and (
                    not self.busy or (quiet and self.in_flight == 0)),
                timeout=self.policy.update_settle_timeout,
            )
        except TimeoutError:
            pass  # an agency call is being retried: answer what we know

    def open_tasks(self) -> list[CaseTask]:
        return list(self._open.values())

    def snapshot(self) -> CaseState:
        """The current state; its timeline holds only the events not yet in the read model
        (a handful at most), which answers the case's past."""
        state = self.state.model_copy(deep=True)
        state.timeline = [*self._syncing, *self._unsynced]
        state.open_tasks = list(self._open.values())
        state.overdue = any(t.overdue for t in self._open.values())
        return state

    def ack(self, *, task_id: str | None = None, outcome: str = "done") -> CaseAck:
        """The small answer of an Update: stage and version, never the timeline."""
        settled = not (self.in_flight or self._unsynced or self._syncing)
        return CaseAck(case_id=self.state.case_id, case_number=self.state.case_number,
                       stage=self.state.stage, version=self.state.version, task_id=task_id,
                       outcome=outcome, settled=settled)
