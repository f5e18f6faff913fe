"""Return home (返乡) and handover (交接): voucher and ticket through the green channel, an
escort for protective and assisting rescue, boarding confirmed by transport, a handover
receipt from the origin, and the follow-up workflow started for the origin community."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        EXCHANGE_TICKET,
        RECORD_EXTERNAL_FOLLOW_UP,
        ExternalFollowUp,
        TicketExchangeInput,
    )
    from domain.case import TicketInfo
    from domain.child_flows import FollowUpInput
    from domain.enums import Classification, Role, Stage, TaskKind
    from domain.tasks import (
        Assignee,
        BoardingConfirmationPayload,
        FollowUpConfirmationPayload,
        HandoverReceiptPayload,
        RemoteHandoverPayload,
        ReturnEscortPayload,
        TicketVoucherPayload,
    )
    from workflows.case_runtime import CaseRuntime
    from workflows.follow_up_workflow import FollowUpWorkflow
    from workflows.ids import follow_up_workflow_id


PATCH_BOARDING_ONE_SYNC = "boarding-one-sync"
"""A boarding confirmation goes to the read model with the next task it opens (handover, or a
new voucher); cases from before synced it on its own first."""

PATCH_HANDOVER_ANSWERS_CLOSED = "handover-answers-closed"
"""The handover's completion is answered once the case closed and its final state is in the
read model, so the API answers from there; cases from before answered as the follow-up was
being started, and the API asked the workflow for a state about to change."""

PATCH_HANDOVER_CLOSES_WHILE_STARTING = "handover-closes-while-starting"
"""The follow-up is started while the case closes (its start and the closing sync in one
workflow task); cases from before started it first, then closed."""

PATCH_FOLLOW_UP_ELSEWHERE = "follow-up-elsewhere"
"""A return outside the city is handed over to the receiving city and its follow-up
acknowledged (cases from before ended with ``follow_up_elsewhere``)."""


async def go_home(rt: CaseRuntime) -> None:
    """From the voucher to the handover; a refused voucher or a missed train starts over."""
    rt.set_stage(Stage.RETURN_HOME)
    if rt.dna_collection is not None and not rt.dna_collection.done():
        rt.event("waiting_dna", "未成年人返乡前须完成DNA采样入库，等待公安采样")
        await rt.sync()
        rt.busy = False
        await rt.dna_collection
        rt.busy = True
    caseworker = Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER)
    refusal: str | None = None
    attempt = 0
    while True:
        attempt += 1
        done = await rt.task(TaskKind.TICKET_VOUCHER, caseworker,
                             origin_address=rt.state.origin_address, previous_refusal=refusal)
        voucher = TicketVoucherPayload.model_validate(done.payload)
        number = f"HP{rt.state.case_number}-{attempt}"
        rt.event("voucher_issued", f"开具换票凭证 {number}，目的地{voucher.destination}",
                 actor=done.actor.username, voucher_number=number)
        ticket = await rt.call(EXCHANGE_TICKET, TicketExchangeInput(
            case_id=rt.state.case_id, voucher_number=number, passenger_name=rt.state.person.name,
            destination=voucher.destination, travel_date=voucher.travel_date), TicketInfo)
        if ticket is None:
            refusal = rt.last_refusal
            rt.event("ticket_refused", f"车站拒绝换票：{refusal}", agency="transport")
            continue
        rt.state.ticket = ticket
        rt.event("ticket_exchanged",
                 f"绿色通道换票成功：{ticket.train or ''} 车票 {ticket.ticket_number}，{ticket.travel_date}",
                 agency="transport", ticket_number=ticket.ticket_number)
        needs_escort = voucher.escort_required or rt.state.classification in (
            Classification.PROTECTIVE, Classification.ASSISTING)
        if needs_escort:
            escort_done = await rt.task(TaskKind.RETURN_ESCORT, caseworker, ticket=ticket.ticket_number,
                                        travel_date=ticket.travel_date)
            escort = ReturnEscortPayload.model_validate(escort_done.payload)
            rt.event("return_escort", f"安排{escort.escorts}护送返乡", actor=escort_done.actor.username)
        boarding_done = await rt.task(
            TaskKind.BOARDING_CONFIRMATION,
            Assignee(node_id=rt.input.agencies.transport, role=Role.TRANSPORT),
            sync=not rt.patched(PATCH_BOARDING_ONE_SYNC),  # the next task's sync takes it
            ticket=ticket.ticket_number, train=ticket.train, travel_date=ticket.travel_date,
            escorted=needs_escort)
        boarding = BoardingConfirmationPayload.model_validate(boarding_done.payload)
        if boarding.boarded:
            rt.event("boarded", "车站确认已通过绿色通道上车", agency="transport",
                     actor=boarding_done.actor.username)
            break
        refusal = f"未乘车：{boarding.notes or '原因未说明'}"
        rt.event("not_boarded", refusal, agency="transport", actor=boarding_done.actor.username)
    await hand_over(rt)


async def hand_over(rt: CaseRuntime) -> None:
    """The origin receives the person: its community liaison in this city, or the station
    records the receipt from a locality outside the network. Then follow-up begins."""
    rt.set_stage(Stage.HANDOVER)
    in_network = rt.state.origin_node_id is not None
    if not in_network and rt.patched(PATCH_FOLLOW_UP_ELSEWHERE):
        await _hand_over_elsewhere(rt)
        return
    assignee = (Assignee(node_id=rt.state.origin_node_id, role=Role.LIAISON) if in_network
                else Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER))
    ticket = rt.state.ticket
    done = await rt.task(TaskKind.HANDOVER_RECEIPT, assignee,
                         destination=ticket.destination if ticket else None,
                         travel_date=ticket.travel_date if ticket else None,
                         train=ticket.train if ticket else None,
                         origin_address=rt.state.origin_address)
    receipt = HandoverReceiptPayload.model_validate(done.payload)
    where = "流出地社区" if in_network else f"外地（{rt.state.origin_address or '流出地'}）"
    rt.event("handed_over", f"{where}已接收（{receipt.relationship}），交接日期{receipt.received_on}",
             actor=done.actor.username)
    if not in_network:
        rt.event("follow_up_elsewhere", "流出地不在本市救助网络内，随访由流出地负责")
        return
    assert rt.state.origin_node_id is not None
    if rt.patched(PATCH_HANDOVER_CLOSES_WHILE_STARTING):
        # The follow-up's start goes out with the closing sync (the lifecycle waits for it
        # after that sync): the completion is answered once both are done, one round trip
        # sooner than one after the other.
        rt.event("follow_up_handed", "已交由流出地社区跟踪随访")
        rt.in_flight += 1  # now, before the task first runs: no completion answers in between
        rt.closing_with = asyncio.create_task(_released(rt, _start_follow_up(rt)))
        return
    # Counted as under way, the start keeps the completion waiting until the closing sync
    # (which the lifecycle starts at once) is done: the case is answered closed, on record.
    hold = rt.patched(PATCH_HANDOVER_ANSWERS_CLOSED)
    rt.in_flight += hold
    try:
        await _start_follow_up(rt)
    finally:
        rt.in_flight -= hold
    rt.event("follow_up_handed", "已交由流出地社区跟踪随访")


async def _released(rt: CaseRuntime, step: Coroutine[Any, Any, None]) -> None:
    """Run ``step``, counted as under way by the caller (a completion waits for it) until done."""
    try:
        await step
    finally:
        rt.in_flight -= 1


async def _start_follow_up(rt: CaseRuntime) -> None:
    assert rt.state.origin_node_id is not None
    await workflow.start_child_workflow(
        FollowUpWorkflow.run,
        FollowUpInput(case_id=rt.state.case_id, case_number=rt.state.case_number,
                      community_node_id=rt.state.origin_node_id,
                      station_node_id=rt.state.station_node_id, person_name=rt.state.person.name,
                      id_number=rt.state.person.id_number, policy=rt.policy,
                      last_family_contact_at=workflow.now(), logic=rt.logic),
        id=follow_up_workflow_id(rt.state.case_number),
        parent_close_policy=ParentClosePolicy.ABANDON,
    )


async def _hand_over_elsewhere(rt: CaseRuntime) -> None:
    """Home lies outside the city's network: the station hands the person over to the
    receiving city's rescue station or civil-affairs office (who, when, receipt), sends them
    the follow-up request on record, and the case ends only once they acknowledged it."""
    caseworker = Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER)
    ticket = rt.state.ticket
    done = await rt.task(TaskKind.REMOTE_HANDOVER, caseworker,
                         destination=ticket.destination if ticket else None,
                         travel_date=ticket.travel_date if ticket else None,
                         origin_address=rt.state.origin_address)
    receipt = RemoteHandoverPayload.model_validate(done.payload)
    rt.event("handed_over", f"已移交{receipt.receiving_agency}（接收人{receipt.received_by}，"
             f"{receipt.received_on}" + (f"，回执{receipt.receipt_number}" if receipt.receipt_number else "") + "）",
             actor=done.actor.username)
    rt.state.follow_up_by = receipt.receiving_agency
    request = ExternalFollowUp(
        request_id=f"{rt.state.case_number}:follow-up", case_id=rt.state.case_id,
        receiving_agency=receipt.receiving_agency, contact=receipt.contact,
        message=(f"个案{rt.state.case_number}的受助人员已于{receipt.received_on}移交贵单位，"
                 f"请按规定开展跟踪随访，并回复确认。"),
        requested_at=workflow.now())
    await rt.store(RECORD_EXTERNAL_FOLLOW_UP, request)
    rt.event("follow_up_requested", f"已向{receipt.receiving_agency}发出跟踪随访请求（已存档），等待确认")
    await rt.sync()
    ack = await rt.task(TaskKind.FOLLOW_UP_CONFIRMATION, caseworker,
                        receiving_agency=receipt.receiving_agency, contact=receipt.contact)
    confirmed = FollowUpConfirmationPayload.model_validate(ack.payload)
    await rt.store(RECORD_EXTERNAL_FOLLOW_UP, request.model_copy(update={
        "acknowledged_at": workflow.now(), "acknowledged_by": confirmed.acknowledged_by}))
    rt.state.follow_up_acknowledged = True
    rt.event("follow_up_acknowledged",
             f"{receipt.receiving_agency}已确认负责跟踪随访（{confirmed.acknowledged_by}，{confirmed.how}）",
             actor=ack.actor.username)
    await rt.sync()
