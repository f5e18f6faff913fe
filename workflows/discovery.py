"""Discovery (发现): guide an able adult, escort the vulnerable, call the hospital for the
critically ill, hand a harmful psychiatric patient to police and hospital."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        REGISTER_PSYCHIATRIC_PATIENT,
        REQUEST_EMERGENCY_PICKUP,
        EmergencyPickup,
        EmergencyPickupInput,
        PsychiatricRegistration,
        PsychiatricRegistrationInput,
    )
    from domain.enums import (
        DiscoveryChannel,
        DiscoveryCondition,
        Role,
        Stage,
        TaskKind,
        label,
    )
    from domain.tasks import Assignee, EscortPayload, PsychiatricEscortPayload
    from workflows.case_runtime import CaseRuntime
    from workflows.treatment import treat

ESCORTED = frozenset({DiscoveryCondition.MINOR, DiscoveryCondition.ELDERLY,
                      DiscoveryCondition.DISABLED, DiscoveryCondition.LIMITED_MOBILITY})
AT_THE_STATION_TOO = frozenset({DiscoveryCondition.CRITICALLY_ILL,
                                DiscoveryCondition.PSYCHIATRIC_RISK})
"""Conditions whose discovery steps apply to a walk-in too (the others bring the person in)."""
PATCH_WALK_IN_CONDITIONS = "walk-in-conditions"
"""Walk-ins skipped discovery whatever their condition before."""


def is_guided(rt: CaseRuntime) -> bool:
    """An able adult not already at the station is told the way and expected to come."""
    report = rt.input.report
    return (report.effective_condition() == DiscoveryCondition.ABLE_ADULT
            and report.channel != DiscoveryChannel.WALK_IN)


async def discover(rt: CaseRuntime) -> None:
    """Bring the person to the station (or to hospital first); returns when they are there.

    A guided adult's arrival is the registration itself (see admission): nothing waits here.
    """
    report = rt.input.report
    condition = report.effective_condition()
    if report.channel == DiscoveryChannel.WALK_IN:
        # At the station already: nobody needs bringing, but a critically ill person still
        # gets the hospital and a psychiatric patient who may cause harm still the police.
        if condition not in AT_THE_STATION_TOO or not rt.patched(PATCH_WALK_IN_CONDITIONS):
            return
    rt.set_stage(Stage.DISCOVERY)
    if condition == DiscoveryCondition.ABLE_ADULT:
        rt.event("guided", "已告知救助站地址和电话，引导其自行前往救助站")
        await rt.sync()
        return
    police = Assignee(node_id=rt.input.agencies.police, role=Role.POLICE)
    if condition in ESCORTED:
        done = await rt.task(TaskKind.ESCORT, police, place=report.place, condition=condition.value,
                             condition_label=label(condition))
        escort = EscortPayload.model_validate(done.payload)
        rt.event("escorted", f"{escort.escorted_by}护送到站，交接给{escort.handed_to}",
                 actor=done.actor.username, agency="police")
        return
    if condition == DiscoveryCondition.CRITICALLY_ILL:
        pickup = await rt.call(
            REQUEST_EMERGENCY_PICKUP,
            EmergencyPickupInput(case_number=rt.state.case_number,
                                 request_id=f"{rt.state.case_number}:pickup", place=report.place,
                                 condition=report.description or "危重病人"),
            EmergencyPickup)
        if pickup is None:
            # The hospital cannot come: police bring the person to hospital instead.
            done = await rt.task(TaskKind.ESCORT, police, place=report.place,
                                 condition=condition.value, condition_label=label(condition),
                                 destination="定点医院")
            rt.event("escorted", "公安护送至定点医院", actor=done.actor.username, agency="police")
        else:
            rt.event("emergency_pickup", f"已通知定点医院前往救治（预计{pickup.eta_minutes}分钟到达）",
                     agency="hospital", pickup_ref=pickup.pickup_ref)
        await rt.sync()
        await treat(rt, reason=report.description or "危重病人现场救治", wait_discharge=True)
        return
    # A psychiatric patient who may cause harm: police take them for diagnosis and treatment.
    done = await rt.task(TaskKind.PSYCHIATRIC_ESCORT, police, place=report.place)
    escort = PsychiatricEscortPayload.model_validate(done.payload)
    registration = await rt.call(
        REGISTER_PSYCHIATRIC_PATIENT,
        PsychiatricRegistrationInput(case_number=rt.state.case_number,
                                     registration_id=f"{rt.state.case_number}:psychiatric",
                                     name=report.person_name, risk_summary=escort.risk_summary),
        PsychiatricRegistration)
    if registration is not None:
        rt.event("psychiatric_registered", "公安已送医诊断并录入精神障碍患者信息", agency="police",
                 actor=done.actor.username, registry_number=registration.registry_number)
    await rt.sync()
    await treat(rt, reason="精神障碍诊断治疗", wait_discharge=True)
