"""The family search inside a case: at the start of the identity search the person is matched
with the open missing-person reports (an activity); each likely report — found then, or sent
later by a new report's FamilySearchWorkflow — opens a family verification task: the
caseworker calls the family who registered it. Confirmed, the person's home is known and the
case goes on to the return home; rejected, the pair is remembered and never proposed again."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.enums import Role, TaskKind
    from domain.missing_match import (
        MATCH_CASE,
        PATCH_FAMILY_SEARCH,
        RECORD_MATCH_DECISION,
        FamilySearchMatch,
        MatchCaseInput,
        MatchDecisionInput,
        MatchResult,
    )
    from domain.tasks import Assignee, FamilyVerificationPayload
    from workflows.case_actions import on_family_search_match
    from workflows.case_runtime import CaseRuntime

__all__ = ["PATCH_FAMILY_SEARCH", "match_with_reports", "verify_report"]


async def match_with_reports(rt: CaseRuntime) -> None:
    """Match the person with the open reports; the likely ones wait for verification."""
    result: MatchResult = await rt.store(MATCH_CASE, MatchCaseInput(case_id=rt.state.case_id), MatchResult)
    for hit in result.hits:
        on_family_search_match(rt, FamilySearchMatch(report_id=hit.report_id, report_number=hit.report_number,
                                                     probability=hit.probability, origin=hit.origin))


PATCH_VERIFICATION_SAYS_WHY = "verification-says-why"
"""A family verification task says what found the family (DNA, the police's lookup or search
by features, a family's missing-person report): before, every one read as a DNA match."""


def found_by(rt: CaseRuntime, how: str) -> dict[str, str]:
    """The task context's ``found_by`` (a Chinese sentence), for cases that reach it now."""
    return {"found_by": how} if rt.patched(PATCH_VERIFICATION_SAYS_WHY) else {}


async def verify_report(rt: CaseRuntime, match: FamilySearchMatch) -> bool:
    """The caseworker contacts the family of the report; True when they recognise the person."""
    rt.event("family_candidate", f"寻人登记比对：{match.report_number}（可能性{match.probability:.0%}），"
             "请联系登记的家属核实", report_number=match.report_number)
    done = await rt.task(TaskKind.FAMILY_VERIFICATION,
                         Assignee(node_id=rt.state.station_node_id, role=Role.CASEWORKER),
                         household_address=match.origin, community_node_id=None,
                         **found_by(rt, f"寻人登记{match.report_number}比对相符（可能性{match.probability:.0%}）"))
    verification = FamilyVerificationPayload.model_validate(done.payload)
    await rt.store(RECORD_MATCH_DECISION, MatchDecisionInput(
        report_id=match.report_id, case_id=rt.state.case_id, verified=verification.verified,
        by=done.actor.username))
    if not verification.verified:
        rt.event("family_not_verified", "经联系核实，不是寻人登记所找的人，继续寻亲", actor=done.actor.username)
        await rt.sync()
        return False
    rt.state.person.household_address = match.origin
    rt.state.origin_node_id = None
    rt.state.origin_address = match.origin
    rt.state.identity_known = True
    rt.event("identity_found", f"寻人登记{match.report_number}：已联系并核实家属（{verification.relationship}）",
             actor=done.actor.username)
    return True
