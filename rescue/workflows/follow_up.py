"""Handover to the place of origin (交接) and the community's follow-up visits (跟踪随访)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from rescue.domain.enums import Role, Stage, TaskKind
    from rescue.domain.tasks import Assignee, FollowUpVisitPayload, HandoverReceiptPayload
    from rescue.workflows.case_runtime import CaseRuntime


def _origin_liaison(rt: CaseRuntime) -> Assignee | None:
    if rt.state.origin_node_id is None:
        return None
    return Assignee(node_id=rt.state.origin_node_id, role=Role.LIAISON)


async def hand_over(rt: CaseRuntime) -> None:
    """The origin community's liaison confirms receipt; outside the city, the station records it."""
    rt.set_stage(Stage.HANDOVER)
    assignee = _origin_liaison(rt) or Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER)
    ticket = rt.state.ticket
    done = await rt.task(
        TaskKind.HANDOVER_RECEIPT,
        assignee,
        destination=ticket.destination if ticket else None,
        travel_date=ticket.travel_date if ticket else None,
        train=ticket.train if ticket else None,
    )
    receipt = HandoverReceiptPayload.model_validate(done.payload)
    rt.event("handed_over", f"流出地已接收（{receipt.relationship}），交接日期{receipt.received_on}",
             actor=done.actor.username)


async def follow_up(rt: CaseRuntime) -> None:
    """Visits every follow-up interval by the origin community, as many as the policy asks."""
    liaison = _origin_liaison(rt)
    if liaison is None:
        rt.event("follow_up_elsewhere", "流出地不在本市救助网络内，随访由流出地负责")
        return
    rt.set_stage(Stage.FOLLOW_UP)
    await rt.sync()
    for visit in range(1, rt.policy.follow_up_visits + 1):
        rt.busy = False
        await workflow.sleep(rt.policy.follow_up_interval)
        rt.busy = True
        done = await rt.task(TaskKind.FOLLOW_UP_VISIT, liaison, visit=visit)
        report = FollowUpVisitPayload.model_validate(done.payload)
        rt.event("visited", f"第{visit}次随访：" + ("见到本人" if report.met_person else "未见到本人"),
                 actor=done.actor.username, needs=report.needs)
