"""The cost of a case, measured on the system as it runs, against bare Temporal.

``scripts/bench`` starts PostgreSQL and a Temporal dev server, then the simulators, the worker
and the API as separate processes (as ``scripts/run`` does), and prints in one run:

1. whole cases per minute through the API as the agencies would (report, registration with the
   police lookup, voucher with the ticket exchange, boarding, handover, one follow-up visit),
   at each stated concurrency, and the share that failed;
2. bare Temporal doing the same Temporal work (counted from the recorded happy path), on the
   same server in the same run, and the ratio engine ÷ bare;
3. completion latency through the API beside a bare Update's, at the same concurrency;
4. history events and bytes per path, and the largest run of a five-year long-term stay;
5. worker and API peak RSS with N cases open and waiting on tasks;
6. the read side over M cases seeded with COPY: case search, task inbox, case page, monthly report.

``--size tiny`` finishes in about a minute (the test suite runs it); ``--size full`` is the
issue's scale (10,000 open cases, 1,000,000 cases read). Figures are printed and written as
JSON (``--json``); nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

from benchmarks.api_cases import (
    FOLLOW_UP_INTERVAL,
    Timings,
    fmt,
    login,
    run_cases,
    summary_ms,
)
from benchmarks.bare import BareCase, BareSpec
from benchmarks.histories import case_histories, counts, history_size, long_stay, spec_of
from benchmarks.processes import BARE_QUEUE, System, fmt_cpu, running_system, with_cpu
from benchmarks.readside import measure_read_side


@dataclass
class Size:
    cases: int
    concurrency: list[int]
    open_cases: int
    read_cases: int
    stay_years: float
    read_samples: int


SIZES = {
    "tiny": Size(cases=4, concurrency=[2], open_cases=20, read_cases=5_000, stay_years=0.5,
                 read_samples=20),
    "small": Size(cases=40, concurrency=[10, 40], open_cases=1_000, read_cases=100_000,
                  stay_years=5, read_samples=100),
    "full": Size(cases=200, concurrency=[10, 40], open_cases=10_000, read_cases=1_000_000,
                 stay_years=5, read_samples=200),
}


# --- bare Temporal -----------------------------------------------------------------------

async def run_bare(client: Client, spec: BareSpec, cases: int, concurrency: int) -> dict[str, Any]:
    """Bare cases driven by a client at this concurrency; updates timed like completions."""
    gate = asyncio.Semaphore(concurrency)
    t = Timings()
    failures: list[str] = []
    ids: list[str] = []
    done = 0

    refused = 0

    async def step(handle: WorkflowHandle[Any, Any], n: int) -> None:
        """Send update n once the workflow waits for it (as a person sends a completion once
        the task is in the inbox); refusals and a child not started yet are retried."""
        nonlocal refused
        for _ in range(3000):
            began = time.perf_counter()
            try:
                await handle.execute_update(BareCase.step, n)
                t.add("update answered", time.perf_counter() - began)
                return
            except (WorkflowUpdateFailedError, RPCError):
                refused += 1
                await asyncio.sleep(0.02)
        raise RuntimeError(f"update {n} never accepted")

    async def one() -> None:
        nonlocal done
        async with gate:
            try:
                start = time.perf_counter()
                wid = f"bare-{uuid.uuid4().hex}"
                ids.append(wid)
                handle = await client.start_workflow(BareCase.run, spec, id=wid, task_queue=BARE_QUEUE)
                for n in range(1, spec.updates + 1):
                    await step(handle, n)
                if spec.child is not None:
                    child = client.get_workflow_handle(f"{wid}-child")
                    for n in range(1, spec.child.updates + 1):
                        await step(child, n)
                t.add("whole case", time.perf_counter() - start)
                done += 1
            except Exception as exc:  # noqa: BLE001
                failures.append(repr(exc)[:200])

    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(cases)))
    elapsed = time.perf_counter() - began
    return {"concurrency": concurrency, "cases": cases, "failed": len(failures),
            "failures": failures[:5], "seconds": round(elapsed, 2),
            "cases_per_min": round(done / elapsed * 60, 1),
            "steps": {k: summary_ms(v) for k, v in t.items()}, "updates_refused_early": refused,
            "workflow_ids": ids, "_raw": t, "_done": done, "_elapsed": elapsed}


def merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two runs at the same concurrency as one (alternated with the other side's runs, so a
    machine whose load drifts weighs on both sides alike)."""
    raw = Timings()
    for part in (a, b):
        for step, values in part["_raw"].items():
            raw.setdefault(step, []).extend(values)
    out = {k: v for k, v in a.items() if not k.startswith("_")}
    elapsed, done = a["_elapsed"] + b["_elapsed"], a["_done"] + b["_done"]
    out.update(cases=a["cases"] + b["cases"], failed=a["failed"] + b["failed"],
               failures=(a["failures"] + b["failures"])[:5], seconds=round(elapsed, 2),
               cases_per_min=round(done / elapsed * 60, 1),
               steps={k: summary_ms(v) for k, v in sorted(raw.items())}, rounds=2)
    for key in ("inbox_polls", "updates_refused_early"):
        if key in a:
            out[key] = a[key] + b[key]
    if "_cpu" in a and "_cpu" in b and done:
        spent = {k: a["_cpu"].get(k, 0.0) + b["_cpu"].get(k, 0.0) for k in a["_cpu"].keys() | b["_cpu"].keys()}
        per_case = {k: round(v / done * 1000, 1) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}
        out["cpu_ms_per_case"] = {**per_case, "total": round(sum(spent.values()) / done * 1000, 1)}
    if "_requests" in a and "_requests" in b and done:
        calls = {k: a["_requests"].get(k, 0.0) + b["_requests"].get(k, 0.0)
                 for k in a["_requests"].keys() | b["_requests"].keys()}
        out["temporal_requests_per_case"] = {k: round(v / done, 1) for k, v in
                                             sorted(calls.items(), key=lambda kv: -kv[1]) if v / done >= 0.05}
    for key in ("case_numbers", "workflow_ids"):
        out.pop(key, None)
    return out


# --- open cases and memory ---------------------------------------------------------------

async def open_cases(system: System, n: int, concurrency: int = 20) -> dict[str, Any]:
    """N cases reported and left waiting on their registration task; peak RSS meanwhile."""
    system.rss.sample()
    before = dict(system.rss.last)
    system.rss.reset_peaks()
    gate = asyncio.Semaphore(concurrency)
    failed = 0
    async with httpx.AsyncClient(base_url=system.api_url, timeout=120, trust_env=False) as http:
        cw = await login(http, "caseworker")

        async def one(i: int) -> None:
            nonlocal failed
            async with gate:
                r = await http.post("/api/v1/cases", headers=cw, json={
                    "report_id": f"bench-open-{uuid.uuid4().hex}", "channel": "walk_in",
                    "place": "示范市救助站门口"})
                failed += r.status_code != 201

        began = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        elapsed = time.perf_counter() - began
    # Wait until the worker has taken every case to its first waiting point.
    deadline = time.monotonic() + max(60, n / 5)
    import asyncpg

    conn = await asyncpg.connect(system.database_url)
    try:
        while time.monotonic() < deadline:
            waiting = await conn.fetchval(
                "SELECT count(*) FROM tasks WHERE kind = 'registration' AND status = 'open'")
            if waiting >= n - failed:
                break
            await asyncio.sleep(1)
    finally:
        await conn.close()
    await asyncio.sleep(2)
    system.rss.sample()
    mib = 2 ** 20
    return {"open_cases": n, "failed": failed, "waiting": int(waiting), "seconds_to_open": round(elapsed, 1),
            "rss_before_mib": {k: round(v / mib) for k, v in before.items()},
            "rss_peak_mib": {k: round(v / mib) for k, v in system.rss.peak.items()},
            "rss_after_mib": {k: round(v / mib) for k, v in system.rss.last.items()}}


# --- profiles ----------------------------------------------------------------------------

async def start_profilers(system: System, where: Path, tag: str) -> list[asyncio.subprocess.Process]:
    """py-spy on the worker and the API while cases run (collapsed stacks, for flame graphs)."""
    where.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the run
    spy = str(Path(sys.executable).with_name("py-spy"))
    procs = []
    for name in ("worker", "api"):
        procs.append(await asyncio.create_subprocess_exec(
            spy, "record", "--nonblocking", "-r", "200", "-f", "raw", "-p",
            str(system.rss.pids[name]), "-o", str(where / f"{name}-{tag}.txt"),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL))
    await asyncio.sleep(1)
    return procs


async def stop_profilers(procs: list[asyncio.subprocess.Process]) -> None:
    import signal

    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        await proc.wait()


# --- the run -----------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    return {"host": platform.node(), "cpus": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
            "memory_gib": round(psutil.virtual_memory().total / 2 ** 30, 1),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
            "os": platform.platform(), "at": datetime.now(UTC).isoformat(timespec="seconds")}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    size = SIZES[args.size]
    for name in ("cases", "open_cases", "read_cases", "stay_years", "read_samples"):
        if getattr(args, name) is not None:
            setattr(size, name, getattr(args, name))
    if args.concurrency:
        size.concurrency = [int(c) for c in args.concurrency.split(",")]
    skip = set(args.skip.split(",")) if args.skip else set()
    out: dict[str, Any] = {"machine": machine(), "parameters": {"size": args.size, **asdict(size),
                                                                 "follow_up_interval_s": FOLLOW_UP_INTERVAL},
                           "note": args.note}
    t0 = time.monotonic()

    def say(line: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f}s] {line}" if line.startswith(("==", "\n--")) else line,
              flush=True)
    say(f"== rescue benchmark, size {args.size}: {json.dumps(out['parameters'], ensure_ascii=False)}")
    say(f"   machine: {json.dumps(out['machine'], ensure_ascii=False)}")
    async with running_system() as system:
        out["versions"] = system.versions
        say(f"   versions: {json.dumps(system.versions, ensure_ascii=False)}")
        # Warm both paths (imports, caches, first workflow tasks) before measuring.
        warm = await run_cases(system, 1, 1)
        number = warm["case_numbers"][0] if warm["case_numbers"] else None
        warm["_raw"] = None
        if number is None:
            raise RuntimeError(f"the warm-up case failed: {warm['failures']}")
        case_h, child_h = await case_histories(system.client, number)
        case_c, child_c = counts(case_h), counts(child_h) if child_h else None
        spec = spec_of(case_c, child_c)
        out["happy_path_counts"] = {"case": case_c, "follow_up": child_c}
        bare_client = await Client.connect(system.temporal_address)
        warm_bare = await run_bare(bare_client, spec, 1, 1)
        bare_wid = warm_bare["workflow_ids"][0]
        bare_h = await bare_client.get_workflow_handle(bare_wid).fetch_history()
        bare_child_h = await bare_client.get_workflow_handle(f"{bare_wid}-child").fetch_history()
        out["bare_counts"] = {"case": counts(bare_h), "follow_up": counts(bare_child_h)}
        out["bare_history"] = {"case": history_size(bare_h), "follow_up": history_size(bare_child_h)}
        say(f"\n-- recorded happy path: case {case_c}; follow-up {child_c}")
        say(f"   bare yardstick:        case {out['bare_counts']['case']}; "
            f"follow-up {out['bare_counts']['follow_up']}")

        out["throughput"], out["latency"] = [], []
        for c in size.concurrency:
            n = max(size.cases, 2 * c)
            half = n // 2
            # Alternated engine, bare, bare, engine: a drifting load weighs on both alike.
            profilers = await start_profilers(system, args.profile, f"c{c}") if args.profile else []
            engine_1 = await with_cpu(system, run_cases(system, half, c))
            await stop_profilers(profilers)
            bare_1 = await with_cpu(system, run_bare(bare_client, spec, half, c))
            bare_2 = await with_cpu(system, run_bare(bare_client, spec, n - half, c))
            engine_2 = await with_cpu(system, run_cases(system, n - half, c))
            engine, bare = merged(engine_1, engine_2), merged(bare_1, bare_2)
            ratio = engine["cases_per_min"] / bare["cases_per_min"] if bare["cases_per_min"] else 0
            out["throughput"].append({"engine": engine, "bare": bare, "ratio": round(ratio, 2)})
            say(f"\n-- 1. whole cases through the API, {c} in flight, {n} cases")
            say(f"   failed: {engine['failed']}/{n} {engine['failures'] or ''}")
            for step, s in engine["steps"].items():
                say(f"   {step:44s} {fmt(s)}")
            say(f"   throughput: {engine['cases_per_min']} cases/min")
            say(f"   CPU ms per case, engine: {fmt_cpu(engine['cpu_ms_per_case'])}")
            say(f"   CPU ms per case, bare:   {fmt_cpu(bare['cpu_ms_per_case'])}")
            for side, run in (("engine", engine), ("bare", bare)):
                calls = run.get("temporal_requests_per_case", {})
                say(f"   Temporal requests per case, {side}: {sum(calls.values()):.0f} = "
                    + "  ".join(f"{k} {v:g}" for k, v in calls.items()))
            if bare["failed"]:
                raise RuntimeError(f"bare Temporal failed: {bare['failures']}")
            say(f"-- 2. bare Temporal, same work, {c} in flight: {bare['cases_per_min']} cases/min "
                f"(failed {bare['failed']}); engine ÷ bare = {ratio:.2f}")
            say(f"   bare whole case                              {fmt(bare['steps']['whole case'])}")
            comp, upd = engine["steps"]["completion answered (all)"], bare["steps"]["update answered"]
            out["latency"].append({"concurrency": c, "completion": comp, "bare_update": upd,
                                   "p99_ratio": round(comp["p99_ms"] / upd["p99_ms"], 2)})
            say(f"-- 3. completion vs bare Update, {c} in flight")
            say(f"   completion through the API                  {fmt(comp)}")
            say(f"   bare Update                                 {fmt(upd)}")
            say(f"   p99 ratio {comp['p99_ms'] / upd['p99_ms']:.2f}")

        say("\n-- 4. history per path")
        paths = {"happy path: case": history_size(case_h)}
        if child_h is not None:
            paths["happy path: follow-up"] = history_size(child_h)
        whole = sum(p["bytes"] for p in paths.values())
        paths["happy path: case + follow-up"] = {
            "events": sum(p["events"] for p in paths.values()), "bytes": whole,
            "json_bytes": sum(p["json_bytes"] for p in paths.values())}
        out["history"] = paths
        if "stay" not in skip:
            out["long_stay"] = await long_stay(system, size.stay_years)
            paths[f"long-term stay {size.stay_years:g} y: largest run"] = out["long_stay"]["largest_run"]
        for name, p in paths.items():
            say(f"   {name:44s} {p['events']:6d} events {p['bytes'] / 1024:8.1f} KiB "
                f"({p['json_bytes'] / 1024:.1f} KiB as JSON)")
        if "long_stay" in out:
            ls = out["long_stay"]
            say(f"   long-term stay: {ls['runs']} runs (continue-as-new), {ls['total_events']} events "
                f"in all, {ls['care_records']} care records")

        if "open" not in skip:
            say(f"\n-- 5. memory with {size.open_cases} cases open and waiting")
            out["open_cases"] = await open_cases(system, size.open_cases)
            o = out["open_cases"]
            say(f"   opened in {o['seconds_to_open']} s, {o['waiting']} waiting, {o['failed']} failed")
            for proc in ("worker", "api"):
                say(f"   {proc:8s} peak RSS {o['rss_peak_mib'].get(proc)} MiB "
                    f"(before {o['rss_before_mib'].get(proc)} MiB, after {o['rss_after_mib'].get(proc)} MiB)")

        if "read" not in skip:
            say(f"\n-- 6. read side over {size.read_cases:,} cases (seeded with COPY)")
            out["read_side"] = await measure_read_side(system, size.read_cases, size.read_samples, say)
        out["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="The cost of a case, against bare Temporal.")
    p.add_argument("--size", choices=sorted(SIZES), default="small")
    p.add_argument("--cases", type=int, help="cases per concurrency (at least 2× the concurrency)")
    p.add_argument("--concurrency", help="comma-separated, e.g. 10,40")
    p.add_argument("--open-cases", type=int)
    p.add_argument("--read-cases", type=int)
    p.add_argument("--read-samples", type=int)
    p.add_argument("--stay-years", type=float)
    p.add_argument("--skip", help="comma-separated sections to skip: stay, open, read")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--profile", type=Path, help="py-spy the worker and the API into this folder")
    p.add_argument("--note", default="", help="e.g. what else was loading the machine")
    return p.parse_args(argv)


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    status = 0
    try:
        result = asyncio.run(main(arguments))
        text = json.dumps(result, ensure_ascii=False, indent=1, default=str)
        if arguments.json:
            arguments.json.write_text(text, encoding="utf-8")
            print(f"\nfigures written to {arguments.json}")
    except Exception as exc:  # print and exit non-zero, through os._exit (Temporal SDK at exit)
        import traceback

        traceback.print_exc()
        print(f"benchmark failed: {exc!r}", flush=True)
        status = 1
    sys.stdout.flush()
    os._exit(status)
