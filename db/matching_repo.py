"""Candidate generation and the matcher's memory: blocking votes over the key index, the rows
to score, the proposed pairs and the caseworkers' decisions (a rejected pair is never proposed
again)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg

from db.queries import sql
from domain.matching.blocking import key_factors, person_keys
from domain.matching.compare import (
    NAME_NONE,
    MatchRecord,
    conditions_level,
    height_level,
    marks_level,
)
from domain.matching.frequencies import NameFrequencies, Table
from domain.matching.model import FIELDS, MatchScore
from domain.matching.names import says_one_character
from domain.matching.places import near_provinces
from domain.matching.records import report_row_record

VOTED = 3000
"""How many of the best-voted reports (those sharing a name key first) get the first, cheap
comparison (in SQL). 3,000 rather than 2,000 since the name-first order: a one-character name
(小菡, 赵方) shares a key with ~1,000 reports per birth band, tied on votes, and the cut fell
among them (measured at 1M, 500 queries: recall@10 0.946 → 0.954)."""

VOTED_UNNAMED = 8000
"""The same for a person known by one character or a surname alone (小健, 阿娜, 老张): each of
their name keys holds 1,000–3,000 reports per birth band at a million, tied on votes, so the cut
at ``VOTED`` fell among them and the first comparison (place, time, age) never saw the right one."""

READ = 600
"""For a person without a name, or known by a surname alone or one character (老张, 小健, 阿娜), how
many of those, the best after the first comparison, are read whole: their height, marks and health
(which the index does not hold, and which set such a person apart) are weighed next. For a named
person the name's votes already rank them (measured: reading 600 for everyone cost ~20 ms at p50
and found no more at 1M)."""

CANDIDATES = 200
"""How many of those, the best after height and marks, are compared in full."""

VOTE_SCALE = 0.2
"""Bits of the first comparison per unit of the name keys' votes (they stand for the name
there); chosen by measurement at a million reports (0.1 to 0.4 tried; within ±0.5 % of each other)."""

_FIELD = {f.name: f.levels for f in FIELDS}
_WEIGHT = {name: {level: lv.weight for level, lv in levels.items()} for name, levels in _FIELD.items()}
FIRST_WEIGHTS = [_FIELD[name][level].weight for name, level in (
    ("age", 8), ("age", 7), ("age", 6), ("age", 5), ("age", 4),
    ("age", 3), ("age", 2), ("age", 1), ("age", 0), ("sex", 1), ("sex", 0),
    ("place", 2), ("place", 1), ("place", 0),
    ("time", 0), ("time", 6), ("time", 5), ("time", 4), ("time", 3), ("time", 2), ("time", 1), ("origin", 1), ("origin", 0))]
"""The model's weights of the fields the first comparison reads, in the order the SQL uses them."""


async def blocked_reports(conn: asyncpg.Connection, person: MatchRecord, *,
                          limit: int = CANDIDATES) -> list[MatchRecord]:
    """The open reports most likely to be the person: the best-voted by shared blocking keys,
    re-ranked by the model's weights of birth year, sex, place and time, and origin, then (the
    best ``READ`` of those) of height and marks."""
    keys = sorted(person_keys(person))
    if not keys:
        return []
    named = _named(person)
    second = not named and (person.height_cm is not None or bool(person.marks) or bool(person.conditions))
    rows = await conn.fetch(sql("blocked_reports"), keys, VOTED if named else VOTED_UNNAMED, VOTE_SCALE,
                            max(limit, READ) if second else limit,
                            FIRST_WEIGHTS,
                            person.birth_year, person.birth_spread, person.sex, person.seen_on,
                            person.seen_province, list(near_provinces(person.seen_province)), person.origin_province,
                            _WEIGHT["name"][NAME_NONE] if person.name_forms else 0.0, key_factors(person, keys))
    read = [(row["first_score"], report_row_record(row)) for row in rows]
    if second:
        read = [(first + _height_and_marks(report, person), report) for first, report in read]
        read.sort(key=lambda t: -t[0])
    return [report for _, report in read[:limit]]


def _named(person: MatchRecord) -> bool:
    """Whether the person's name is more than a surname or one given character (小健, 阿娜,
    老张, 张): such a name's keys hold ~1,000 reports per birth band at a million, and the
    first comparison cannot tell them apart without height, marks and health."""
    return any(f.surname and f.given or f.given and not says_one_character(f.given)
               for f in person.name_forms)


def _height_and_marks(report: MatchRecord, person: MatchRecord) -> float:
    """The model's weights of height, marks and health conditions, the second cheap step (0 for
    what a side lacks)."""
    total = 0.0
    for name, compare_field in (("height", height_level), ("marks", marks_level),
                                ("conditions", conditions_level)):
        level = compare_field(report, person)
        if level is not None:
            total += _WEIGHT[name][level]
    return total


FREQUENCIES_FOR = 3600.0
"""Seconds the name frequencies are kept before they are counted again (they move slowly)."""

_frequencies: tuple[float, NameFrequencies] | None = None


async def name_frequencies(conn: asyncpg.Connection, *, refresh: bool = False) -> NameFrequencies:
    """The reports' surname and called-by character frequencies (``frequencies.py``), counted
    from their keys and kept for ``FREQUENCIES_FOR`` in this worker."""
    global _frequencies
    now = time.monotonic()
    if _frequencies is None or refresh or now - _frequencies[0] > FREQUENCIES_FOR:
        counts: dict[str, dict[str, int]] = {"o": {}, "g": {}}
        for row in await conn.fetch(sql("name_frequencies")):
            counts[row["kind"]][row["value"]] = int(row["reports"])
        _frequencies = (now, NameFrequencies(surnames=Table.of(counts["o"]), called=Table.of(counts["g"])))
    return _frequencies[1]


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
