"""One person, one record: the earlier cases likely to be the same person as a case (the
identity number, then name, birth date and origin through the family-search comparison).
The person view lists them for a caseworker; at intake, when the identity search starts, the
worker flags them so the case page says so at once."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from db import matching_repo, person_links_repo
from domain.matching.model import MatchScore, prior_for, score
from domain.matching.records import case_match_record

SHOW_DUPLICATE = 0.5
"""A case at least this likely to be the same person is shown as a likely duplicate."""


async def likely_same_person(conn: asyncpg.Connection, case_id: uuid.UUID) -> list[tuple[Any, float, MatchScore | None]]:
    """Other cases likely to be this case's person and not decided yet (merged or kept apart),
    most likely first: (row, probability, the comparison; None for the same identity number)."""
    me = await matching_repo.case_row(conn, case_id=case_id)
    if me is None or not me["person"]:
        return []
    decided = {link.other(case_id) for link in await person_links_repo.links_of(conn, case_id=case_id)}
    id_number = (me["person"] or {}).get("id_number")
    rows = await person_links_repo.duplicate_candidates(conn, case_id=case_id, id_number=id_number,
                                                        name=me["person_name"])
    rows = [r for r in rows if r["case_id"] not in decided]
    mine = case_match_record(me)
    found: list[tuple[Any, float, MatchScore | None]] = []
    for row in rows:
        if id_number and row["id_number"] == id_number:
            found.append((row, 1.0, None))
            continue
        other = case_match_record(row)
        earlier, later = (other, mine) if row["opened_at"] <= me["opened_at"] else (mine, other)
        result = score(earlier, later, prior=prior_for(len(rows)))
        if result.probability >= SHOW_DUPLICATE:
            found.append((row, result.probability, result))
    found.sort(key=lambda t: -t[1])
    return found


async def flag_duplicates(conn: asyncpg.Connection, case_id: uuid.UUID, limit: int = 5) -> int:
    """Flag the likeliest earlier cases of the same person (idempotent); how many were flagged."""
    found = (await likely_same_person(conn, case_id))[:limit]
    for row, probability, _ in found:
        await person_links_repo.flag_duplicate(conn, case_id=case_id, other=row["case_id"],
                                               probability=probability)
    return len(found)
