"""Return home (返乡): the station issues a voucher, transport exchanges it for a ticket."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from rescue.domain.agencies import AGENCY_REFUSED, EXCHANGE_TICKET, TicketExchangeInput
    from rescue.domain.case import TicketInfo
    from rescue.domain.enums import Role, Stage, TaskKind
    from rescue.domain.tasks import Assignee, TicketVoucherPayload
    from rescue.workflows.case_runtime import CaseRuntime


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
