"""The family-search benchmark runs end to end at a tiny size against the real PostgreSQL (its
own database): seeded with COPY, matched, figures printed. Its figures are not asserted."""

from __future__ import annotations

import math

from benchmarks.matching import run
from stack.postgres import database_url, drop_database, ensure_database
from support import Stack


async def test_the_matching_benchmark_runs_at_a_tiny_size(stack: Stack) -> None:
    admin = database_url(stack.database_url, "postgres")
    url = await ensure_database(admin, "bench_matching_tiny")
    try:
        figures = await run(reports=400, queries=40, seed_value=3, url=url)
    finally:
        await drop_database(admin, "bench_matching_tiny")
    assert figures["reports"] == 400 and figures["queries"] == 40
    for name in ("recall@1", "recall@10", "blocking recall"):
        assert 0 <= figures[name] <= 1
    assert figures["recall@1"] <= figures["recall@10"] <= figures["blocking recall"]
    assert all(not math.isnan(figures[n]) for n in ("p50 ms", "p99 ms"))
