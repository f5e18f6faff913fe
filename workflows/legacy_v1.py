"""The foundation's linear case path (v1), frozen: cases started before the lifecycle v2
replay through it. Do not change what it does; remove it once no v1 case runs.

report → registration → household lookup (or origin recorded by the caseworker) → voucher and
ticket → handover → a fixed number of follow-up visits → closed.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        AGENCY_REFUSED,
        EXCHANGE_TICKET,
        LOOKUP_HOUSEHOLD,
        HouseholdLookupInput,
        HouseholdLookupResult,
        TicketExchangeInput,
    )
    from domain.case import TicketInfo
    from domain.classification import classify, is_minor
    from domain.enums import Role, Stage, TaskKind, label
    from domain.person import PersonSummary
    from domain.tasks import (
        Assignee,
        FollowUpVisitPayload,
        HandoverReceiptPayload,
        IdentityConfirmationPayload,
        RegistrationPayload,
        TicketVoucherPayload,
    )
    from workflows.case_runtime import CaseRuntime


async def run_v1(rt: CaseRuntime) -> None:
    """The whole v1 path after the "reported" event."""
    await admit(rt)
    await search_identity(rt)
    await send_home(rt)
    await hand_over(rt)
    await follow_up(rt)


async def admit(rt: CaseRuntime) -> None:
    """Open the registration task for the station caseworker and apply its classification."""
    report = rt.input.report
    rt.set_stage(Stage.ADMISSION)
    done = await rt.task(
        TaskKind.REGISTRATION,
        Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER),
        channel=report.channel.value,
        place=report.place,
        apparent_minor=report.apparent_minor,
    )
    reg = RegistrationPayload.model_validate(done.payload)
    today = rt.policy.local_date(workflow.now())
    person = reg.person
    if not person.name and report.person_name:
        person = person.model_copy(update={"name": report.person_name})
    rt.person = person
    rt.state.classification = classify(person, reg.classification, today, rt.policy)
    minor = is_minor(person, today, rt.policy)
    rt.state.person = PersonSummary(
        name=person.name,
        sex=person.sex,
        age=person.age_on(today),
        is_minor=minor,
        id_number=person.id_number,
    )
    rt.event(
        "registered",
        f"入站登记完成，实行{label(rt.state.classification)}" + ("（未成年人）" if minor else ""),
        actor=done.actor.username,
        classification=rt.state.classification.value,
        minor=minor,
    )


async def search_identity(rt: CaseRuntime) -> None:
    """Find the person's household registration and origin community; never leave it open."""
    rt.set_stage(Stage.IDENTITY_SEARCH)
    await rt.sync()
    person = rt.person
    assert person is not None
    request = HouseholdLookupInput(
        case_id=rt.state.case_id,
        request_id=f"{rt.state.case_number}:household:1",
        name=person.name,
        id_number=person.id_number,
        birth_date=person.known_birth_date(),
        sex=person.sex,
    )
    result: HouseholdLookupResult | None = None
    if person.name or person.id_number:
        try:
            result = await workflow.execute_activity(
                LOOKUP_HOUSEHOLD, request, result_type=HouseholdLookupResult, **rt.agency_call()
            )
        except ActivityError as exc:
            if not (isinstance(exc.cause, ApplicationError) and exc.cause.type == AGENCY_REFUSED):
                raise
            rt.event("identity_refused", f"公安户籍查询被拒绝：{exc.cause.message}", agency="police")
    if result is not None and result.found and result.record is not None:
        record = result.record
        rt.state.person.id_number = record.id_number
        rt.state.person.household_address = record.household_address
        rt.state.origin_node_id = record.community_node_id
        rt.state.origin_address = record.household_address
        rt.person = person.model_copy(update={"id_number": record.id_number, "name": record.name})
        rt.state.person.name = record.name
        rt.event("identity_found", "公安户籍查询：已查到户籍信息", agency="police",
                 origin_node_id=record.community_node_id)
        return
    if result is not None:
        rt.event("identity_not_found", "公安户籍查询：未查到匹配的户籍信息", agency="police")
    done = await rt.task(
        TaskKind.IDENTITY_CONFIRMATION,
        Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER),
        reason="police_lookup_without_result",
    )
    confirmation = IdentityConfirmationPayload.model_validate(done.payload)
    rt.state.origin_node_id = confirmation.origin_node_id
    rt.state.origin_address = confirmation.origin_address
    rt.state.person.household_address = confirmation.origin_address
    rt.event("identity_confirmed", "工作人员确认了流出地", actor=done.actor.username,
             origin_node_id=confirmation.origin_node_id)


async def send_home(rt: CaseRuntime) -> None:
    """Voucher task, then the ticket exchange; a refused voucher opens a new voucher task."""
    rt.set_stage(Stage.RETURN_HOME)
    refusal: str | None = None
    attempt = 0
    while True:
        attempt += 1
        done = await rt.task(
            TaskKind.TICKET_VOUCHER,
            Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER),
            origin_address=rt.state.origin_address,
            previous_refusal=refusal,
        )
        voucher = TicketVoucherPayload.model_validate(done.payload)
        voucher_number = f"HP{rt.state.case_number}-{attempt}"
        rt.event("voucher_issued", f"开具换票凭证 {voucher_number}，目的地{voucher.destination}",
                 actor=done.actor.username, voucher_number=voucher_number)
        request = TicketExchangeInput(
            case_id=rt.state.case_id,
            voucher_number=voucher_number,
            passenger_name=rt.state.person.name,
            destination=voucher.destination,
            travel_date=voucher.travel_date,
        )
        try:
            ticket = await workflow.execute_activity(
                EXCHANGE_TICKET, request, result_type=TicketInfo, **rt.agency_call()
            )
        except ActivityError as exc:
            if not (isinstance(exc.cause, ApplicationError) and exc.cause.type == AGENCY_REFUSED):
                raise
            refusal = exc.cause.message
            rt.event("ticket_refused", f"车站拒绝换票：{refusal}", agency="transport")
            continue
        rt.state.ticket = ticket
        rt.event("ticket_exchanged",
                 f"绿色通道换票成功：{ticket.train or ''} 车票 {ticket.ticket_number}，{ticket.travel_date}",
                 agency="transport", ticket_number=ticket.ticket_number)
        return


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
