"""Benchmark: how many cases the whole system carries from report to handover, and how fast.

Starts the real stack in this process (embedded PostgreSQL, Temporal dev server, simulators,
worker, API), then N cases are driven through the API by C concurrent users, as caseworkers,
transport and liaisons would: report → registration (police lookup) → voucher (ticket
exchange) → boarding → handover. Prints latency per step (p50/p95/max), throughput, the
size of a case's history, and the process's memory. Run: ``scripts/bench [N] [C]``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta

import httpx
import psutil

from stack.inprocess import running_stack

PASSWORD = "Rescue-Demo-2026"


async def _login(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    resp = await http.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


async def _task(http: httpx.AsyncClient, who: dict[str, str], case_id: str, kind: str) -> dict:
    for _ in range(600):
        resp = await http.get("/api/v1/tasks", headers=who, params={"limit": 500})
        resp.raise_for_status()
        for task in resp.json():
            if task["case_id"] == case_id and task["kind"] == kind:
                return task
        await asyncio.sleep(0.05)
    raise RuntimeError(f"no {kind} task for {case_id}")


class Timings:
    def __init__(self) -> None:
        self.steps: dict[str, list[float]] = {}

    async def time(self, step: str, coro):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = await coro
        self.steps.setdefault(step, []).append(time.perf_counter() - start)
        return result


async def _one_case(http: httpx.AsyncClient, users: dict[str, dict[str, str]], t: Timings) -> str:
    cw, transport, liaison = users["caseworker"], users["transport"], users["liaison"]
    start = time.perf_counter()
    resp = await t.time("1 report → case opened", http.post("/api/v1/cases", headers=cw, json={
        "report_id": f"bench-{uuid.uuid4().hex}", "channel": "walk_in", "place": "示范市救助站门口"}))
    resp.raise_for_status()
    case_id = resp.json()["case_id"]
    steps = [
        ("2 registration (+ police lookup)", cw, "registration",
         {"person": {"name": "张建国", "sex": "male", "birth_date": "1968-03-12"}}),
        ("3 voucher (+ ticket exchange)", cw, "ticket_voucher",
         {"destination": "东湖站", "travel_date": (date.today() + timedelta(days=1)).isoformat()}),
        ("4 boarding confirmed", transport, "boarding_confirmation", {"boarded": True}),
        ("5 handover receipt", liaison, "handover_receipt",
         {"received_by": "家属", "relationship": "亲属", "received_on": date.today().isoformat()}),
    ]
    for step, who, kind, payload in steps:
        task = await t.time(f"{step}: task in inbox", _task(http, who, case_id, kind))
        resp = await t.time(f"{step}: completion answered", http.post(
            f"/api/v1/tasks/{task['task_id']}/complete", headers=who, json={"payload": payload}))
        resp.raise_for_status()
    t.steps.setdefault("report → handover, whole case", []).append(time.perf_counter() - start)
    return str(resp.json()["case"]["case_number"])


def _fmt(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"n={len(values):4d}  p50={statistics.median(values) * 1000:8.1f} ms  "
            f"p95={p95 * 1000:8.1f} ms  max={ordered[-1] * 1000:8.1f} ms")


async def main(cases: int, concurrency: int) -> None:
    proc = psutil.Process()
    async with running_stack(policy="compressed") as stack:
        rss_start = proc.memory_info().rss
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=120) as http:
            users = {u: await _login(http, u) for u in ("caseworker", "transport", "liaison")}
            t = Timings()
            gate = asyncio.Semaphore(concurrency)

            async def run_one() -> str:
                async with gate:
                    return await _one_case(http, users, t)

            began = time.perf_counter()
            numbers = await asyncio.gather(*(run_one() for _ in range(cases)))
            elapsed = time.perf_counter() - began
        history = await stack.client.get_workflow_handle(f"rescue-case:{numbers[0]}").fetch_history()
        size = len(history.to_json())
        rss_end = proc.memory_info().rss
    print(f"\n{cases} cases, {concurrency} concurrent users, {os.cpu_count()} cores")
    for step in sorted(t.steps):
        print(f"  {step:52s} {_fmt(t.steps[step])}")
    print(f"  throughput: {cases / elapsed * 60:.1f} cases/min ({elapsed:.1f} s for all)")
    print(f"  history of one case until handover: {len(history.events)} events, {size / 1024:.1f} KiB JSON")
    print(f"  memory of this process (API + worker + simulators): {rss_start / 2**20:.0f} MiB at start, "
          f"{rss_end / 2**20:.0f} MiB after")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    c = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    status = 0
    try:
        asyncio.run(main(n, c))
    except Exception as exc:  # print and exit non-zero, through os._exit (Temporal SDK at exit)
        print(f"benchmark failed: {exc!r}", flush=True)
        status = 1
    sys.stdout.flush()
    os._exit(status)
