"""Contracts of family search in the process: the matching activities' inputs and results, and
the signal a case workflow receives when a report likely describes its person."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.contract import Contract

MATCH_CASE = "match_case_with_reports"
MATCH_REPORT = "match_report_with_people"
RECORD_MATCH_DECISION = "record_family_search_decision"
FAMILY_SEARCH_MATCH_SIGNAL = "family_search_match"
PATCH_FAMILY_SEARCH = "family-search-match"
"""``workflow.patched`` name of the case workflow's handling of a family-search match."""


class MatchCaseInput(BaseModel):
    case_id: str


class MatchReportInput(BaseModel):
    report_id: str


class FamilySearchHit(BaseModel):
    """A likely pair: the report, the case and the score; ``origin`` is what the family gave
    as the person's home (the verification task sends the caseworker there)."""

    report_id: str
    report_number: str
    case_id: str
    case_number: str
    weight: float
    probability: float
    origin: str


class MatchResult(BaseModel):
    hits: list[FamilySearchHit] = Field(default_factory=list)


class FamilySearchMatch(Contract):
    """Signal to a case: a missing-person report likely describes its person."""

    report_id: str
    report_number: str
    probability: float
    origin: str
    """Home as the family gave it (origin, else where last seen)."""


class MatchDecisionInput(BaseModel):
    """The family verification's answer on a proposed pair, for the read model."""

    report_id: str
    case_id: str
    verified: bool
    by: str


class FamilySearchResult(BaseModel):
    cases_told: int


class FamilySearchInput(Contract):
    """Input of the workflow that matches one new report with the people in care."""

    report_id: str
    report_number: str
