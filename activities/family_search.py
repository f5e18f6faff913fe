"""Family search against the records: a case's person matched with the open missing-person
reports (blocking over the key index, then the full comparison), a new report matched with
the people still in care, and each result remembered as a proposal (a rejected pair is never
proposed again). The API calls the functions directly; the worker runs them as activities."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from temporalio import activity

from activities.duplicates import flag_duplicates
from db import matching_repo
from domain.matching.compare import MatchRecord
from domain.matching.model import MatchScore, prior_for
from domain.matching.rank import rank_people, rank_reports
from domain.matching.records import case_match_record, report_row_record
from domain.missing_match import (
    MATCH_CASE,
    MATCH_REPORT,
    RECORD_MATCH_DECISION,
    FamilySearchHit,
    MatchCaseInput,
    MatchDecisionInput,
    MatchReportInput,
    MatchResult,
)


async def _hit(conn: asyncpg.Connection, report_id: str, case_id: str, result: MatchScore) -> FamilySearchHit:
    row = await conn.fetchrow(
        "SELECT r.report_number, coalesce(r.origin, r.last_seen_place) AS origin, c.case_number"
        " FROM missing_reports r, cases c WHERE r.report_id = $1 AND c.case_id = $2",
        uuid.UUID(report_id), uuid.UUID(case_id))
    return FamilySearchHit(report_id=report_id, report_number=row["report_number"], case_id=case_id,
                           case_number=row["case_number"], weight=result.weight,
                           probability=result.probability, origin=row["origin"])


async def match_case(conn: asyncpg.Connection, case_id: uuid.UUID,
                     limit: int = 10) -> list[tuple[MatchRecord, MatchScore]]:
    """The open reports most likely to be about this case's person, stored as proposals."""
    row = await matching_repo.case_row(conn, case_id=case_id)
    if row is None:
        return []
    person = case_match_record(row)
    reports = await matching_repo.blocked_reports(conn, person)
    rejected = await matching_repo.rejected_reports(conn, case_id=case_id)
    pool = await matching_repo.open_report_count(conn)
    frequencies = await matching_repo.name_frequencies(conn)
    best = rank_reports(person, reports, rejected=rejected, limit=limit, prior=prior_for(pool),
                        frequencies=frequencies)
    for report, result in best:
        await matching_repo.propose(conn, report_id=uuid.UUID(report.key), case_id=case_id, result=result)
    return best


async def match_report(conn: asyncpg.Connection, report_id: uuid.UUID,
                       limit: int = 10) -> list[tuple[MatchRecord, MatchScore]]:
    """The people still in care (identity unknown) most likely to be the one sought, stored as
    proposals. Those are thousands at most, so they are all compared."""
    row = await conn.fetchrow("SELECT * FROM missing_reports WHERE report_id = $1 AND status = 'open'",
                              report_id)
    if row is None:
        return []
    report = report_row_record(row)
    cases = await matching_repo.open_case_rows_for_matching(conn)
    people = [case_match_record(c) for c in cases]
    rejected = await matching_repo.rejected_cases(conn, report_id=report_id)
    frequencies = await matching_repo.name_frequencies(conn)
    best = rank_people(report, people, rejected=rejected, limit=limit, prior=prior_for(len(people)),
                       frequencies=frequencies)
    for person, result in best:
        await matching_repo.propose(conn, report_id=report_id, case_id=uuid.UUID(person.key), result=result)
    return best


class FamilySearchActivities:
    """Matching as activities: after admission, and for each new report; handed the pool."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=MATCH_CASE)
    async def match_case(self, inp: MatchCaseInput) -> MatchResult:
        """The likely reports of a case's person (the proposals are in the read model)."""
        async with self._pool.acquire() as conn:
            best = await match_case(conn, uuid.UUID(inp.case_id))
            # One person, one record, at intake: earlier cases of the same person are flagged
            # for the case page (the caseworker merges or keeps apart on the person view).
            await flag_duplicates(conn, uuid.UUID(inp.case_id))
            return MatchResult(hits=[await _hit(conn, r.key, inp.case_id, s) for r, s in best if s.likely])

    @activity.defn(name=MATCH_REPORT)
    async def match_report(self, inp: MatchReportInput) -> MatchResult:
        """The likely people in care for a new report."""
        async with self._pool.acquire() as conn:
            best = await match_report(conn, uuid.UUID(inp.report_id))
            return MatchResult(hits=[await _hit(conn, inp.report_id, p.key, s) for p, s in best if s.likely])

    @activity.defn(name=RECORD_MATCH_DECISION)
    async def record_decision(self, inp: MatchDecisionInput) -> None:
        """The family verification confirmed or rejected the pair (idempotent)."""
        async with self._pool.acquire() as conn:
            await matching_repo.decide(conn, report_id=uuid.UUID(inp.report_id),
                                       case_id=uuid.UUID(inp.case_id),
                                       status="confirmed" if inp.verified else "rejected",
                                       by=inp.by, note=None)

    def all(self) -> list[Any]:
        return [self.match_case, self.match_report, self.record_decision]
