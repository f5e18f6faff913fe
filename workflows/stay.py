"""The stay and the identity search (身源查询、寻亲): household lookups at intervals, the
family-search notice, the DNA of every minor, verification of a found family, and long-term
stay placement when the stay limit passes without identity."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        PUBLISH_FAMILY_SEARCH_NOTICE,
        SUBMIT_DNA_SAMPLE,
        DnaSampleInput,
        DnaSubmission,
        FamilySearchNotice,
        HouseholdRecord,
    )
    from domain.case import IdentitySearchCarry
    from domain.enums import Role, Stage, TaskKind, label
    from domain.tasks import (
        Assignee,
        CaseTask,
        DnaSamplePayload,
        FamilyVerificationPayload,
        HouseholdRegistrationPayload,
        IdentityConfirmationPayload,
        InstitutionPlacementPayload,
        LongTermPlacementPayload,
        SettlementApplicationPayload,
    )
    from workflows.case_carry import continue_as_new, history_full, open_task_of
    from workflows.case_runtime import CaseRuntime
    from workflows.family_match import (
        PATCH_FAMILY_SEARCH,
        found_by,
        match_with_reports,
        verify_report,
    )
    from workflows.identity_rounds import (
        PATCH_FEATURES_SEARCH,
        household_lookup,
        note_round,
        search_round,
    )


PATCH_DNA_FOR_EVERY_MINOR = "dna-for-every-minor"
"""Cases from before sampled only minors whose identity stayed unknown."""
PATCH_LONG_STAY_STEPS = "long-stay-steps"
"""The notice refreshed every month and the settlement path after three months (cases from
before had neither)."""


def _caseworker(rt: CaseRuntime) -> Assignee:
    return Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER)


async def _lookup(rt: CaseRuntime, attempt: int) -> HouseholdRecord | None:
    """A later round of the search: the household lookup, and the search by features when it
    finds nothing (cases from before: the household lookup only, by name or number)."""
    if not rt.patched(PATCH_FEATURES_SEARCH):
        return await household_lookup(rt, attempt)
    found, context = await search_round(rt, attempt)
    note_round(rt, context)
    if found is None:
        await rt.sync()  # the round on the timeline and on the confirmation task
        return None
    return found[0]


def _accept_identity(rt: CaseRuntime, record: HouseholdRecord, how: str) -> None:
    assert rt.person is not None
    rt.person = rt.person.model_copy(update={"id_number": record.id_number, "name": record.name})
    rt.state.person.id_number = record.id_number
    rt.state.person.name = record.name
    rt.state.person.household_address = record.household_address
    rt.state.origin_node_id = record.community_node_id
    rt.state.origin_address = record.household_address
    rt.state.identity_known = True
    rt.event("identity_found", how, agency="police", origin_node_id=record.community_node_id)


async def search_identity(rt: CaseRuntime) -> None:
    """Returns when the origin is known: found by police at once, verified after a match
    by features, a DNA match or a later lookup, or recorded by the caseworker. Runs as long as it takes (across runs:
    see :func:`resume_identity_search`)."""
    rt.set_stage(Stage.IDENTITY_SEARCH)
    await rt.sync()
    minor = rt.state.person.is_minor
    every_minor = minor and rt.patched(PATCH_DNA_FOR_EVERY_MINOR)
    if every_minor:
        # Every minor is sampled for the anti-trafficking DNA database, identified or not;
        # the return home waits for the submission (going_home).
        rt.dna_collection = asyncio.create_task(_collect_dna(rt))
        rt.background.append(rt.dna_collection)
    first: tuple[HouseholdRecord, str] | None = None
    if rt.patched(PATCH_FEATURES_SEARCH):
        found, context = await search_round(rt, 1)
        if found is not None:
            record, how = found
            if how is None:  # the household register knows the name or number: no doubt
                _accept_identity(rt, record, "公安户籍查询：已查到户籍信息")
                return
            first = (record, how)  # a likeness by features: the family must confirm it
    else:
        record = await _lookup(rt, 1)
        if record is not None:
            _accept_identity(rt, record, "公安户籍查询：已查到户籍信息")
            return
        context = {"reason": "police_lookup_without_result"}
    rt.search = IdentitySearchCarry(started_at=workflow.now(), minor_dna=minor, features=rt.features)
    side = [asyncio.create_task(_publish_notice(rt))]
    if minor and not every_minor:
        side.append(asyncio.create_task(_collect_dna(rt)))
    side.append(asyncio.create_task(_long_term_after_limit(rt)))
    if rt.patched(PATCH_LONG_STAY_STEPS):
        side += [asyncio.create_task(_refresh_notices(rt)),
                 asyncio.create_task(_settle_long_stay(rt))]
    rt.background.extend(side)
    confirm = await rt.open_task(TaskKind.IDENTITY_CONFIRMATION, _caseworker(rt), **context)
    rt.search.confirmation_task_id = confirm.task_id
    if rt.patched(PATCH_FAMILY_SEARCH):
        await match_with_reports(rt)
    await _search(rt, side, confirm, first)


async def resume_identity_search(rt: CaseRuntime) -> None:
    """The case continued as new during its identity search: the notice, the DNA collection,
    the long-term placement and the wait for the next lookup go on where they were."""
    search = rt.search
    assert search is not None and search.confirmation_task_id is not None
    side: list[asyncio.Task[None]] = []
    if not search.notice_published:
        side.append(asyncio.create_task(_publish_notice(rt)))
    dna_task = open_task_of(rt, TaskKind.DNA_SAMPLE)
    if dna_task is not None or (search.minor_dna and not rt.dna_samples):
        rt.dna_collection = asyncio.create_task(_collect_dna(rt, dna_task))
        rt.background.append(rt.dna_collection)
    placement = open_task_of(rt, TaskKind.LONG_TERM_PLACEMENT)
    if placement is not None or not rt.state.long_term:
        side.append(asyncio.create_task(_long_term_after_limit(rt, placement)))
    side.append(asyncio.create_task(_refresh_notices(rt)))
    if search.settlement_step < len(SETTLEMENT_STEPS) + 1:
        side.append(asyncio.create_task(_settle_long_stay(rt, resumed=True)))
    rt.background.extend(side)
    await _search(rt, side, rt._open[search.confirmation_task_id])


async def _search(rt: CaseRuntime, side: list[asyncio.Task[None]], confirm: CaseTask,
                  first: tuple[HouseholdRecord, str] | None = None) -> None:
    """``first``: a candidate the first search by features found, verified before the loop."""
    confirmation = asyncio.create_task(rt.await_task(confirm))
    try:
        if first is None or not await _verify_family(rt, *first):
            await _search_until_known(rt, confirmation)
    except asyncio.CancelledError:
        # The case ended meanwhile: stop the side work (no workflow calls here: the
        # coroutine may also be closed when the workflow leaves the cache).
        for task in (*side, confirmation):
            task.cancel()
        raise
    await _stop_settlement(rt)
    rt.search = None
    for task in side:
        task.cancel()
    if not confirmation.done():
        confirmation.cancel()
        await rt.withdraw(confirm.task_id, "身份已查明")


async def _search_until_known(rt: CaseRuntime, confirmation: asyncio.Task[Any]) -> None:
    search = rt.search
    assert search is not None
    while True:
        if history_full(rt):
            await continue_as_new(rt)  # a checkpoint: the next run resumes the search here
        candidate: tuple[HouseholdRecord, str] | None = None
        if search.next_lookup_at is None:
            search.next_lookup_at = workflow.now() + rt.policy.identity_search_interval
        rt.busy = False
        try:
            # ``lookup_now`` is only ever set by an identity correction (an update that older
            # histories never received), so their runs wake exactly as before.
            await workflow.wait_condition(
                lambda: bool(rt.dna_matches) or confirmation.done() or history_full(rt)
                or rt.lookup_now or bool(rt.family_matches),
                timeout=max(search.next_lookup_at - workflow.now(), timedelta(milliseconds=1)))
            if rt.lookup_now:
                rt.lookup_now = False
                raise TimeoutError  # the lookup is due now: taken like a scheduled one
        except TimeoutError:
            rt.busy = True
            search.next_lookup_at = None
            search.attempt += 1
            found = await _lookup(rt, search.attempt)
            if found is not None:
                candidate = (found, f"第{search.attempt}次户籍查询找到疑似户籍")
        rt.busy = True
        if (candidate is None and not rt.dna_matches and not confirmation.done()
                and not rt.family_matches):
            continue  # woken to continue as new: the lookup keeps its time
        search.next_lookup_at = None
        if confirmation.done():
            done = confirmation.result()
            if done is not None:
                origin = IdentityConfirmationPayload.model_validate(done.payload)
                rt.state.origin_node_id = origin.origin_node_id
                rt.state.origin_address = origin.origin_address
                rt.state.person.household_address = origin.origin_address
                rt.state.identity_known = True
                rt.event("identity_confirmed", "工作人员确认了流出地", actor=done.actor.username,
                         origin_node_id=origin.origin_node_id)
                return
        if rt.dna_matches:
            candidate = (rt.dna_matches.pop(0), "DNA比对成功，找到疑似家属")
        if candidate is not None and await _verify_family(rt, *candidate):
            return
        # Only cases that received a family-search match (new in issue 12) get here.
        if (candidate is None and rt.family_matches and rt.patched(PATCH_FAMILY_SEARCH)
                and await verify_report(rt, rt.family_matches.pop(0))):
            return


async def _verify_family(rt: CaseRuntime, record: HouseholdRecord, how: str) -> bool:
    rt.event("family_candidate", how, agency="police")
    done = await rt.task(TaskKind.FAMILY_VERIFICATION, _caseworker(rt),
                         household_address=record.household_address,
                         community_node_id=record.community_node_id, **found_by(rt, how))
    verification = FamilyVerificationPayload.model_validate(done.payload)
    if not verification.verified:
        if rt.search is not None:
            rt.search.ruled_out.append(record.id_number)  # the police won't propose them again
        rt.event("family_not_verified", "经联系核实，不是其家属，继续寻亲", actor=done.actor.username)
        await rt.sync()
        return False
    _accept_identity(rt, record, f"已联系并核实家属（{verification.relationship}）")
    return True


async def _publish_notice(rt: CaseRuntime) -> None:
    """Identity unknown: the family-search notice within the policy's deadline (24 h)."""
    assert rt.search is not None
    due = rt.search.started_at + rt.policy.family_search_notice_within / 2
    await workflow.sleep(max(due - workflow.now(), timedelta(milliseconds=1)))
    await rt.store(PUBLISH_FAMILY_SEARCH_NOTICE, FamilySearchNotice(
        notice_id=f"{rt.state.case_number}:notice", case_id=rt.state.case_id, text=_notice_text(rt)))
    rt.search.notice_published = True
    rt.event("notice_published", "已发布寻亲公告")
    await rt.sync()


async def _collect_dna(rt: CaseRuntime, open_task: CaseTask | None = None) -> None:
    """Every unidentified minor: police collect a sample, it goes to the DNA database; the
    comparison comes back later as the ``dna_result`` signal. ``open_task``: the sample task
    a continued case still waits for."""
    police = Assignee(node_id=rt.input.agencies.police, role=Role.POLICE)
    refused: str | None = None
    while True:
        if open_task is not None:
            resumed = await rt.await_task(open_task)
            if resumed is None:
                raise asyncio.CancelledError("DNA sample task withdrawn")
            done, open_task = resumed, None
        else:
            done = await rt.task(TaskKind.DNA_SAMPLE, police, previous_refusal=refused)
        sample = DnaSamplePayload.model_validate(done.payload)
        submission = await rt.call(SUBMIT_DNA_SAMPLE, DnaSampleInput(
            case_number=rt.state.case_number, sample_id=sample.sample_id,
            collected_on=sample.collected_on, collected_by=done.actor.username), DnaSubmission)
        if submission is not None:
            break
        refused = rt.last_refusal  # the database refused the sample: collect it again
        await rt.sync()
    rt.dna_samples.add(sample.sample_id)
    rt.event("dna_submitted", "样本已录入打拐DNA信息库，等待比对结果", agency="police",
             sample_id=sample.sample_id,
             database_ref=submission.database_ref)
    await rt.sync()


async def _long_term_after_limit(rt: CaseRuntime, placement: CaseTask | None = None) -> None:
    """Past the stay limit with no identity: long-term stay, placement in care; search goes on.
    ``placement``: the placement task a continued case still waits for."""
    if placement is None:
        assert rt.search is not None
        due = rt.search.started_at + rt.policy.stay_limit
        await workflow.sleep(max(due - workflow.now(), timedelta(milliseconds=1)))
        if rt.state.identity_known:
            return
        rt.state.long_term = True
        rt.set_stage(Stage.LONG_TERM_STAY)
        rt.event("long_term", "超过滞留期限仍未查明身份，转为长期滞留，继续寻亲")
        done = await rt.task(TaskKind.LONG_TERM_PLACEMENT, _caseworker(rt))
    else:
        resumed = await rt.await_task(placement)
        if resumed is None:
            return
        done = resumed
    placement = LongTermPlacementPayload.model_validate(done.payload)
    rt.event("placed", f"已安置于{placement.institution}（{placement.placed_on}）", actor=done.actor.username)
    await rt.sync()


def _notice_text(rt: CaseRuntime) -> str:
    person = rt.state.person
    return (f"寻亲公告：{rt.state.case_number}，{label(person.sex)}，约{person.age}岁，"
            f"于{rt.input.report.place}被发现，现在{rt.state.station_node_id}受助，知情者请联系救助站或拨打12349。")


async def _refresh_notices(rt: CaseRuntime) -> None:
    """Unidentified for a month, and each month after: the notice is published again."""
    search = rt.search
    assert search is not None
    while True:
        due = search.started_at + rt.policy.notice_refresh_interval * (search.notices_refreshed + 1)
        await workflow.sleep(max(due - workflow.now(), timedelta(milliseconds=1)))
        n = search.notices_refreshed + 1
        await rt.store(PUBLISH_FAMILY_SEARCH_NOTICE, FamilySearchNotice(
            notice_id=f"{rt.state.case_number}:notice:{n + 1}", case_id=rt.state.case_id,
            text=_notice_text(rt)))
        search.notices_refreshed = n
        rt.event("notice_refreshed", f"寻亲公告已更新重发（第{n}次更新）", refreshed=n)
        await rt.sync()


def _settlement_steps(rt: CaseRuntime) -> list[tuple[TaskKind, Assignee]]:
    return [(TaskKind.SETTLEMENT_APPLICATION, _caseworker(rt)),
            (TaskKind.HOUSEHOLD_REGISTRATION, Assignee(node_id=rt.input.agencies.police, role=Role.POLICE)),
            (TaskKind.INSTITUTION_PLACEMENT,
             Assignee(node_id=rt.input.agencies.civil_affairs, role=Role.BUREAU_LEADER))]


SETTLEMENT_STEPS = (TaskKind.SETTLEMENT_APPLICATION, TaskKind.HOUSEHOLD_REGISTRATION,
                    TaskKind.INSTITUTION_PLACEMENT)
"""落户安置, in order: the station applies, the police register a household, the civil-affairs
bureau places the person; the identity search goes on meanwhile."""


async def _settle_long_stay(rt: CaseRuntime, *, resumed: bool = False) -> None:
    """Unidentified for three months: the household-registration and settlement path, each
    step a task with its deadline and escalation; a later match still takes the person home."""
    search = rt.search
    assert search is not None
    if search.settlement_step == 0:
        due = search.started_at + rt.policy.settlement_after
        await workflow.sleep(max(due - workflow.now(), timedelta(milliseconds=1)))
        if rt.state.identity_known:
            return
        search.settlement_step = 1
        rt.event("settlement_started", "超过三个月仍未查明身份，启动落户安置程序（寻亲继续进行）")
        await rt.sync()
    steps = _settlement_steps(rt)
    while search.settlement_step <= len(steps):
        kind, assignee = steps[search.settlement_step - 1]
        open_task = open_task_of(rt, kind) if resumed else None
        resumed = False
        if open_task is not None:
            done = await rt.await_task(open_task)
        else:
            task = await rt.open_task(kind, assignee, step=search.settlement_step,
                                      station_node_id=rt.state.station_node_id)
            done = await rt.await_task(task)
        if done is None:
            return  # withdrawn: the identity was found meanwhile
        if kind == TaskKind.SETTLEMENT_APPLICATION:
            app = SettlementApplicationPayload.model_validate(done.payload)
            rt.event("settlement_applied", f"救助站已申请落户安置（{app.reference}）", actor=done.actor.username)
        elif kind == TaskKind.HOUSEHOLD_REGISTRATION:
            HouseholdRegistrationPayload.model_validate(done.payload)
            rt.event("household_registered", "公安机关已办理户籍登记", actor=done.actor.username,
                     agency="police")
        else:
            placed = InstitutionPlacementPayload.model_validate(done.payload)
            rt.event("institution_placed", f"民政部门已安置于{placed.institution}（{placed.placed_on}），寻亲继续进行",
                     actor=done.actor.username)
        search.settlement_step += 1
        await rt.sync()


async def _stop_settlement(rt: CaseRuntime) -> None:
    """The identity was found: a settlement under way stops, with why, and its task goes."""
    search = rt.search
    if search is None or search.settlement_step == 0:
        return
    if search.settlement_step > len(SETTLEMENT_STEPS):
        rt.event("settlement_ended", "身份已查明，已落户安置人员将返乡，原安置随之终止")
    else:
        rt.event("settlement_stopped", "身份已查明，落户安置程序终止，转入返乡")
        for task in rt.open_tasks():
            if task.kind in SETTLEMENT_STEPS:
                await rt.withdraw(task.task_id, "身份已查明，落户安置程序终止")
    await rt.sync()
