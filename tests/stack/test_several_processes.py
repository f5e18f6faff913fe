"""Beyond one process: two workers and two API processes (``python -m worker``, ``python -m
api``) on one task queue and one database. Sessions, the login lockout, idempotent reports,
callbacks, the outbox relays and the schedules stay correct with more than one of each."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from rescue.settings import Settings
from stack.children import child_env
from stack.temporal_server import free_port
from support import DEMO_PASSWORD, Stack, new_report, registration
from workflows.ids import case_workflow_id

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Pair:
    settings: Settings
    apis: list[httpx.AsyncClient]
    metrics_ports: list[int]


@pytest.fixture(scope="module")
async def pair(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pair]:
    settings = stack.settings.model_copy(update={
        "task_queue": f"pair-{uuid.uuid4().hex[:8]}", "access_log": True,  # off by default
        "data_dir": Path(str(tmp_path_factory.mktemp("pair")))})
    env = child_env(settings, stack.database_url, stack.settings.temporal_address or "")
    procs: list[subprocess.Popen[bytes]] = []
    ports, metrics = [free_port(), free_port()], [free_port(), free_port()]
    logs = settings.data_dir
    try:
        for n in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "worker"], cwd=ROOT, stderr=subprocess.STDOUT,
                stdout=open(logs / f"worker{n}.log", "wb"),  # noqa: SIM115 - closed with the process
                env={**env, "RESCUE_WORKER_METRICS_PORT": str(free_port())}))
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "api"], cwd=ROOT, stderr=subprocess.STDOUT,
                stdout=open(logs / f"api{n}.log", "wb"),  # noqa: SIM115
                env={**env, "RESCUE_API_PORT": str(ports[n]),
                     "RESCUE_API_METRICS_PORT": str(metrics[n])}))
        apis = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=60, trust_env=False)
                for p in ports]
        for api in apis:  # both up, both see two live workers
            for _ in range(600):
                try:
                    r = await api.get("/healthz")
                    if r.status_code == 200 and r.json()["worker"]["detail"].startswith("2 live"):
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"not healthy: {(logs / 'api0.log').read_text()[-2000:]}")
        yield Pair(settings, apis, metrics)
        for api in apis:
            await api.aclose()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _login(api: httpx.AsyncClient, username: str) -> dict[str, str]:
    r = await api.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _running(api: httpx.AsyncClient, headers: dict[str, str], case_id: str) -> dict:
    for _ in range(300):
        r = await api.get(f"/api/v1/cases/{case_id}", headers=headers)
        if r.status_code == 200 and r.json()["source"] == "workflow" and r.json()["open_tasks"]:
            return dict(r.json())
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id} never ran")


async def test_sessions_and_lockout_hold_across_api_processes(pair: Pair) -> None:
    a, b = pair.apis
    token = await _login(a, "caseworker")
    assert (await b.get("/api/v1/auth/me", headers=token)).status_code == 200
    assert (await b.post("/api/v1/auth/logout", headers=token)).status_code == 204
    r = await a.get("/api/v1/auth/me", headers=token)
    assert (r.status_code, r.json()["code"]) == (401, "session_revoked")
    ghost = f"ghost-{uuid.uuid4().hex[:8]}"  # an unknown name locks like a real one
    for n in range(5):  # failures counted together, whichever process took them
        r = await pair.apis[n % 2].post("/api/v1/auth/token",
                                        data={"username": ghost, "password": "wrong-123456"})
        assert r.status_code == (401 if n < 4 else 423), r.text
    for api in (a, b):
        r = await api.post("/api/v1/auth/token", data={"username": ghost, "password": "x"})
        assert (r.status_code, r.json()["code"]) == (423, "account_locked")


async def test_reports_callbacks_and_cases_across_processes(pair: Pair, stack: Stack) -> None:
    a, b = pair.apis
    heads = [await _login(a, "caseworker"), await _login(b, "caseworker")]
    # The same report sent four times to each API: one case.
    report = new_report()
    answers = await asyncio.gather(*(pair.apis[n % 2].post("/api/v1/cases", json=report,
                                                            headers=heads[n % 2])
                                     for n in range(8)))
    assert sorted(r.status_code for r in answers) == [200] * 7 + [201]
    assert len({r.json()["case_id"] for r in answers}) == 1
    case_id = answers[0].json()["case_id"]
    number = (await _running(a, heads[0], case_id))["case_number"]
    conn = await asyncpg.connect(stack.database_url)
    try:  # precondition of a DNA result: the case sent a sample (recorded as before sample ids)
        await conn.execute(
            "INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary, data)"
            " VALUES ($1, $2, now(), 'dna_submitted', '样本已录入', '{}'::jsonb)",
            uuid.uuid4(), uuid.UUID(case_id))
    finally:
        await conn.close()
    # One DNA callback sent five times to each API, and two others: three go to the case.
    police = {"X-Agency-Key": pair.settings.police_callback_key}
    bodies = [{"callback_id": f"dna-{uuid.uuid4().hex}", "case_number": number,
               "sample_id": f"S-{i}", "matched": False, "record": None,
               "compared_at": "2026-11-30T08:00:00+08:00"} for i in range(3)]
    sent = [bodies[0]] * 10 + bodies[1:]
    answers = await asyncio.gather(*(pair.apis[n % 2].post(
        "/api/v1/agency/police/dna-results", json=body, headers=police)
        for n, body in enumerate(sent)))
    statuses = sorted(r.json()["status"] for r in answers)
    assert statuses.count("duplicate") == 9 and len(statuses) - 9 == 3, statuses
    # Cases opened through both APIs are run by the workers and move on.
    cases = [(await pair.apis[n % 2].post("/api/v1/cases", json=new_report(),
                                          headers=heads[n % 2])).json()["case_id"]
             for n in range(6)]
    for n, cid in enumerate(cases):
        running = await _running(pair.apis[n % 2], heads[n % 2], cid)
        [task] = running["open_tasks"]
        # The workflow shows its task a moment before its sync writes it where tasks are
        # completed from (the read model): wait until the other API can read it.
        other = pair.apis[(n + 1) % 2]
        for _ in range(100):
            if (await other.get(f"/api/v1/tasks/{task['task_id']}", headers=heads[(n + 1) % 2])).status_code == 200:
                break
            await asyncio.sleep(0.05)
        r = await pair.apis[(n + 1) % 2].post(f"/api/v1/tasks/{task['task_id']}/complete",
                                             json={"payload": registration()},
                                             headers=heads[(n + 1) % 2])
        assert r.status_code == 200, r.text
        assert r.json()["case"]["stage"] == "return_home"
    case = await _running(b, heads[1], case_id)
    for _ in range(100):
        dna = [e for e in case["timeline"] if e["kind"] == "dna_no_match"]
        if len(dna) >= 3:
            break
        await asyncio.sleep(0.1)
        case = await _running(b, heads[1], case_id)
    assert len(dna) == 3


async def test_relays_of_several_processes_deliver_each_message_once_in_order(
    pair: Pair, stack: Stack
) -> None:
    a, _ = pair.apis
    head = await _login(a, "caseworker")
    numbers = []
    for _ in range(3):
        r = await a.post("/api/v1/cases", json=new_report(), headers=head)
        numbers.append((r.json()["case_id"], (await _running(a, head, r.json()["case_id"]))[
            "case_number"]))
    conn = await asyncpg.connect(stack.database_url)
    try:  # twenty messages per case stored at once, as the API would; every relay races
        rows = [(case_workflow_id(number), "signal", "dna_result",
                 {"callback_id": f"o-{uuid.uuid4().hex}", "case_number": number,
                  "sample_id": f"S-{i:02d}", "matched": False, "record": None,
                  "compared_at": "2026-11-30T08:00:00+08:00"}, None)
                for i in range(20) for _, number in numbers]
        await conn.executemany("INSERT INTO outbox (workflow_id, kind, name, payload, dedupe_key)"
                               " VALUES ($1, $2, $3, $4::jsonb, $5)",
                               [(w, k, n, json.dumps(p), d) for w, k, n, p, d in rows])
        for _ in range(600):
            left = await conn.fetchval("SELECT count(*) FROM outbox WHERE finished_at IS NULL "
                                       "AND workflow_id = ANY($1::text[])",
                                       [case_workflow_id(n) for _, n in numbers])
            if left == 0:
                break
            await asyncio.sleep(0.1)
        assert left == 0
    finally:
        await conn.close()
    for case_id, _ in numbers:
        for _ in range(100):
            case = await _running(a, head, case_id)
            samples = [e["data"]["sample_id"] for e in case["timeline"]
                       if e["kind"] == "dna_no_match"]
            if len(samples) >= 20:
                break
            await asyncio.sleep(0.1)
        assert samples == [f"S-{i:02d}" for i in range(20)]  # each once, in the order stored


async def test_schedules_once_and_metrics_per_process(pair: Pair, stack: Stack) -> None:
    ids = [s.id async for s in await stack.client.list_schedules()]
    mine = sorted(i for i in ids if i.endswith(pair.settings.task_queue))
    assert mine == [f"rescue-key-day-patrols:{pair.settings.task_queue}",
                    f"rescue-monthly-report-round:{pair.settings.task_queue}"]
    async with httpx.AsyncClient(trust_env=False) as http:
        for port in pair.metrics_ports:
            text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
            assert 'rescue_api_requests_total{method="GET",route="/healthz",status="200"}' in text
            assert "rescue_outbox_pending" in text


async def test_the_access_log_of_an_api_process_has_no_query_strings(pair: Pair) -> None:
    a = pair.apis[0]
    token = await _login(a, "caseworker")
    needle = "110105196803121237"
    assert (await a.get("/api/v1/cases", params={"q": needle}, headers=token)).status_code == 200
    log = pair.settings.data_dir / "api0.log"
    for _ in range(100):  # the access line is written once the answer has gone
        if '"GET /api/v1/cases HTTP/1.1" 200' in log.read_text():
            break
        await asyncio.sleep(0.05)
    text = log.read_text()
    assert '"GET /api/v1/cases HTTP/1.1" 200' in text and needle not in text
