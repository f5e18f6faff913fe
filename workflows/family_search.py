"""FamilySearchWorkflow: a new missing-person report is matched with the people still in care
(long-term stayers included), and each case it likely describes is told by a signal, which
opens the family verification there. Id ``family-search:<report number>``; no signals,
updates or queries of its own."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.missing_match import (
        FAMILY_SEARCH_MATCH_SIGNAL,
        MATCH_REPORT,
        FamilySearchInput,
        FamilySearchMatch,
        FamilySearchResult,
        MatchReportInput,
        MatchResult,
    )
    from workflows.ids import case_workflow_id

_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


def family_search_workflow_id(report_number: str) -> str:
    return f"family-search:{report_number}"


@workflow.defn
class FamilySearchWorkflow:
    """Match one report, tell the likely cases."""

    @workflow.run
    async def run(self, inp: FamilySearchInput) -> FamilySearchResult:
        result: MatchResult = await workflow.execute_activity(
            MATCH_REPORT, MatchReportInput(report_id=inp.report_id), result_type=MatchResult,
            start_to_close_timeout=timedelta(minutes=2), retry_policy=_RETRY)
        told = 0
        for hit in result.hits:
            case = workflow.get_external_workflow_handle(case_workflow_id(hit.case_number))
            try:
                await case.signal(FAMILY_SEARCH_MATCH_SIGNAL, FamilySearchMatch(
                    report_id=hit.report_id, report_number=hit.report_number,
                    probability=hit.probability, origin=hit.origin))
                told += 1
            except Exception:  # noqa: BLE001 - the case closed meanwhile: nobody left to tell
                workflow.logger.info("family search: a matched case had already closed")
        return FamilySearchResult(cases_told=told)
