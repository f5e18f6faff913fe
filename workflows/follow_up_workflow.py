"""FollowUpWorkflow: the origin community follows up a returned person (源头预防、跟踪随访).

A visit task for the liaison every follow-up interval; referrals to minimum-living support,
temporary and medical assistance become tasks for the township; out of contact with the family
for longer than the policy allows → a report to the local police. Ends only by a decision
recorded in a visit; years of visits continue-as-new to keep each history small.
Updates: ``complete_task``. Queries: ``state``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta, timezone

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        REPORT_LOST_CONTACT,
        RESOLVE_SUPERVISOR,
        LostContactReport,
        LostContactReportInput,
        SupervisorQuery,
    )
    from domain.case import TaskCompletion
    from domain.child_flows import FollowUpInput, FollowUpResult
    from domain.enums import Role, TaskKind
    from domain.ledger import REGISTER_RETURNED_PERSON, ReturnedPersonInput
    from domain.tasks import Assignee, FollowUpVisitPayload, ReferralPayload
    from workflows.case_runtime import PATCH_SETTLE_WHEN_QUIET
    from workflows.child_runtime import ChildRuntime
    from workflows.task_owner import TaskOwner


PATCH_LEDGER = "ledger-on-follow-up"
"""Issue 5: follow-ups started before it did not register the person in the ledger."""

PATCH_VISIT_ONE_SYNC = "visit-one-sync"
"""A visit's completion, its record and (for the last) the end go to the read model in one
sync; runs from before synced each of them on its own (three activities for the last visit)."""

PATCH_VISIT_EARLY = "visit-early"
"""Issue 10: the next visit's task opens as soon as the last one is done, due at the interval
(so the liaison can record a visit before its due date); before it, the task opened only when
the interval had passed. Late at the same moment either way: due date + the visit's deadline."""


@workflow.defn
class FollowUpWorkflow(TaskOwner):
    """Quarterly visits, referrals and lost-contact reports until a recorded decision ends it."""

    @workflow.init
    def __init__(self, inp: FollowUpInput) -> None:
        self.inp = inp
        self.rt = ChildRuntime(case_id=inp.case_id, case_number=inp.case_number,
                               station_node_id=inp.station_node_id, policy=inp.policy,
                               stage="follow_up", node_id=inp.community_node_id, logic=inp.logic)
        self.visits = inp.visits_done

    @workflow.run
    async def run(self, inp: FollowUpInput) -> FollowUpResult:
        rt = self.rt
        rt._upsert_search_attributes()  # stage, node, overdue: found like a case
        liaison = Assignee(node_id=inp.community_node_id, role=Role.LIAISON)
        last_contact = inp.last_family_contact_at or workflow.now()
        lost_reported = inp.lost_contact_reported
        referrals: list[asyncio.Task[None]] = []
        if inp.visits_done == 0:
            rt.event("follow_up_started", "流出地社区开始跟踪随访")
            await rt.sync()
            # issue 5 (network helper): the returned person joins the origin's at-risk ledger.
            if rt.patched(PATCH_LEDGER):
                await rt.store(REGISTER_RETURNED_PERSON, ReturnedPersonInput(
                    case_id=inp.case_id, case_number=inp.case_number,
                    community_node_id=inp.community_node_id, person_name=inp.person_name,
                    id_number=inp.id_number), str)
        for _ in range(inp.policy.follow_up_visits_per_run):
            one_sync = rt.patched(PATCH_VISIT_ONE_SYNC)
            done = await self._visit(liaison, sync=not one_sync)
            visit = FollowUpVisitPayload.model_validate(done.payload)
            rt.event("visited", f"第{self.visits}次随访：" + ("见到本人" if visit.met_person else "未见到本人")
                     + ("，已联系家属" if visit.family_contacted else "，未联系上家属"),
                     actor=done.actor.username, needs=visit.needs)
            if visit.family_contacted:
                last_contact = workflow.now()
            if visit.last_family_contact_on is not None:
                tz = timezone(timedelta(hours=inp.policy.utc_offset_hours))
                last_contact = datetime.combine(visit.last_family_contact_on, time(), tz).astimezone(UTC)
            for need in visit.needs:
                if need not in inp.referrals_made:
                    inp.referrals_made.append(need)
                    referrals.append(asyncio.create_task(self._refer(need)))
            if not lost_reported and workflow.now() - last_contact > inp.policy.lost_contact_after:
                if one_sync:
                    await rt.sync()  # the visit on record before the police are called
                lost_reported = await self._report_lost_contact(last_contact)
            if not (one_sync and visit.end_follow_up):
                await rt.sync()
            if visit.end_follow_up:
                rt.event("follow_up_ended", f"结束跟踪随访：{visit.end_reason or '经评估结束'}",
                         actor=done.actor.username)
                await rt.sync()
                if rt.patched(PATCH_SETTLE_WHEN_QUIET):
                    rt.busy = False  # the last visit is answered now, not when referrals end
                await asyncio.gather(*referrals)
                await workflow.wait_condition(workflow.all_handlers_finished)
                return FollowUpResult(visits=self.visits, ended_at=workflow.now(), reason=visit.end_reason)
        # Keep the history small: wait for open referrals, then start afresh with what matters.
        if rt.patched(PATCH_SETTLE_WHEN_QUIET):
            rt.busy = False
        await asyncio.gather(*referrals)
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(inp.model_copy(update={
            "visits_done": self.visits, "last_family_contact_at": last_contact,
            "lost_contact_reported": lost_reported}))

    async def _visit(self, liaison: Assignee, *, sync: bool = True) -> TaskCompletion:
        """The next visit: a task open from now, due at the follow-up interval (``visit-early``),
        or, in runs from before, a task opened only once the interval has passed. ``sync=False``:
        its completion is synced by the caller, with the visit's record."""
        rt, policy = self.rt, self.inp.policy
        early = rt.patched(PATCH_VISIT_EARLY)
        if not early:
            rt.busy = False
            await workflow.sleep(policy.follow_up_interval)
            rt.busy = True
        self.visits += 1
        hint = "已随访多次，请评估是否结束随访" if self.visits >= policy.follow_up_max_visits else None
        if not early:
            return await rt.task(TaskKind.FOLLOW_UP_VISIT, liaison, sync=sync, visit=self.visits, hint=hint)
        due = workflow.now() + policy.follow_up_interval
        task = await rt.open_task(
            TaskKind.FOLLOW_UP_VISIT, liaison,
            deadline=policy.follow_up_interval + policy.deadline_for(TaskKind.FOLLOW_UP_VISIT),
            visit=self.visits, hint=hint, due_on=policy.local_date(due).isoformat())
        done = await rt.await_task(task, sync=sync)
        if done is None:
            raise asyncio.CancelledError(f"task {task.task_id} withdrawn")
        return done

    async def _refer(self, need: str) -> None:
        """A referral (低保, 临时救助, 医疗救助…) is a task for the township above the community."""
        township = await self.rt.store(
            RESOLVE_SUPERVISOR, SupervisorQuery(node_id=self.inp.community_node_id, role=Role.LIAISON,
                                                station_node_id=self.inp.station_node_id), Assignee)
        done = await self.rt.task(TaskKind.REFERRAL, township, need=need)
        decision = ReferralPayload.model_validate(done.payload)
        self.rt.event("referral_decided", f"转介“{need}”：" + ("已纳入" if decision.granted else "未纳入")
                      + f"（{decision.decision}）", actor=done.actor.username)
        await self.rt.sync()

    async def _report_lost_contact(self, last_contact: datetime) -> bool:
        report = await self.rt.call(
            REPORT_LOST_CONTACT,
            LostContactReportInput(case_number=self.inp.case_number,
                                   report_id=f"{self.inp.case_number}:lost-contact",
                                   name=self.inp.person_name, id_number=self.inp.id_number,
                                   community_node_id=self.inp.community_node_id,
                                   last_contact_on=self.inp.policy.local_date(last_contact)),
            LostContactReport)
        if report is None:
            return False  # refused (recorded): reported again at the next visit
        self.rt.event("lost_contact_reported", "与家人失联超过期限，已报告当地公安机关查询",
                      agency="police", police_ref=report.police_ref)
        return True
