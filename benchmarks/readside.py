"""The read side at scale: M cases (with their open tasks and timeline lines) seeded into the
read model with COPY, then the pages people use, timed through the API process: the case
search, the task inbox, the case page, and the monthly report's figures."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

STATIONS = ["city-station", "dh-station", "xs-station"]
COMMUNITIES = [f"{c}-t{t}-c{i}" for c in ("dh", "xs") for t in (1, 2) for i in (1, 2)]
OPEN_STAGES = ["admission", "identity_search", "long_term_stay", "return_home", "handover"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国华明伟芳秀英军平强磊洋勇艳杰娟涛超兰霞"
CLASSES = ["open", "protective", "assisting"]
CHANNELS = ["hotline", "patrol", "police", "community", "walk_in"]
YEARS = 5


def _rows(n: int, rng: random.Random, now: datetime) -> Iterator[tuple[Any, ...]]:
    span = YEARS * 365 * 86400
    for i in range(n):
        opened = now - timedelta(seconds=rng.randrange(span))
        is_open = rng.random() < 0.1
        closed = None if is_open else opened + timedelta(days=rng.randrange(1, 60))
        stage = rng.choice(OPEN_STAGES) if is_open else "closed"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        id_number = f"{rng.randrange(10**17, 10**18)}" if rng.random() < 0.7 else None
        yield (uuid.UUID(int=rng.getrandbits(128), version=4), f"SEED{i:09d}", f"seed-case:{i}",
               rng.choice(STATIONS), rng.choice(COMMUNITIES), stage, rng.choice(CLASSES),
               rng.random() < 0.05, name, id_number, is_open and rng.random() < 0.2,
               opened + timedelta(days=10) if is_open else None, 3, opened,
               closed or opened + timedelta(days=1), closed)


SEEDED_TABLES = ("cases", "case_reports", "tasks", "case_events")

CASE_COLUMNS = ["case_id", "case_number", "workflow_id", "station_node_id", "origin_node_id",
                "stage", "classification", "is_minor", "person_name", "id_number", "overdue",
                "next_deadline", "version", "opened_at", "updated_at", "closed_at"]


async def seed(database_url: str, n: int, say: Callable[[str], None]) -> dict[str, Any]:
    """COPY n cases with their intake rows, an open task for every open case, a done
    follow-up visit for every case handed over, and two timeline lines for a closed case."""
    rng = random.Random(13)
    now = datetime.now(UTC)
    began = time.perf_counter()
    conn = await asyncpg.connect(database_url)
    try:
        # Bulk load as one would: the secondary indexes are dropped, the rows copied, then the
        # very same indexes built again (constraint indexes stay).
        indexes = await conn.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public'"
            " AND i.tablename = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conname = i.indexname)", list(SEEDED_TABLES))
        for row in indexes:
            await conn.execute(f'DROP INDEX "{row["indexname"]}"')
        batch = 100_000
        sample_ids: list[uuid.UUID] = []
        tasks_n = events_n = 0
        it = _rows(n, rng, now)
        while True:
            cases = [r for _, r in zip(range(batch), it, strict=False)]
            if not cases:
                break
            await conn.copy_records_to_table("cases", records=cases, columns=CASE_COLUMNS)
            sample_ids += [c[0] for c in cases[:50]]
            await conn.copy_records_to_table("case_reports", records=[
                (f"seed-{c[1]}", c[0], c[1], c[2], rng.choice(CHANNELS), c[3], c[13]) for c in cases
            ], columns=["report_id", "case_id", "case_number", "workflow_id", "channel",
                        "station_node_id", "created_at"])
            tasks = [(uuid.uuid4(), c[0], "identity_confirmation", c[3], "caseworker", "open",
                      c[13], c[11], c[10], c[2]) for c in cases if c[15] is None]
            await conn.copy_records_to_table("tasks", records=tasks, columns=[
                "task_id", "case_id", "kind", "assignee_node_id", "assignee_role", "status",
                "opened_at", "deadline", "overdue", "workflow_id"])
            events, visits = [], []
            for c in cases:
                events.append((uuid.uuid4(), c[0], c[13], "reported", "发现途径：主动求助"))
                if c[15] is not None:
                    kind = "handed_over" if rng.random() < 0.8 else "hospital_admitted"
                    events.append((uuid.uuid4(), c[0], c[15], kind, "已交接"))
                    if kind == "handed_over":  # a follow-up visit by the origin's liaison, done
                        due = c[15] + timedelta(days=91)
                        visits.append((uuid.uuid4(), c[0], "follow_up_visit", c[4], "liaison", "done",
                                       c[15], due, False, due - timedelta(days=rng.randrange(0, 5)),
                                       "liaison", f"seed-follow-up:{c[1]}"))
            await conn.copy_records_to_table("tasks", records=visits, columns=[
                "task_id", "case_id", "kind", "assignee_node_id", "assignee_role", "status",
                "opened_at", "deadline", "overdue", "completed_at", "completed_by", "workflow_id"])
            tasks_n += len(visits)
            await conn.copy_records_to_table("case_events", records=events, columns=[
                "event_id", "case_id", "occurred_at", "kind", "summary"])
            tasks_n += len(tasks)
            events_n += len(events)
        for row in indexes:
            await conn.execute(row["indexdef"])
        # As after any bulk load: VACUUM sets the visibility map (index-only scans) and ANALYZE
        # the statistics.
        for table in SEEDED_TABLES:
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    seconds = time.perf_counter() - began
    say(f"   seeded {n:,} cases, {tasks_n:,} tasks (open and follow-up visits), {events_n:,} timeline lines (and their intake rows) in {seconds:.0f} s")
    return {"cases": n, "tasks": tasks_n, "events": events_n, "seconds": round(seconds, 1),
            "sample_ids": [str(x) for x in sample_ids]}


async def _timed(http: httpx.AsyncClient, url: str, headers: dict[str, str],
                 params: dict[str, Any] | None = None) -> float:
    began = time.perf_counter()
    resp = await http.get(url, headers=headers, params=params)
    seconds = time.perf_counter() - began
    resp.raise_for_status()
    return seconds


async def measure_read_side(system: Any, n: int, samples: int,
                            say: Callable[[str], None]) -> dict[str, Any]:
    from benchmarks.api_cases import fmt, login, summary_ms

    seeded = await seed(system.database_url, n, say)
    rng = random.Random(7)
    ids = seeded.pop("sample_ids")
    out: dict[str, Any] = {"seeded": seeded}
    async with httpx.AsyncClient(base_url=system.api_url, timeout=120, trust_env=False) as http:
        bureau, cw = await login(http, "bureau"), await login(http, "caseworker")
        timings: dict[str, list[float]] = {k: [] for k in (
            "case search (name prefix, whole city)", "case list (station, first page)",
            "task inbox (station caseworker)", "case page")}
        for _ in range(samples):
            prefix = rng.choice(SURNAMES) + rng.choice(GIVEN)
            timings["case search (name prefix, whole city)"].append(
                await _timed(http, "/api/v1/cases", bureau, {"q": prefix}))
            timings["case list (station, first page)"].append(
                await _timed(http, "/api/v1/cases", cw))
            timings["task inbox (station caseworker)"].append(
                await _timed(http, "/api/v1/tasks", cw))
            timings["case page"].append(await _timed(http, f"/api/v1/cases/{rng.choice(ids)}", bureau))
        month = (datetime.now(UTC) - timedelta(days=400)).strftime("%Y-%m")
        report = [await _timed(http, "/api/v1/reports/figures", bureau, {"month": month})
                  for _ in range(3)]
    out["pages"] = {k: summary_ms(v) for k, v in timings.items()}
    out["monthly_report_s"] = {"month": month, "runs": [round(x, 3) for x in report],
                               "best": round(min(report), 3)}
    for k, s in out["pages"].items():
        say(f"   {k:44s} {fmt(s)}")
    say(f"   monthly report figures (whole city, {month}): "
        + ", ".join(f"{x:.2f} s" for x in report))
    return out
