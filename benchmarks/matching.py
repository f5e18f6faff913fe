"""Benchmark of family search: how often the right missing-person report is among the best
candidates for a person in care, how sure the matcher is when it opens a verification, and how
long one match takes, against N reports (default a million) in PostgreSQL.

Seeds a fresh database with COPY (synthetic people, benchmarks/matching_synth.py), then matches
Q people in care (70 % reported, 30 % nobody reported) exactly as the system does
(``db.matching_repo.blocked_reports`` + ``domain.matching.rank``), one at a time, and prints
recall@1, recall@10, the blocking's recall, precision at the verification threshold and latency
p50/p99. Figures to compare, not assertions.

Run: ``.venv/bin/python -m benchmarks.matching [--reports N] [--queries Q]`` (embedded
PostgreSQL in a temporary folder unless ``--database-url`` or ``--data-dir`` is given; with
either, a database already seeded with the same number of reports is reused).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks.matching_synth import Person, found_record, person, report_of
from db.matching_repo import blocked_reports, name_frequencies
from db.migrate import apply_migrations
from domain.matching.blocking import report_keys, weight_of
from domain.matching.compare import MatchRecord
from domain.matching.frequencies import NameFrequencies
from domain.matching.model import VERIFY_PROBABILITY, MatchScore, prior_for, score
from domain.matching.rank import rank_reports
from domain.matching.records import report_row_record
from stack.postgres import EmbeddedPostgres, drop_database, ensure_database

DB_NAME = "bench_matching"
BATCH = 50_000
REPORT_COLUMNS = ("report_id", "report_number", "reported_by", "node_id", "created_by", "name",
                  "aliases", "sex", "birth_year", "height_cm", "origin", "last_seen_on",
                  "last_seen_place", "conditions", "marks", "contact_name", "contact_phone",
                  "seen_province", "origin_province")


def report_uuid(pid: int) -> uuid.UUID:
    return uuid.UUID(int=pid + 1)


def _rows(people: list[Person], rng: random.Random) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    for p in people:
        rid = report_uuid(p.pid)
        rec = report_of(p, rng)
        rec = type(rec)(**{**rec.__dict__, "key": str(rid)})
        row = (rid, f"XR-B{p.pid:07d}", "police", "bench", "bench", rec.name, list(rec.aliases), rec.sex,
               int(rec.birth_year) if rec.birth_year else None, rec.height_cm, rec.origin_province,
               rec.seen_on, rec.seen_province, sorted(rec.conditions), rec.marks, "家属", "13800000000",
               rec.seen_province, rec.origin_province)
        yield row, [(k, rid, weight_of(k)) for k in report_keys(rec)]


async def seed(conn: asyncpg.Connection, people: list[Person], rng: random.Random) -> float:
    """COPY the reports and their keys (indexes dropped during the load, built after)."""
    began = time.perf_counter()
    await conn.execute("INSERT INTO org_nodes (node_id, level, name, path) VALUES "
                       "('bench', 'city_station', '基准测试', 'bench/') ON CONFLICT DO NOTHING")
    await conn.execute("DROP INDEX IF EXISTS missing_report_keys_key_idx, missing_report_keys_report_idx, "
                       "missing_reports_open_match_idx")
    reports: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    for row, row_keys in _rows(people, rng):
        reports.append(row)
        keys.extend(row_keys)
        if len(reports) >= BATCH:
            await conn.copy_records_to_table("missing_reports", records=reports, columns=REPORT_COLUMNS)
            await conn.copy_records_to_table("missing_report_keys", records=keys)
            reports, keys = [], []
    if reports:
        await conn.copy_records_to_table("missing_reports", records=reports, columns=REPORT_COLUMNS)
        await conn.copy_records_to_table("missing_report_keys", records=keys)
    await conn.execute("SET maintenance_work_mem = '512MB'")
    await conn.execute("CREATE INDEX missing_report_keys_key_idx ON missing_report_keys (key) "
                       "INCLUDE (report_id, weight)")
    await conn.execute("CREATE INDEX missing_report_keys_report_idx ON missing_report_keys (report_id)")
    await conn.execute("CREATE INDEX missing_reports_open_match_idx ON missing_reports (report_id) INCLUDE "
                       "(birth_date, birth_year, sex, last_seen_on, seen_province, origin_province) "
                       "WHERE status = 'open'")
    # As autovacuum would: the visibility map lets the key lookups be index-only scans.
    await conn.execute("VACUUM (ANALYZE) missing_reports")
    await conn.execute("VACUUM (ANALYZE) missing_report_keys")
    return time.perf_counter() - began


async def measure(conn: asyncpg.Connection, people: list[Person], *, queries: int,
                  rng: random.Random, misses: list[str] | None = None) -> dict[str, float]:
    """Match people in care one at a time, as a caseworker opening their cases would (the
    reported ones missed from the best ten are described in ``misses`` when given)."""
    reported = rng.sample(people, int(queries * 0.7))
    strangers = [person(rng, len(people) + 10 + i) for i in range(queries - len(reported))]
    hits1 = hits10 = blocked = flagged = flagged_right = 0
    latencies: list[float] = []
    database: list[float] = []
    frequencies = await name_frequencies(conn)  # counted once, as a worker keeps them
    for i, p in enumerate(reported + strangers):
        truth = str(report_uuid(p.pid)) if i < len(reported) else None
        rec = found_record(p, rng, key=f"q{i}")
        began = time.perf_counter()
        candidates = await blocked_reports(conn, rec)
        database.append((time.perf_counter() - began) * 1000)
        best = rank_reports(rec, candidates, limit=10, prior=prior_for(len(people)), frequencies=frequencies)
        latencies.append((time.perf_counter() - began) * 1000)
        keys = [r.key for r, _ in best]
        if truth is not None:
            blocked += truth in {c.key for c in candidates}
            hits1 += keys[:1] == [truth]
            hits10 += truth in keys
            if misses is not None and truth not in keys:
                misses.append(await _miss(conn, rec, truth, best, blocked=truth in {c.key for c in candidates},
                                          prior=prior_for(len(people)), frequencies=frequencies))
        if best and best[0][1].probability >= VERIFY_PROBABILITY:
            flagged += 1
            flagged_right += truth is not None and keys[0] == truth
    latencies.sort()
    database.sort()
    n = len(reported)
    return {"recall@1": hits1 / n, "recall@10": hits10 / n, "blocking recall": blocked / n,
            "precision at threshold": flagged_right / flagged if flagged else float("nan"),
            "verifications opened": flagged / len(latencies), "reported found by verification": flagged_right / n,
            "p50 ms": statistics.median(latencies), "p99 ms": latencies[int(len(latencies) * 0.99) - 1],
            "p50 ms in PostgreSQL": statistics.median(database),
            "p99 ms in PostgreSQL": database[int(len(database) * 0.99) - 1]}


async def _miss(conn: asyncpg.Connection, person_rec: MatchRecord, truth: str,
                best: list[tuple[MatchRecord, MatchScore]], *, blocked: bool, prior: float,
                frequencies: NameFrequencies) -> str:
    """One missed query as text: the person, the right report and its levels, the best ten."""
    row = await conn.fetchrow("SELECT * FROM missing_reports WHERE report_id = $1", uuid.UUID(truth))
    right = report_row_record(row)

    def line(r: MatchRecord, result: MatchScore) -> str:
        levels = " ".join(f"{f.field}={f.level}({f.weight:+.1f})" for f in result.fields if f.level is not None)
        return (f"  {r.name}/{','.join(r.aliases)} {r.sex} {r.birth_year} {r.seen_province} {r.seen_on} "
                f"{r.origin_province} w={result.weight:.1f} | {levels}")

    out = [f"MISS blocked={blocked} person: {person_rec.name} {person_rec.sex} {person_rec.birth_year}"
           f"±{person_rec.birth_spread} {person_rec.seen_province} {person_rec.seen_on} {person_rec.origin_province}"
           f" h={person_rec.height_cm} marks={person_rec.marks}", "right:" + line(right, score(right, person_rec, prior, frequencies))]
    out += [line(r, result) for r, result in best]
    return "\n".join(out)


async def run(*, reports: int, queries: int, seed_value: int, url: str,
              reseed: bool = False, misses: Path | None = None, query_seed: int | None = None) -> dict[str, float]:
    rng = random.Random(seed_value)
    people = [person(rng, i) for i in range(reports)]
    await apply_migrations(url)
    conn = await asyncpg.connect(url)
    try:
        seconds = 0.0
        if await conn.fetchval("SELECT count(*) FROM missing_reports") != reports or reseed:
            await conn.execute("TRUNCATE missing_report_keys, match_candidates, import_job_rows, missing_reports")
            seconds = await seed(conn, people, random.Random(seed_value + 1))
        missed: list[str] | None = [] if misses else None
        figures = await measure(conn, people, queries=queries, misses=missed,
                                rng=random.Random(seed_value + 2 if query_seed is None else query_seed))
        if misses and missed is not None:
            await asyncio.to_thread(misses.write_text, "\n\n".join(missed) + "\n", encoding="utf-8")
    finally:
        await conn.close()
    return {"reports": reports, "queries": queries, "seed s": seconds, **figures}


async def _with_shared_buffers(pg: EmbeddedPostgres, size: str) -> str:
    """Start the embedded server with this shared_buffers (a restart when it changes), as a
    database server sized for its data would be."""
    admin = pg.start()
    conn = await asyncpg.connect(admin)
    try:
        current = await conn.fetchval("SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'")
        wanted = await conn.fetchval("SELECT pg_size_bytes($1)", size)
        if current != wanted:
            await conn.execute(f"ALTER SYSTEM SET shared_buffers = '{wanted // 1024}kB'")
    finally:
        await conn.close()
    if current != wanted:
        pg.stop()
        admin = pg.start()
    return admin


async def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--database-url", help="a database to use (else embedded PostgreSQL)")
    parser.add_argument("--data-dir", help="keep the embedded PostgreSQL here: a later run with the "
                        "same --reports and --seed reuses the seeded reports")
    parser.add_argument("--shared-buffers", default="1GB", help="the embedded server's shared_buffers "
                        "(PostgreSQL's default of 128MB holds a tenth of a million reports' indexes)")
    parser.add_argument("--query-seed", type=int, help="the queries' seed (default --seed + 2): other "
                        "people and other noise against the same seeded reports")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the kept database "
                        "holds as many reports (after a change of the blocking keys)")
    parser.add_argument("--misses", type=Path, help="write the reported people missed from the best ten "
                        "here: the person, the right report, the best ten, each field's level and weight")
    args = parser.parse_args(argv)
    if args.database_url:
        figures = await run(reports=args.reports, queries=args.queries, seed_value=args.seed,
                            url=args.database_url, misses=args.misses, reseed=args.reseed,
                            query_seed=args.query_seed)
    else:
        data = Path(args.data_dir or tempfile.mkdtemp(prefix="bench-matching-")) / "pg"
        pg = EmbeddedPostgres(data)
        admin = await _with_shared_buffers(pg, args.shared_buffers)
        try:
            if not args.data_dir:
                await drop_database(admin, DB_NAME)
            url = await ensure_database(admin, DB_NAME)
            figures = await run(reports=args.reports, queries=args.queries, seed_value=args.seed, url=url,
                                misses=args.misses, reseed=args.reseed, query_seed=args.query_seed)
        finally:
            pg.stop()
    for name, value in figures.items():
        print(f"{name:>32}: {value:.3f}" if isinstance(value, float) else f"{name:>32}: {value}")
    return figures


if __name__ == "__main__":
    asyncio.run(main())
