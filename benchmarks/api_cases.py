"""Whole cases driven through the API as the agencies would work them (report, registration,
voucher, boarding, handover, one follow-up visit), each person's inbox a long-poll, and the
percentile figures every section of the benchmark prints."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from benchmarks.http_client import ERRORS, LightClient
from benchmarks.processes import System

Http = httpx.AsyncClient | LightClient
"""The drivers work with either: the throughput runs use the lighter one."""

PASSWORD = "Rescue-Demo-2026"
FOLLOW_UP_INTERVAL = 0.2
"""Seconds between handover and the follow-up visit (compressed policy override)."""


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values, in the values' unit."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(pct(values, 50) * 1000, 1),
            "p95_ms": round(pct(values, 95) * 1000, 1), "p99_ms": round(pct(values, 99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1) if values else float("nan")}


def fmt(s: dict[str, float]) -> str:
    return (f"n={s['n']:<5} p50 {s['p50_ms']:8.1f}  p95 {s['p95_ms']:8.1f}  "
            f"p99 {s['p99_ms']:8.1f}  max {s['max_ms']:8.1f} ms")


async def login(http: Http, username: str) -> dict[str, str]:
    resp = await http.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


class Inbox:
    """One person's inbox kept open, as at a desk: one long-poll for all the cases in flight
    (``since``/``wait``, answered when a task arrives), and the last answer on screen, where
    a case's next task is often already listed when its completion comes back. Without the
    X-Inbox-Version header (an API from before), it polls every ``every`` s."""

    def __init__(self, http: Http, who: dict[str, str], every: float = 0.05):
        self.http, self.who, self.every = http, who, every
        self.waiting: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}
        self.polls = 0
        self.version: str | None = None
        self.shown: dict[tuple[str, str], dict[str, Any]] = {}
        """The last answer: the open tasks on screen, by case and kind."""
        self._task: asyncio.Task[None] | None = None

    async def task(self, case_id: str, kind: str, within: float = 120) -> dict[str, Any]:
        listed = self.shown.pop((case_id, kind), None)
        if listed is not None:
            return listed
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[(case_id, kind)] = fut
        try:
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._poll())
            return await asyncio.wait_for(fut, within)
        finally:
            self.waiting.pop((case_id, kind), None)

    async def _fetch(self) -> None:
        params: dict[str, Any] = {"limit": 500}
        if self.version is not None:
            params.update(since=self.version, wait=5)
        try:
            resp = await self.http.get("/api/v1/tasks", headers=self.who, params=params)
        except (httpx.HTTPError, *ERRORS):
            await asyncio.sleep(self.every)  # counted as a poll that found nothing
            return
        finally:
            self.polls += 1
        if resp.status_code != 200:
            return
        self.version = resp.headers.get("X-Inbox-Version")
        self.shown = {}
        for task in resp.json():
            fut = self.waiting.get((task["case_id"], task["kind"]))
            if fut is not None and not fut.done():
                fut.set_result(task)
            else:
                self.shown[(task["case_id"], task["kind"])] = task

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _poll(self) -> None:
        """Long-polls while someone waits; the first answer (no version yet) comes at once."""
        while self.waiting:
            await self._fetch()
            if self.version is None:
                await asyncio.sleep(self.every)


class Timings(dict[str, list[float]]):
    def add(self, step: str, seconds: float) -> None:
        self.setdefault(step, []).append(seconds)


async def one_case(http: Http, users: dict[str, dict[str, str]],
                   inboxes: dict[str, Inbox], t: Timings) -> str:
    """A whole case through the API, as the station, the railway and the community do it."""
    start = time.perf_counter()
    resp = await http.post("/api/v1/cases", headers=users["caseworker"], json={
        "report_id": f"bench-{uuid.uuid4().hex}", "channel": "walk_in", "place": "示范市救助站门口",
        "policy_overrides": {"follow_up_interval": FOLLOW_UP_INTERVAL}})
    resp.raise_for_status()
    t.add("report answered", time.perf_counter() - start)
    case_id = resp.json()["case_id"]
    today = date.today().isoformat()
    steps = [
        ("caseworker", "registration", {"person": {"name": "张建国", "sex": "male",
                                                   "birth_date": "1968-03-12"}}),
        ("caseworker", "ticket_voucher", {"destination": "东湖站", "travel_date": (
            date.today() + timedelta(days=1)).isoformat()}),
        ("transport", "boarding_confirmation", {"boarded": True}),
        ("liaison", "handover_receipt", {"received_by": "家属", "relationship": "亲属",
                                         "received_on": today}),
        ("liaison", "follow_up_visit", {"visited_on": today, "met_person": True,
                                        "family_contacted": True, "situation": "生活稳定",
                                        "end_follow_up": True, "end_reason": "已稳定生活，无需继续随访"}),
    ]
    for who, kind, payload in steps:
        began = time.perf_counter()
        task = await inboxes[who].task(case_id, kind)
        t.add(f"{kind}: task reached inbox", time.perf_counter() - began)
        began = time.perf_counter()
        resp = await http.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=users[who],
                               json={"payload": payload})
        resp.raise_for_status()
        t.add(f"{kind}: completion answered", time.perf_counter() - began)
        t.add("completion answered (all)", time.perf_counter() - began)
    t.add("whole case", time.perf_counter() - start)
    return str(resp.json()["case"]["case_number"])


async def run_cases(system: System, cases: int, concurrency: int) -> dict[str, Any]:
    """Section 1 and the engine's half of 3: cases through the API at this concurrency."""
    async with LightClient(system.api_url, timeout=180, connections=200) as http:
        users = {u: await login(http, u) for u in ("caseworker", "transport", "liaison")}
        inboxes = {u: Inbox(http, h) for u, h in users.items()}
        t = Timings()
        gate = asyncio.Semaphore(concurrency)
        failures: list[str] = []
        numbers: list[str] = []

        async def run_one() -> None:
            async with gate:
                try:
                    numbers.append(await one_case(http, users, inboxes, t))
                except Exception as exc:  # noqa: BLE001 - counted and shown
                    failures.append(repr(exc)[:200])

        began = time.perf_counter()
        await asyncio.gather(*(run_one() for _ in range(cases)))
        elapsed = time.perf_counter() - began
        for inbox in inboxes.values():
            await inbox.close()
    return {"concurrency": concurrency, "cases": cases, "failed": len(failures),
            "failures": failures[:5], "seconds": round(elapsed, 2),
            "cases_per_min": round(len(numbers) / elapsed * 60, 1),
            "steps": {k: summary_ms(v) for k, v in sorted(t.items())},
            "inbox_polls": sum(i.polls for i in inboxes.values()), "case_numbers": numbers,
            "_raw": t, "_done": len(numbers), "_elapsed": elapsed}
