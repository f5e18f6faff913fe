"""Identity search (身源查询): police household lookup, or the caseworker records the origin."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from rescue.domain.agencies import (
        AGENCY_REFUSED,
        LOOKUP_HOUSEHOLD,
        HouseholdLookupInput,
        HouseholdLookupResult,
    )
    from rescue.domain.enums import Role, Stage, TaskKind
    from rescue.domain.tasks import Assignee, IdentityConfirmationPayload
    from rescue.workflows.case_runtime import CaseRuntime


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
