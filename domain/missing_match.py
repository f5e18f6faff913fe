"""Contracts of family search in the process: the matching activities' inputs and results, and
the signal a case workflow receives when a report likely describes its person."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.contract import Contract

MATCH_CASE = "match_case_with_reports"
MATCH_REPORT = "match_report_with_people"
FAMILY_SEARCH_MATCH_SIGNAL = "family_search_match"
PATCH_FAMILY_SEARCH = "family-search-match"
"""``workflow.patched`` name of the case workflow's handling of a family-search match."""


class MatchCaseInput(BaseModel):
    case_id: str


class MatchReportInput(BaseModel):
    report_id: str


class FamilySearchHit(BaseModel):
    """A likely pair: ids and score only (no personal data in the history)."""

    report_id: str
    case_id: str
    weight: float
    probability: float


class MatchResult(BaseModel):
    hits: list[FamilySearchHit] = Field(default_factory=list)


class FamilySearchMatch(Contract):
    """Signal to a case: a missing-person report likely describes its person."""

    report_id: str
    report_number: str
    probability: float


class FamilySearchInput(Contract):
    """Input of the workflow that matches one new report with the people in care."""

    report_id: str
    report_number: str
