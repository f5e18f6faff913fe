"""Candidate generation and the matcher's memory: blocking votes over the key index, the rows
to score, the proposed pairs and the caseworkers' decisions (a rejected pair is never proposed
again)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from db.queries import sql
from domain.matching.blocking import person_keys
from domain.matching.compare import MatchRecord
from domain.matching.model import MatchScore
from domain.matching.records import report_row_record

CANDIDATES = 300
"""How many of the best-voted reports are compared in full."""


async def blocked_reports(conn: asyncpg.Connection, person: MatchRecord, *,
                          limit: int = CANDIDATES) -> list[MatchRecord]:
    """The open reports that share the most blocking keys with the person."""
    keys = sorted(person_keys(person))
    if not keys:
        return []
    rows = await conn.fetch(sql("blocked_reports"), keys, limit)
    return [report_row_record(r) for r in rows]


async def rejected_reports(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> set[str]:
    return {str(r["report_id"]) for r in await conn.fetch(sql("rejected_reports_of_case"), case_id)}


async def rejected_cases(conn: asyncpg.Connection, *, report_id: uuid.UUID) -> set[str]:
    return {str(r["case_id"]) for r in await conn.fetch(sql("rejected_cases_of_report"), report_id)}


async def propose(conn: asyncpg.Connection, *, report_id: uuid.UUID, case_id: uuid.UUID,
                  result: MatchScore) -> str | None:
    """Record (or refresh) a proposal; the pair's status, None when it was decided already."""
    return await conn.fetchval(sql("upsert_candidate"), report_id, case_id, result.weight,
                               result.probability, result.model_dump(mode="json"))


async def candidate(conn: asyncpg.Connection, *, report_id: uuid.UUID, case_id: uuid.UUID) -> Any:
    return await conn.fetchrow(sql("candidate"), report_id, case_id)


async def mark_verifying(conn: asyncpg.Connection, *, report_id: uuid.UUID, case_id: uuid.UUID,
                         task_id: uuid.UUID | None) -> None:
    await conn.execute(sql("mark_verifying"), report_id, case_id, task_id)


async def decide(conn: asyncpg.Connection, *, report_id: uuid.UUID, case_id: uuid.UUID, status: str,
                 by: str, note: str | None) -> bool:
    """Confirm or reject an open pair; False when it was already decided."""
    async with conn.transaction():
        done = await conn.fetchval(sql("decide_candidate"), report_id, case_id, status, by, note)
        if done == "confirmed":
            await conn.execute(sql("report_found"), report_id, case_id)
    return done is not None


async def candidates_of_case(conn: asyncpg.Connection, *, case_id: uuid.UUID, limit: int = 10) -> list[Any]:
    return list(await conn.fetch(sql("candidates_of_case"), case_id, limit))


async def candidates_of_report(conn: asyncpg.Connection, *, report_id: uuid.UUID,
                               limit: int = 10) -> list[Any]:
    return list(await conn.fetch(sql("candidates_of_report"), report_id, limit))


async def case_row(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> Any:
    return await conn.fetchrow(sql("case_for_matching"), case_id)


async def open_case_rows_for_matching(conn: asyncpg.Connection) -> list[Any]:
    return list(await conn.fetch(sql("open_cases_for_rematch")))


async def open_report_count(conn: asyncpg.Connection) -> int:
    """About how many reports are open (the planner's estimate at scale, exact when small)."""
    estimate = await conn.fetchval("SELECT reltuples::bigint FROM pg_class WHERE relname = 'missing_reports'")
    if estimate is None or estimate < 10_000:
        return int(await conn.fetchval("SELECT count(*) FROM missing_reports WHERE status = 'open'"))
    return int(estimate)
