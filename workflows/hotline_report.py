"""HotlineReportWorkflow: one 12349 call, from the operator's record to the callback.

Dispatch to the station on duty for the place → arrival confirmed within the policy's deadline
(else escalated, repeatedly) → finding (a person found has a case opened, linked to the call)
→ the caller is called back with the outcome. A consultation needs no dispatch.
Updates: ``confirm_arrival``, ``record_finding``, ``record_callback``. Queries: ``state``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.enums import Role
    from domain.hotline import (
        CALL_NOT_YOURS,
        CALL_STEP_REFUSED,
        DISPATCH_HOTLINE_CALL,
        ESCALATE_HOTLINE_CALL,
        RECORD_HOTLINE_CALL,
        ArrivalInput,
        CallbackInput,
        CallKind,
        CallStatus,
        EscalationInput,
        FindingInput,
        HotlineInput,
        HotlineState,
    )

_STORE = {"start_to_close_timeout": timedelta(seconds=30),
          "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1),
                                      maximum_interval=timedelta(seconds=30))}
PATROL_ROLES = (Role.POLICE, Role.URBAN_MANAGEMENT)


@workflow.defn
class HotlineReportWorkflow:
    """received → dispatched → arrived → found / not found → closed (or unanswered)."""

    @workflow.init
    def __init__(self, inp: HotlineInput) -> None:
        self.inp = inp
        self.call = HotlineState(call_id=inp.call_id)

    @workflow.run
    async def run(self, inp: HotlineInput) -> HotlineState:
        p = inp.policy
        if inp.kind != CallKind.CONSULTATION:
            self.call.duty_node_id = await workflow.execute_activity(
                DISPATCH_HOTLINE_CALL, inp, result_type=str, **_STORE)
            self.call.status = CallStatus.DISPATCHED
            self.call.arrival_due = workflow.now() + p.arrival_within
            await self._record()
            if not await self._step("arrival", lambda: self.call.arrived_at is not None, p.arrival_within):
                return await self._end(CallStatus.UNANSWERED)
            if not await self._step("finding", lambda: self.call.finding is not None, p.finding_within):
                return await self._end(CallStatus.UNANSWERED)
        if inp.caller_phone:
            if not await self._step("callback", lambda: self.call.callback_at is not None,
                                    p.callback_within):
                return await self._end(CallStatus.UNANSWERED)
        return await self._end(CallStatus.CLOSED)

    async def _step(self, step: str, done: Callable[[], bool], within: timedelta) -> bool:
        """Wait for a step; a missed deadline escalates (repeated), until the policy's limit."""
        wait = within
        for _ in range(self.inp.policy.escalations_max + 1):
            try:
                await workflow.wait_condition(done, timeout=wait)
                return True
            except TimeoutError:
                if self.call.escalations >= self.inp.policy.escalations_max:
                    break
                self.call.escalations += 1
                await workflow.execute_activity(ESCALATE_HOTLINE_CALL, EscalationInput(
                    call_id=self.inp.call_id, duty_node_id=self.call.duty_node_id or self.inp.area_node_id,
                    step=step, count=self.call.escalations), **_STORE)
                await self._record()
                wait = self.inp.policy.escalation_repeat
        return done()

    async def _record(self) -> None:
        self.call.version += 1
        await workflow.execute_activity(RECORD_HOTLINE_CALL, self.call, **_STORE)

    async def _end(self, status: CallStatus) -> HotlineState:
        self.call.status = status
        await self._record()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.call

    @workflow.query
    def state(self) -> HotlineState:
        return self.call

    # --- updates: each answers once the step is recorded ------------------------------------

    async def _recorded(self) -> HotlineState:
        await self._record()
        return self.call

    @workflow.update
    async def confirm_arrival(self, inp: ArrivalInput) -> HotlineState:
        """Staff or patrol on duty confirm they are on the spot."""
        self.call.arrived_at = workflow.now()
        self.call.status = CallStatus.ARRIVED
        return await self._recorded()

    @confirm_arrival.validator
    def _validate_arrival(self, inp: ArrivalInput) -> None:
        self._check_duty(inp.actor.node_id, inp.actor.role)
        if self.call.status not in (CallStatus.DISPATCHED,):
            raise ApplicationError("该来电当前不需要确认到场", type=CALL_STEP_REFUSED)

    @workflow.update
    async def record_finding(self, inp: FindingInput) -> HotlineState:
        """What was found on the spot; a person found comes with the case opened for them."""
        self.call.finding = inp.note
        self.call.case_id = inp.case_id
        self.call.status = CallStatus.FOUND if inp.found else CallStatus.NOT_FOUND
        return await self._recorded()

    @record_finding.validator
    def _validate_finding(self, inp: FindingInput) -> None:
        self._check_duty(inp.actor.node_id, inp.actor.role)
        if self.call.status != CallStatus.ARRIVED:
            raise ApplicationError("请先确认到场，再登记现场情况", type=CALL_STEP_REFUSED)
        if inp.found and not inp.case_id:
            raise ApplicationError("找到需救助人员时须同时建立个案", type=CALL_STEP_REFUSED)

    @workflow.update
    async def record_callback(self, inp: CallbackInput) -> HotlineState:
        """The operator called the caller back with the outcome."""
        self.call.callback_at = workflow.now()
        self.call.callback_note = inp.note
        return await self._recorded()

    @record_callback.validator
    def _validate_callback(self, inp: CallbackInput) -> None:
        if inp.actor.role != Role.HOTLINE_OPERATOR:
            raise ApplicationError("回访由12349热线接线员办理", type=CALL_NOT_YOURS)
        if not self.inp.caller_phone or self.call.callback_at is not None:
            raise ApplicationError("该来电不需要（或已完成）回访", type=CALL_STEP_REFUSED)
        if self.inp.kind != CallKind.CONSULTATION and self.call.status not in (
                CallStatus.FOUND, CallStatus.NOT_FOUND):
            raise ApplicationError("现场处置结果登记后才能回访", type=CALL_STEP_REFUSED)

    def _check_duty(self, node_id: str, role: Role) -> None:
        if node_id != self.call.duty_node_id and role not in PATROL_ROLES:
            raise ApplicationError("该来电已派给其他值班单位", type=CALL_NOT_YOURS)
