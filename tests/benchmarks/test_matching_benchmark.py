"""The family-search benchmark runs end to end at a tiny size against the real PostgreSQL (its
own database): seeded with COPY, matched, figures printed. Its figures are not asserted."""

from __future__ import annotations

import math
from pathlib import Path

from benchmarks.matching import run
from benchmarks.matching_fit import fit
from domain.matching.model import FIELDS, fitted
from stack.postgres import database_url, drop_database, ensure_database
from support import Stack


async def test_the_matching_benchmark_runs_at_a_tiny_size(stack: Stack, tmp_path: Path) -> None:
    admin = database_url(stack.database_url, "postgres")
    url = await ensure_database(admin, "bench_matching_tiny")
    try:
        figures = await run(reports=400, queries=40, seed_value=3, url=url, misses=tmp_path / "misses.txt")
    finally:
        await drop_database(admin, "bench_matching_tiny")
    assert figures["reports"] == 400 and figures["queries"] == 40
    for name in ("recall@1", "recall@10", "blocking recall"):
        assert 0 <= figures[name] <= 1
    assert figures["recall@1"] <= figures["recall@10"] <= figures["blocking recall"]
    assert all(not math.isnan(figures[n]) for n in ("p50 ms", "p99 ms"))
    if figures["recall@10"] < 1:
        assert (tmp_path / "misses.txt").read_text(encoding="utf-8").startswith("MISS")


def test_the_fit_writes_parameters_the_model_reads(tmp_path: Path) -> None:
    out = tmp_path / "parameters.json"
    fit(pairs=300, random_pairs=3000, seed=5, out=out)
    params = fitted(out)
    assert set(params) == {f.name for f in FIELDS}
    assert params["name"][6][0] > params["name"][6][1]  # the same name: likelier for the same person
