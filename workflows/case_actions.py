"""What staff may do to a case at any time (updates) and what agencies tell it (signals):
the rules that allow each, and the record each leaves."""

from __future__ import annotations

from datetime import timedelta, timezone

from pydantic import ValidationError
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.callbacks import DnaResult
    from domain.case_actions import (
        ACTION_INVALID,
        BehaviourReferralInput,
        CareRecordInput,
        DeathInput,
        DepartureInput,
        IdentityCorrectionInput,
        ReclassifyInput,
        TransferInput,
        TreatmentRequestInput,
    )
    from domain.child_flows import TreatmentDischarged
    from domain.classification import ClassificationError, classify, is_minor
    from domain.enums import CareService, CaseOutcome, Classification, Role, label
    from domain.missing_match import FamilySearchMatch
    from domain.person import PersonDetails
    from domain.plausible import CLOCK_SKEW
    from domain.tasks import Actor
    from workflows import search_attributes as sa
    from workflows.case_runtime import ACTION_REFUSED, CaseRuntime

STATION_STAFF = frozenset({Role.CASEWORKER, Role.STATION_HEAD})


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, type=ACTION_REFUSED)


def check_staff(rt: CaseRuntime, actor: Actor) -> None:
    """Only the responsible station's caseworkers and head act on the case."""
    if actor.role not in STATION_STAFF or actor.node_id != rt.state.station_node_id:
        raise _refuse("只有负责本个案的救助站工作人员可以办理")
    if rt.ending is not None or rt.state.outcome is not None:
        raise _refuse("个案已终止，不能再办理")


def validate_departure(rt: CaseRuntime, inp: DepartureInput) -> None:
    check_staff(rt, inp.actor)
    if rt.state.classification == Classification.PROTECTIVE:
        raise _refuse("保护性救助人员不能自行离站，只能交由监护人或有关机构接领")


def apply_departure(rt: CaseRuntime, inp: DepartureInput) -> None:
    how = "已签署自行离站声明书" if inp.declaration_signed else "未办理手续离站，视为放弃救助"
    fare = f"，发放短途路费{inp.fare_fen // 100}.{inp.fare_fen % 100:02d}元" if inp.fare_fen else ""
    rt.event("left", f"自行离站：{how}{fare}", actor=inp.actor.username, fare_fen=inp.fare_fen)
    rt.end(CaseOutcome.LEFT_VOLUNTARILY)


def validate_death(rt: CaseRuntime, inp: DeathInput) -> None:
    """A death is recorded by the station, at a moment between the finding and now."""
    check_staff(rt, inp.actor)
    local = timezone(timedelta(hours=rt.policy.utc_offset_hours))
    died = inp.died_at if inp.died_at.tzinfo else inp.died_at.replace(tzinfo=local)
    if died > workflow.now() + CLOCK_SKEW:
        raise ApplicationError("死亡时间不能晚于当前时间，请核对", type=ACTION_INVALID)
    found = rt.input.report.found_at
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=local)
    known = [t for t in (found, rt.state.opened_at) if t is not None]
    if known and died < min(known):
        shown = min(known).astimezone(local).strftime("%Y-%m-%d %H:%M")
        raise ApplicationError(f"死亡时间不能早于发现或报告时间（{shown}），请核对", type=ACTION_INVALID)


def apply_death(rt: CaseRuntime, inp: DeathInput) -> None:
    police = "已报告公安机关" if inp.police_notified else "尚未报告公安机关"
    rt.event("died", f"受助人员死亡（{inp.place}），原因：{inp.cause}；{police}；已制作终止救助通知书",
             actor=inp.actor.username, died_at=inp.died_at.isoformat())
    rt.end(CaseOutcome.DIED)


def validate_reclassify(rt: CaseRuntime, inp: ReclassifyInput) -> None:
    check_staff(rt, inp.actor)
    if rt.person is None:
        raise _refuse("尚未入站登记，不能重新甄别")
    try:
        classify(rt.person, inp.classification, rt.policy.local_date(workflow.now()), rt.policy)
    except ClassificationError as exc:
        raise _refuse(str(exc)) from None


def apply_reclassify(rt: CaseRuntime, inp: ReclassifyInput) -> None:
    old = rt.state.classification
    rt.state.classification = inp.classification
    rt.event("reclassified", f"重新甄别：{label(old) if old else '未分类'} → {label(inp.classification)}（{inp.reason}）",
             actor=inp.actor.username)
    workflow.upsert_search_attributes([sa.CLASSIFICATION.value_set(inp.classification.value)])


def validate_transfer(rt: CaseRuntime, inp: TransferInput) -> None:
    check_staff(rt, inp.actor)
    if bool(inp.to_station_node_id) == bool(inp.to_external_station):
        raise _refuse("请填写转入的本市救助站或外地救助站（二选一）")
    if inp.to_station_node_id == rt.state.station_node_id:
        raise _refuse("转入站与当前救助站相同")


def apply_transfer(rt: CaseRuntime, inp: TransferInput) -> None:
    if inp.to_external_station:
        rt.event("transferred_out", f"转外地救助站：{inp.to_external_station}（{inp.reason}）",
                 actor=inp.actor.username)
        rt.end(CaseOutcome.TRANSFERRED_OUT)
        return
    assert inp.to_station_node_id is not None
    old = rt.state.station_node_id
    rt.state.station_node_id = inp.to_station_node_id
    for task in rt.open_tasks():  # the old station's open tasks go with the case (synced by the caller)
        if task.assignee.node_id == old:
            task.assignee = task.assignee.model_copy(update={"node_id": inp.to_station_node_id})
    rt.event("transferred", f"个案转至{inp.to_station_node_id}（{inp.reason}），历史记录随案转移",
             actor=inp.actor.username, from_station=old, to_station=inp.to_station_node_id)
    workflow.upsert_search_attributes([sa.NODE.value_set(inp.to_station_node_id)])


def validate_care(rt: CaseRuntime, inp: CareRecordInput) -> None:
    check_staff(rt, inp.actor)
    if inp.service == CareService.SKILLS_TRAINING:
        age = rt.state.person.age
        if not rt.state.person.is_minor or age is None or age < 14:
            raise _refuse("技能培训面向14周岁以上的未成年人")


def apply_care(rt: CaseRuntime, inp: CareRecordInput) -> None:
    rt.event("care", f"站内服务：{label(inp.service)}" + (f"（{inp.notes}）" if inp.notes else ""),
             actor=inp.actor.username, service=inp.service.value)


def apply_referral(rt: CaseRuntime, inp: BehaviourReferralInput) -> None:
    to = "公安机关" if inp.referred_to == "police" else "城管部门"
    rt.event("behaviour_referred", f"行为“{inp.behaviour}”已移交{to}处理（仅记录）",
             actor=inp.actor.username, agency=inp.referred_to)


def validate_treatment(rt: CaseRuntime, inp: TreatmentRequestInput) -> None:
    check_staff(rt, inp.actor)
    if rt.state.in_hospital:
        raise _refuse("受助人员正在住院救治")


PATCH_DNA_SAMPLE_CHECKED = "dna-sample-checked"
"""A DNA match counts only for a sample the case submitted (cases from before took any)."""


def on_dna_result(rt: CaseRuntime, result: DnaResult) -> None:
    """A DNA comparison: a match waits for family verification; a duplicate changes nothing."""
    if result.callback_id in rt._seen_callbacks:
        return
    rt._seen_callbacks.add(result.callback_id)
    if (result.matched and result.sample_id not in rt.dna_samples
            and rt.patched(PATCH_DNA_SAMPLE_CHECKED)):
        # A match for a sample this case never sent would send a caseworker to a family
        # nobody found: recorded, nothing else.
        rt.event("dna_result_rejected", "收到的DNA比对结果不属于本个案送检的样本，未采用", agency="police")
        return
    if result.matched and result.record is not None:
        if rt.state.identity_known:
            rt.event("dna_match_late", "DNA比对成功（身份已查明，仅记录）", agency="police")
            return
        rt.dna_matches.append(result.record)
        rt.event("dna_matched", "DNA比对成功，待联系核实家属", agency="police", sample_id=result.sample_id)
    else:
        rt.event("dna_no_match", "DNA比对暂无匹配，继续寻亲", agency="police", sample_id=result.sample_id)


def on_family_search_match(rt: CaseRuntime, match: FamilySearchMatch) -> None:
    """A report likely about this person waits for family verification (once per report)."""
    if rt.state.identity_known or match.report_id in {m.report_id for m in rt.family_matches}:
        return
    rt.family_matches.append(match)
    rt.event("family_search_matched", f"寻人登记{match.report_number}与本人高度相似，待联系登记的家属核实",
             report_number=match.report_number)


def on_discharged(rt: CaseRuntime, discharged: TreatmentDischarged) -> None:
    if discharged.episode in rt.discharges:
        return
    rt.discharges[discharged.episode] = discharged
    rt.state.in_hospital = False
    if discharged.outcome.value == "not_admitted":
        rt.event("not_admitted", "定点医院未收治，请救助站另行安排救治", agency="hospital")
    elif discharged.outcome.value == "died":
        rt.event("died", "受助人员在院死亡（医院通知），已制作终止救助通知书", agency="hospital")
        rt.end(CaseOutcome.DIED)
    else:
        rt.event("back_from_hospital", f"第{discharged.episode}次救治结束，出院", agency="hospital")


_FIELDS = {"name": "姓名", "id_number": "身份证号码", "birth_date": "出生日期", "origin_address": "户籍地"}


def corrected_person(rt: CaseRuntime, inp: IdentityCorrectionInput) -> PersonDetails:
    """The registration record with the correction applied, checked like a registration."""
    if rt.person is None:
        raise _refuse("尚未入站登记：请在入站登记任务中填写身份信息")
    if not inp.changed():
        raise _refuse("请填写要补充或更正的内容")
    update = {k: getattr(inp, k) for k in ("name", "id_number", "birth_date") if getattr(inp, k)}
    try:  # the registration's own checks: a valid number, a birth date that agrees with it
        return PersonDetails.model_validate({**rt.person.model_dump(), **update})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise _refuse(str(first["msg"]).removeprefix("Value error, ")) from None


def validate_identity_correction(rt: CaseRuntime, inp: IdentityCorrectionInput) -> None:
    check_staff(rt, inp.actor)
    corrected_person(rt, inp)


def apply_identity_correction(rt: CaseRuntime, inp: IdentityCorrectionInput) -> None:
    """The person's record changes (the read model follows with the next sync); a minor by the
    new age becomes protective rescue; the household lookup runs again if asked."""
    person = corrected_person(rt, inp)
    rt.person = person
    today = rt.policy.local_date(workflow.now())
    minor = is_minor(person, today, rt.policy)
    rt.state.person.name = person.name
    rt.state.person.id_number = person.id_number
    rt.state.person.age = person.age_on(today)
    rt.state.person.is_minor = minor
    if inp.origin_address:
        rt.state.origin_address = inp.origin_address
        rt.state.person.household_address = inp.origin_address
    what = "、".join(_FIELDS[f] for f in inp.changed())
    rt.event("identity_corrected", f"更正身份信息：{what}（{inp.reason}）", actor=inp.actor.username,
             fields=inp.changed())
    required = Classification.PROTECTIVE if minor or not person.has_civil_capacity else None
    if required is not None and rt.state.classification not in (None, required):
        rt.state.classification = required
        rt.event("reclassified", "按更正后的年龄为未成年人，改为保护性救助", actor=inp.actor.username)
        workflow.upsert_search_attributes([sa.CLASSIFICATION.value_set(required.value)])
    if not inp.lookup_again:
        return
    if rt.search is not None:
        rt.lookup_now = True  # the identity search looks the household up again at once
        rt.event("lookup_requested", "已按更正后的信息重新申请公安户籍查询", actor=inp.actor.username)
    else:
        rt.event("lookup_not_needed", "身份已查明或不在寻亲阶段，未重新查询", actor=inp.actor.username)
