"""One round of the identity search (身源查询): the household lookup by name or identity
number, and the search by features (按体貌特征比对) — what admission took (fingerprints, the
photo, marks) with the person's sex, apparent age and the place found — when that finds nothing;
the identity confirmation task says what was searched and what came back (the case's own data
only: never a candidate's)."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        LOOKUP_HOUSEHOLD,
        SEARCH_BY_FEATURES,
        FeatureSearchInput,
        FeatureSearchResult,
        HouseholdLookupInput,
        HouseholdLookupResult,
        HouseholdRecord,
    )
    from domain.enums import label
    from domain.features import Feature, PersonFeatures
    from domain.tasks import RegistrationPayload
    from workflows.case_runtime import CaseRuntime

PATCH_FEATURES_SEARCH = "features-search"
"""Cases from before looked a person up by name or identity number only (one with neither was
never searched), took no fingerprints or photo on record, and their identity confirmation
task said nothing of what had been searched."""

NO_IDENTIFIERS = "no_identifiers"
"""Reason of the confirmation task: no name or identity number, so no household lookup."""
HOUSEHOLD_NOT_FOUND = "household_not_found"
"""Reason of the confirmation task: the household lookup found nothing."""


async def search_round(
    rt: CaseRuntime, attempt: int,
) -> tuple[tuple[HouseholdRecord, str | None] | None, dict[str, Any]]:
    """One round: the household lookup when the person gave a name or an identity number,
    then the search by features. The record found and how (None: by the household lookup,
    an exact match), and what the confirmation task says of the round."""
    person = rt.person
    assert person is not None
    named = bool(person.name or person.id_number)
    record = await household_lookup(rt, attempt) if named else None
    if record is not None:
        return (record, None), {}
    found, context = await search_by_features(rt, attempt, named=named)
    return found, context


async def household_lookup(rt: CaseRuntime, attempt: int) -> HouseholdRecord | None:
    """The household lookup by name or identity number (none without either)."""
    person = rt.person
    assert person is not None
    if not (person.name or person.id_number):
        return None
    result = await rt.call(LOOKUP_HOUSEHOLD, HouseholdLookupInput(
        case_id=rt.state.case_id, request_id=f"{rt.state.case_number}:household:{attempt}",
        name=person.name, id_number=person.id_number, birth_date=person.known_birth_date(),
        sex=person.sex), HouseholdLookupResult)
    if result is None:
        return None  # refused: recorded on the timeline; the search goes on
    if not result.found or result.record is None:
        rt.event("identity_not_found", f"公安户籍查询（第{attempt}次）：未查到匹配的户籍信息", agency="police")
        return None
    return result.record


def take_at_admission(rt: CaseRuntime, reg: RegistrationPayload) -> None:
    """Keep what admission took for the search, and put on record what was (not) taken."""
    rt.features = PersonFeatures(
        fingerprints_taken=reg.fingerprints_taken or bool(reg.fingerprint_code),
        fingerprint_code=reg.fingerprint_code.upper() if reg.fingerprint_code else None,
        photo_ref=reg.photo_id, marks=reg.marks)
    f = rt.features
    taken = [text for done, text in (
        (f.fingerprints_taken, "采集指纹" + ("（指纹编码已录入）" if f.fingerprint_code else "")),
        (f.photo_ref is not None, "拍摄入站照片"), (bool(f.marks), "记录体貌特征")) if done]
    missing = [text for done, text in ((f.fingerprints_taken, "指纹"), (f.photo_ref is not None, "照片"))
               if not done]
    summary = "入站采集：" + ("、".join(taken) if taken else "无")
    if missing:
        summary += f"；未采集{'和'.join(missing)}（按规定入站时应采集）"
    rt.event("features_taken", summary, fingerprints=f.fingerprints_taken,
             photo=f.photo_ref is not None, marks=bool(f.marks))


def _features(rt: CaseRuntime) -> PersonFeatures:
    search = rt.search
    if search is not None and search.features is not None:
        return search.features
    return rt.features or PersonFeatures()


def _apparent_age(rt: CaseRuntime) -> int:
    """Age now: from the birth date, else the admission's estimate plus the years since."""
    person = rt.person
    assert person is not None
    today = rt.policy.local_date(workflow.now())
    if person.known_birth_date() is not None:
        return person.age_on(today)
    opened = rt.policy.local_date(rt.state.opened_at or workflow.now())
    return person.age_on(today) + max((today - opened).days // 365, 0)


def _labels(features: list[Feature]) -> str:
    return "、".join(label(f) for f in features)


async def search_by_features(
    rt: CaseRuntime, attempt: int, *, named: bool,
) -> tuple[tuple[HouseholdRecord, str] | None, dict[str, Any]]:
    """One search by features: the candidate and how it was found (or None), and the
    confirmation task's context saying what was searched and what came back."""
    person = rt.person
    assert person is not None
    features = _features(rt)
    search = rt.search
    result: FeatureSearchResult | None = await rt.call(SEARCH_BY_FEATURES, FeatureSearchInput(
        case_id=rt.state.case_id, request_id=f"{rt.state.case_number}:features:{attempt}",
        sex=person.sex, apparent_age=_apparent_age(rt), place_found=rt.input.report.place,
        fingerprint_code=features.fingerprint_code, photo_ref=features.photo_ref,
        marks=features.marks, excluded_id_numbers=list(search.ruled_out) if search else []),
        FeatureSearchResult)
    now = workflow.now()
    sent = [Feature.FINGERPRINT] if features.fingerprint_code else []
    sent += [Feature.SEX, Feature.AGE, Feature.PLACE]
    sent += [Feature.PHOTO] if features.photo_ref else []
    sent += [Feature.MARKS] if features.marks else []
    searched = ["户籍查询（姓名、身份证号码）"] if named else []
    searched.append(f"特征比对（{_labels(sent)}）")
    found: tuple[HouseholdRecord, str] | None = None
    if result is None:
        outcome = f"公安系统拒绝了特征比对：{rt.last_refusal or '未说明原因'}"
    else:
        outcome, found = _outcome(rt, attempt, result, features)
    context = {
        "reason": HOUSEHOLD_NOT_FOUND if named else NO_IDENTIFIERS, "searches": attempt,
        "searched": searched, "search_result": outcome, "last_search_at": now.isoformat(),
        "next_search_at": (now + rt.policy.identity_search_interval).isoformat(),
    }
    return found, context


def _outcome(rt: CaseRuntime, attempt: int, result: FeatureSearchResult,
             features: PersonFeatures) -> tuple[str, tuple[HouseholdRecord, str] | None]:
    compared = _labels(result.compared) or "无"
    unseen = "；入站照片已送公安，公安系统未作人像比对" if (
        features.photo_ref and Feature.PHOTO not in result.compared) else ""
    if result.matched and result.match is not None:
        basis = _labels(result.match.basis)
        rt.event("features_matched",
                 f"公安特征比对（第{attempt}次）：{basis}相符，找到一名疑似人员，待联系核实家属",
                 agency="police", basis=[f.value for f in result.match.basis])
        return (f"{basis}相符，找到一名疑似人员，正在联系核实家属",
                (result.match.record, f"公安特征比对：{basis}相符，找到疑似户籍"))
    similar = f"，有{result.similar}名相似人员无法确定" if result.similar > 1 else ""
    rt.event("features_not_found",
             f"公安特征比对（第{attempt}次）：比对了{compared}，未比中{similar}{unseen}",
             agency="police", compared=[f.value for f in result.compared])
    return f"比对了{compared}，未比中{similar}{unseen}", None


def note_round(rt: CaseRuntime, context: dict[str, Any]) -> None:
    """Put a later round's outcome on the open identity confirmation task."""
    search = rt.search
    task = rt._open.get(search.confirmation_task_id or "") if search else None
    if task is not None:
        task.context = {**task.context, **context}

