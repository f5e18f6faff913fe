"""Bounded fault tests on the system as ``scripts/run`` runs it: a worker SIGKILLed in the
middle of an agency call, Temporal killed with cases in flight, PostgreSQL killed under load,
and callbacks sent while Temporal cannot be reached. Each prints its figures."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid

import asyncpg
import httpx
import pytest
from fault_system import System

from support import login, new_report, registration, voucher, wait_for_task
from workflows.ids import case_workflow_id

# Each test waits through real outages, and the first also starts the whole system.
pytestmark = pytest.mark.timeout(600)


async def _database_url(system: System) -> str:
    from stack.backup import _running_url

    url = _running_url(system.data_dir / "pg")
    assert url is not None
    return url


async def _open(api: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await api.post("/api/v1/cases", json=new_report(), headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["case_id"])


async def _running(api: httpx.AsyncClient, headers: dict[str, str], case_id: str) -> dict:
    """The case from its workflow, once it has opened a task (the inbox may list others first)."""
    for _ in range(600):
        r = await api.get(f"/api/v1/cases/{case_id}", headers=headers)
        if r.status_code == 200 and r.json()["source"] == "workflow" and r.json()["open_tasks"]:
            return dict(r.json())
        await asyncio.sleep(0.2)
    raise AssertionError(f"case {case_id} has no open task from its workflow")


async def _register(api: httpx.AsyncClient, headers: dict[str, str], case_id: str) -> None:
    task = await wait_for_task(api, headers, case_id, "registration", timeout=120)
    r = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                       json={"payload": registration()}, headers=headers)
    assert r.status_code == 200, r.text


async def test_worker_killed_in_the_middle_of_a_ticket_exchange(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=60, trust_env=False) as api:
        caseworker, transport = await login(api, "caseworker"), await login(api, "transport")
        case_id = await _open(api, caseworker)
        await _register(api, caseworker, case_id)
        task = await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=60)
        sim = system.settings.transport_url
        await api.put(f"{sim}/admin/faults", headers=system.sim_admin(),
                      json={"latency_ms": 3000})  # the exchange is in flight for 3 s
        completing = asyncio.create_task(api.post(
            f"/api/v1/tasks/{task['task_id']}/complete", json={"payload": voucher()},
            headers=caseworker))
        await asyncio.sleep(1.5)
        old = system.pid("worker")
        os.kill(old, signal.SIGKILL)
        killed = time.monotonic()
        await api.put(f"{sim}/admin/faults", headers=system.sim_admin(), json={"latency_ms": 0})
        answer = await completing
        boarding = await wait_for_task(api, transport, case_id, "boarding_confirmation",
                                       timeout=120)
        seconds = time.monotonic() - killed
        tickets = (await api.get(f"{sim}/tickets", headers={
            "X-Api-Key": system.settings.agency_api_key})).json()
        number = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()[
            "case_number"]
        mine = [t for t in tickets if t["voucher_number"].startswith(f"HP{number}")]
        print(f"\nworker SIGKILLed mid exchange: restarted as pid {system.pid('worker')}, "
              f"boarding task {seconds:.1f} s after the kill; completion answered "
              f"{answer.status_code}; tickets issued for the voucher: {len(mine)}")
        assert system.pid("worker") != old
        assert len(mine) == 1 and boarding["context"]["ticket"] == mine[0]["ticket_number"]
        assert answer.status_code in (200, 503), answer.text


async def test_temporal_killed_and_healed_with_cases_in_flight(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=60, trust_env=False) as api:
        caseworker = await login(api, "caseworker")
        cases = [await _open(api, caseworker) for _ in range(8)]
        for case_id in cases:  # every case waits for its registration task
            await wait_for_task(api, caseworker, case_id, "registration", timeout=60)
        os.killpg(system.pid("temporal"), signal.SIGKILL)
        killed = time.monotonic()
        healed = await system.healthy()
        for case_id in cases:
            await _register(api, caseworker, case_id)
        for case_id in cases:
            await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=120)
        print(f"\nTemporal SIGKILLed with {len(cases)} cases in flight: healthy again after "
              f"{healed:.1f} s; all {len(cases)} moved on to the voucher "
              f"{time.monotonic() - killed:.1f} s after the kill; none lost")
        assert "Temporal 已恢复 / is back" in system.console.getvalue()


async def test_postgres_killed_under_load_answers_503_then_catches_up(system: System) -> None:
    log = system.data_dir / "logs" / "api.log"
    log_start = log.stat().st_size
    statuses: dict[int, int] = {}
    errors: list[str] = []
    reports: dict[str, int] = {}  # report id -> last status
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30, trust_env=False) as api:
        caseworker = await login(api, "caseworker")
        stop = asyncio.Event()

        async def load(n: int) -> None:
            while not stop.is_set():
                report = new_report(report_id=f"load-{n}-{uuid.uuid4().hex[:8]}")
                try:
                    r = await api.post("/api/v1/cases", json=report, headers=caseworker)
                    reports[report["report_id"]] = r.status_code
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                    r = await api.get("/api/v1/cases?limit=5", headers=caseworker)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                    if r.status_code == 503:
                        assert r.json()["code"] == "database_unavailable"
                        assert r.headers["retry-after"]
                except httpx.HTTPError as err:  # no answer at all: counted apart
                    errors.append(type(err).__name__)
                await asyncio.sleep(0.05)

        loaders = [asyncio.create_task(load(n)) for n in range(3)]
        await asyncio.sleep(3)
        os.kill(system.postmaster_pid(), signal.SIGKILL)
        killed = time.monotonic()
        for _ in range(600):
            if "PostgreSQL 已恢复 / is back" in system.console.getvalue():
                break
            await asyncio.sleep(0.1)
        back = time.monotonic() - killed
        await asyncio.sleep(3)
        stop.set()
        await asyncio.gather(*loaders)
        healthy = await system.healthy()
        # Catch-up: a report answered 503 is sent again with its id; it opens one case.
        refused = [rid for rid, status in reports.items() if status != 201]
        for rid in refused:
            r = await api.post("/api/v1/cases", json=new_report(report_id=rid), headers=caseworker)
            assert r.status_code in (200, 201), r.text
    conn = await asyncpg.connect(await _database_url(system))
    try:
        rows = await conn.fetch("SELECT report_id, case_id, case_number FROM case_reports "
                                "WHERE report_id = ANY($1::text[])", list(reports))
    finally:
        await conn.close()
    print(f"\nPostgreSQL SIGKILLed under load: back after {back:.1f} s, healthy "
          f"{healthy:.1f} s later; answers by status {dict(sorted(statuses.items()))}; "
          f"{len(reports)} reports, {len(refused)} sent again after the outage, "
          f"{len(rows)} cases; requests without an answer: {errors}")
    assert statuses.get(503, 0) > 0 and statuses.get(500, 0) == 0 and not errors
    assert len(rows) == len(reports)  # one case per report, none twice (report id is unique)
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30, trust_env=False) as api:
        caseworker = await login(api, "caseworker")
        for row in rows:  # their workflows run: a registration task each
            case = await _running(api, caseworker, str(row["case_id"]))
            assert [t["kind"] for t in case["open_tasks"]] == ["registration"]
    new_lines = log.read_bytes()[log_start:].decode(errors="replace")
    assert "Traceback" not in new_lines


async def _sample_sent(system: System, case_id: str) -> None:
    """Precondition of a DNA result: the case sent a sample (recorded as before sample ids)."""
    conn = await asyncpg.connect(await _database_url(system))
    try:
        await conn.execute(
            "INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary, data)"
            " VALUES ($1, $2, now(), 'dna_submitted', '样本已录入', '{}'::jsonb)",
            uuid.uuid4(), uuid.UUID(case_id))
    finally:
        await conn.close()


async def test_temporal_unreachable_reports_reads_completions_and_callbacks(
    system: System,
) -> None:
    """Temporal frozen (SIGSTOP: alive to the supervisor, deaf to everyone) for about 40 s:
    a case is read from the read model with its open tasks, a report is recorded and its
    workflow started afterwards, a completion says it may be done and a resend does it once,
    callbacks are stored and delivered afterwards, each once."""
    async with httpx.AsyncClient(base_url=system.api_url, timeout=90, trust_env=False) as api:
        caseworker = await login(api, "caseworker")
        case_id = await _open(api, caseworker)
        case = await _running(api, caseworker, case_id)
        number, [task] = case["case_number"], case["open_tasks"]
        await _sample_sent(system, case_id)
        police = {"X-Agency-Key": system.settings.police_callback_key}
        bodies = [{"callback_id": f"dna-{uuid.uuid4().hex}", "case_number": number,
                   "sample_id": f"S-{i}", "matched": False, "record": None,
                   "compared_at": "2026-11-30T08:00:00+08:00"} for i in range(3)]
        temporal = system.pid("temporal")
        os.killpg(temporal, signal.SIGSTOP)
        try:
            completing = asyncio.create_task(api.post(
                f"/api/v1/tasks/{task['task_id']}/complete",
                json={"payload": registration()}, headers=caseworker))
            started = time.monotonic()
            read = await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)
            read_seconds = time.monotonic() - started
            report = await api.post("/api/v1/cases", json=new_report(), headers=caseworker)
            answers = []
            for body in bodies + bodies:  # each twice
                answers.append(await api.post("/api/v1/agency/police/dna-results",
                                              json=body, headers=police))
            completion = await completing
        finally:
            os.killpg(temporal, signal.SIGCONT)
        resumed = time.monotonic()
        assert read.status_code == 200 and read.json()["source"] == "read_model"
        assert [t["kind"] for t in read.json()["open_tasks"]] == ["registration"]
        assert (report.status_code, report.json()["workflow_started"]) == (202, False)
        assert [(r.status_code, r.json()["status"]) for r in answers] == (
            [(202, "queued")] * 3 + [(200, "duplicate")] * 3)
        assert (completion.status_code, completion.json()["code"]) == (503, "completion_unknown")
        assert "可能已办理" in completion.json()["message"]
        # Back: the report's workflow starts, the callbacks arrive, a resend completes once.
        queued_case = await _running(api, caseworker, report.json()["case_id"])
        resend = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                                json={"payload": registration()}, headers=caseworker)
        assert resend.status_code in (200, 409), resend.text
        for _ in range(600):
            case = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()
            got = [e for e in case["timeline"] if e["kind"] == "dna_no_match"]
            if len(got) >= 3 and case["source"] == "workflow" and case["stage"] != "admission":
                break
            await asyncio.sleep(0.2)
        seconds = time.monotonic() - resumed
        await asyncio.sleep(2)
        case = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()
        got = [e for e in case["timeline"] if e["kind"] == "dna_no_match"]
        print(f"\nTemporal frozen {resumed - started:.0f} s: a case read from the read model in "
              f"{read_seconds:.1f} s with its open task; a report answered 202 and its workflow "
              f"ran after (registration task: {queued_case['open_tasks'][0]['kind']}); the "
              f"completion answered 503 completion_unknown, the resend {resend.status_code}; "
              f"3 callbacks (each sent twice) answered 202 queued / 200 duplicate and were all "
              f"delivered {seconds:.1f} s after Temporal came back: {len(got)} timeline entries")
        assert len(got) == 3
        assert case["stage"] == "return_home"
        assert [t["kind"] for t in case["open_tasks"]] == ["ticket_voucher"]
    conn = await asyncpg.connect(await _database_url(system))
    try:
        # A start that reached Temporal while its answer was lost is marked at the relay's next
        # attempt (backoff up to 30 s): poll the outbox until every row is finished.
        for _ in range(300):
            outcomes = await conn.fetch("SELECT kind, outcome FROM outbox WHERE workflow_id = ANY($1)",
                                        [case_workflow_id(number), report.json()["workflow_id"]])
            if all(r["outcome"] is not None for r in outcomes):
                break
            await asyncio.sleep(0.2)
        done = await conn.fetchval("SELECT count(*) FROM tasks WHERE case_id = $1 AND "
                                   "kind = 'registration' AND status = 'done'", uuid.UUID(case_id))
    finally:
        await conn.close()
    assert sorted((r["kind"], r["outcome"]) for r in outcomes) == (
        [("signal", "delivered")] * 3 + [("start_case", "delivered")])
    assert done == 1
