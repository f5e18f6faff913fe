"""``rescue fit-matching``: fit the family-search model's m and u on this deployment's own
records (``domain/matching/fit.py``) and write the parameters the matcher reads.
``rescue rekey-reports``: file the reports again under the current blocking keys.

m comes from the confirmed pairs (``match_candidates`` a caseworker confirmed), counted on the
comparison stored when the pair was proposed; u from random pairs of an open report and a case.
With few confirmed pairs the hand-set values (the fit's prior) still weigh most. The worker and
the API read the parameters when they start.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from activities.family_search import case_match_record
from db import matching_repo
from db.missing_repo import rekey_reports
from db.pool import create_pool
from domain.matching.fit import comparison_counts, estimate, level_counts, save
from domain.matching.model import PARAMETERS
from domain.matching.records import report_row_record
from rescue.settings import Settings


async def fit_from_database(url: str, out: Path, *, random_pairs: int = 200_000) -> dict[str, int]:
    pool = await create_pool(url, max_size=1)  # with the JSON codecs the case rows need
    try:
        async with pool.acquire() as conn:
            stored = await conn.fetch("SELECT comparison FROM match_candidates WHERE status = 'confirmed'")
            same = comparison_counts(r["comparison"] for r in stored)
            reports = [report_row_record(r) for r in await conn.fetch(
                "SELECT * FROM missing_reports ORDER BY random() LIMIT 2000")]
            case_ids = [r["case_id"] for r in await conn.fetch(
                "SELECT case_id FROM cases ORDER BY random() LIMIT 2000")]
            cases = [case_match_record(await matching_repo.case_row(conn, case_id=c)) for c in case_ids]
    finally:
        await pool.close()
    pairs = [(r, c) for r in reports for c in cases][:random_pairs]
    different = level_counts(pairs)
    await asyncio.to_thread(save, out, estimate(same, different), same=same, different=different, about={
        "source": "rescue fit-matching", "confirmed pairs": len(stored), "random pairs": len(pairs)})
    return {"confirmed pairs": len(stored), "random pairs": len(pairs)}


def fit_matching_command(settings: Settings, out: Path | None = None) -> int:
    """Exit status 0 when written; 2 when the database is not configured."""
    if not settings.database_url:
        print("RESCUE_DATABASE_URL is required", file=sys.stderr)
        return 2
    target = out or PARAMETERS
    counts = asyncio.run(fit_from_database(settings.database_url, target))
    print(f"已写入 {target}：确认的配对 {counts['confirmed pairs']} 对，随机配对 {counts['random pairs']} 对")
    return 0


def rekey_reports_command(settings: Settings) -> int:
    """Exit status 0 when done; 2 when the database is not configured."""
    if not settings.database_url:
        print("RESCUE_DATABASE_URL is required", file=sys.stderr)
        return 2

    async def run() -> int:
        pool = await create_pool(settings.database_url, max_size=1)
        try:
            async with pool.acquire() as conn:
                return await rekey_reports(conn)
        finally:
            await pool.close()

    print(f"已重建 {asyncio.run(run())} 份寻人登记的检索键")
    return 0
