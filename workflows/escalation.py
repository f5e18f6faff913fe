"""Escalation of a case's waits: the supervision item when a task passes its deadline, the
reminders that follow it (backing off), and the station's task when an agency's system stays
unreachable. A mixin of CaseRuntime, which owns the state these steps change."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        AGENCY_OF,
        NOTIFY,
        RESOLVE_SUPERVISOR,
        Notification,
        SupervisorQuery,
        label_of_call,
    )
    from domain.enums import Role, TaskKind, label
    from domain.tasks import Assignee, CaseTask


class Escalation:
    """Supervision, reminders and agency outreach; ``self`` is the case's runtime."""

    async def _supervise(self, task: CaseTask) -> None:
        """First escalation of a task: the supervising level gets a task and a notification."""
        if task.task_id in self._supervised or task.kind == TaskKind.SUPERVISION:
            return
        supervisor = await self.store(
            RESOLVE_SUPERVISOR, SupervisorQuery(node_id=task.assignee.node_id, role=task.assignee.role,
                                                station_node_id=self.state.station_node_id),
            Assignee)
        now = workflow.now()
        sup = CaseTask(task_id=str(workflow.uuid4()), case_id=self.state.case_id,
                       kind=TaskKind.SUPERVISION, assignee=supervisor, opened_at=now,
                       deadline=now + self.policy.deadline_for(TaskKind.SUPERVISION),
                       context={"overdue_task_id": task.task_id, "overdue_kind": task.kind.value,
                                "overdue_assignee_node": task.assignee.node_id})
        self._open[sup.task_id] = sup
        self._supervised[task.task_id] = sup.task_id
        self.background.append(asyncio.create_task(self._await_supervision(sup)))
        await self.store(
            NOTIFY, Notification(notification_id=sup.task_id, node_id=supervisor.node_id,
                                 role=supervisor.role, case_id=self.state.case_id,
                                 message=f"个案{self.state.case_number}的任务“{label(task.kind)}”已超期，请督办"))

    async def _remind(self, task: CaseTask) -> None:
        """A later reminder of an overdue task: the one supervision item is updated and its
        holder notified again; one line on the timeline."""
        now = workflow.now()
        task.reminders += 1
        task.last_reminded_at = now
        days = max((now - task.deadline).days, 0)
        self.event("task_reminded", f"任务“{label(task.kind)}”仍未办理（已超期{days}天），第{task.reminders}次提醒督办",
                   task_id=task.task_id, reminders=task.reminders)
        sup_id = self._supervised.get(task.task_id)
        sup = self._open.get(sup_id) if sup_id else None
        if sup is not None:
            sup.context = {**sup.context, "reminders": task.reminders,
                           "overdue_since": task.deadline.isoformat()}
            await self.store(NOTIFY, Notification(
                notification_id=f"{sup.task_id}:{task.reminders}", node_id=sup.assignee.node_id,
                role=sup.assignee.role, case_id=self.state.case_id,
                message=f"个案{self.state.case_number}的任务“{label(task.kind)}”仍未办理，请继续督办"))
        await self.sync()

    async def _await_supervision(self, sup: CaseTask) -> None:
        done = await self.await_task(sup)
        if done is not None:
            self.event("supervised", f"{done.actor.shown_as}督办：{done.payload.get('action_taken', '')}",
                       actor=done.actor.username)
            await self.sync()

    async def _outreach(self, activity: str, pending: asyncio.Future[Any]) -> None:
        """The station's task to reach an agency whose system stays unreachable, and a note to
        the operators; withdrawn as soon as the call succeeds (or fails for good)."""
        agency = AGENCY_OF.get(activity)
        what = label_of_call(activity)
        task = await self.open_task(
            TaskKind.AGENCY_OUTREACH, Assignee(node_id=self.state.station_node_id, role=Role.CASEWORKER),
            agency=agency, call=what, since=workflow.now().isoformat())
        self.event("agency_unreachable", f"{what}持续失败，已请救助站通过电话、上门等方式联系", agency=agency)
        await self.store(NOTIFY, Notification(
            notification_id=f"{task.task_id}:operator", node_id=self.operator_node, role=Role.OPERATOR,
            case_id=self.state.case_id,
            message=f"个案{self.state.case_number}的{what}持续失败，已转救助站人工联系，请检查系统"))
        waiter = asyncio.create_task(self.await_task(task))
        await workflow.wait([waiter, pending], return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
            await self.withdraw(task.task_id, f"{what}已恢复，自动关闭")
            return
        done = waiter.result()
        if done is not None:
            self.event("agency_reached", f"{done.actor.shown_as}已联系协作单位：{done.payload.get('outcome', '')}",
                       actor=done.actor.username, agency=agency)
            await self.sync()
