"""Admission and registration (入站登记、甄别分类): the station records the person and classifies."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from rescue.domain.classification import classify, is_minor
    from rescue.domain.enums import Role, Stage, TaskKind, label
    from rescue.domain.person import PersonSummary
    from rescue.domain.tasks import Assignee, RegistrationPayload
    from rescue.workflows.case_runtime import CaseRuntime


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
