"""Admission (入站登记、甄别分类): register, classify, take fingerprints and a photo on
record, and link earlier cases of the person."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import FIND_PREVIOUS_CASES, PreviousCases, PreviousCasesQuery
    from domain.classification import classify, is_minor
    from domain.enums import CaseOutcome, Role, Stage, TaskKind, label
    from domain.person import PersonSummary
    from domain.tasks import Assignee, RegistrationPayload
    from workflows.case_runtime import CaseRuntime
    from workflows.discovery import is_guided
    from workflows.identity_rounds import PATCH_FEATURES_SEARCH, take_at_admission

PATCH_ADMISSION_ONE_SYNC = "admission-one-sync"
"""The registration's completion goes to the read model with the identity search's start (one
activity less before the police lookup); cases from before synced it on its own first."""


async def admit(rt: CaseRuntime) -> bool:
    """The registration task; for a guided adult it is also the arrival, and expires if they
    never come (the case then closes with a record). True when the person was admitted."""
    report = rt.input.report
    rt.set_stage(Stage.ADMISSION)
    guided = is_guided(rt)
    task = await rt.open_task(
        TaskKind.REGISTRATION, Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER),
        deadline=rt.policy.guided_arrival_wait if guided else None,
        channel=report.channel.value, place=report.place, apparent_minor=report.apparent_minor,
        condition=report.effective_condition().value, guided=guided)
    done = await rt.await_task(task, expire=guided,
                               sync=not rt.patched(PATCH_ADMISSION_ONE_SYNC))
    if done is None:
        if guided:
            rt.event("never_arrived", "经引导后未到站，个案终止（已记录）")
            rt.end(CaseOutcome.NEVER_ARRIVED)
        return False
    reg = RegistrationPayload.model_validate(done.payload)
    today = rt.policy.local_date(workflow.now())
    person = reg.person
    if not person.name and report.person_name:
        person = person.model_copy(update={"name": report.person_name})
    rt.person = person
    rt.state.classification = classify(person, reg.classification, today, rt.policy)
    minor = is_minor(person, today, rt.policy)
    rt.state.person = PersonSummary(name=person.name, sex=person.sex, age=person.age_on(today),
                                    is_minor=minor, id_number=person.id_number)
    rt.state.identity_known = person.id_number is not None
    rt.event("registered",
             f"入站登记完成，实行{label(rt.state.classification)}" + ("（未成年人）" if minor else ""),
             actor=done.actor.username, classification=rt.state.classification.value, minor=minor)
    if rt.patched(PATCH_FEATURES_SEARCH):
        take_at_admission(rt, reg)  # fingerprints, photo and marks, for the search by features
    await link_previous_cases(rt)
    return True


async def link_previous_cases(rt: CaseRuntime) -> None:
    """Re-entry: a person already known (same identity number, or name and birth date)."""
    person = rt.person
    if person is None or not (person.id_number or (person.name and person.known_birth_date())):
        return
    found = await rt.store(
        FIND_PREVIOUS_CASES,
        PreviousCasesQuery(case_id=rt.state.case_id, id_number=person.id_number, name=person.name,
                           birth_date=person.known_birth_date()),
        PreviousCases)
    new = [n for n in found.case_numbers if n not in rt.state.previous_cases]
    if new:
        rt.state.previous_cases.extend(new)
        rt.event("re_entry", f"曾受助：与既往个案{'、'.join(new)}关联", previous_cases=new)
