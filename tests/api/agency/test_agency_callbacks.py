"""Agency callbacks on the real stack: the simulators call the API, the API signals the case's
workflow once per callback id. The receiving workflow here is a probe defined by the test (on
its own task queue), so these tests do not depend on the case workflow's handlers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RetryConfig
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from api.app import create_app
from api.context import AppContext
from api.outbox.deliverers import DELIVERERS
from api.outbox.relay import Relay
from db.migrate import apply_migrations
from db.pool import create_pool
from db.seed import load_demo
from domain.callbacks import (
    SIGNAL_DNA_RESULT,
    SIGNAL_HOSPITAL_DISCHARGE,
    SIGNAL_SETTLEMENT_VOUCHER,
    DnaResult,
    HospitalDischarge,
    SettlementVoucher,
)
from rescue.codec import data_converter
from simulators.police import load_population
from stack.postgres import drop_database, ensure_database
from stack.temporal_server import TemporalDevServer, free_port
from support import Stack
from workflows.ids import case_workflow_id, treatment_workflow_id

DNA = "/api/v1/agency/police/dna-results"
DISCHARGES = "/api/v1/agency/hospital/discharges"
VOUCHERS = "/api/v1/agency/hospital/settlement-vouchers"
LI = next(p for p in load_population() if p.name == "李小明")
NO_RETRY = RetryConfig(initial_interval_millis=50, max_retries=1, max_elapsed_time_millis=500)


@workflow.defn(name="CallbackProbe")
class CallbackProbe:
    """Stands in for a case or treatment workflow: records every callback signal it gets."""

    def __init__(self) -> None:
        self._received: list[dict[str, Any]] = []

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.signal(name=SIGNAL_DNA_RESULT)
    async def dna_result(self, result: DnaResult) -> None:
        self._received.append({"kind": SIGNAL_DNA_RESULT, "callback_id": result.callback_id,
                               "matched": result.matched})

    @workflow.signal(name=SIGNAL_HOSPITAL_DISCHARGE)
    async def discharge(self, discharge: HospitalDischarge) -> None:
        self._received.append({"kind": SIGNAL_HOSPITAL_DISCHARGE,
                               "callback_id": discharge.callback_id})

    @workflow.signal(name=SIGNAL_SETTLEMENT_VOUCHER)
    async def voucher(self, voucher: SettlementVoucher) -> None:
        self._received.append({"kind": SIGNAL_SETTLEMENT_VOUCHER,
                               "callback_id": voucher.callback_id,
                               "amount_fen": voucher.amount_fen})

    @workflow.query
    def received(self) -> list[dict[str, Any]]:
        return self._received


class Probes:
    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue
        self.handles: list[WorkflowHandle[Any, Any]] = []

    async def start(self, workflow_id: str) -> WorkflowHandle[Any, Any]:
        handle = await self.client.start_workflow(CallbackProbe.run, id=workflow_id,
                                                  task_queue=self.task_queue)
        self.handles.append(handle)
        return handle


@pytest.fixture(scope="module")
async def probes(stack: Stack) -> AsyncIterator[Probes]:
    task_queue = f"callback-probe-{uuid.uuid4().hex[:8]}"
    async with Worker(stack.client, task_queue=task_queue, workflows=[CallbackProbe],
                      workflow_runner=UnsandboxedWorkflowRunner()):
        probes = Probes(stack.client, task_queue)
        yield probes
        for handle in probes.handles:
            try:
                await handle.terminate()
            except Exception:  # already closed by a test
                pass


async def _case(stack: Stack, *, samples: tuple[str, ...] | None = None) -> str:
    """A case in the records for the probes: callbacks are checked against the case. Without
    ``samples`` its DNA submission is recorded as before sample ids were (any sample counts)."""
    number = f"JZ-TEST-{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(stack.database_url)
    try:
        case_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO cases (case_id, case_number, workflow_id, station_node_id, stage, version,"
            " opened_at, updated_at) VALUES ($1, $2, $3, 'city-station', 'identity_search', 1, now(), now())",
            case_id, number, f"probe:{number}")
        for data in ([f'{{"sample_id": "{s}"}}' for s in samples] if samples is not None else ["{}"]):
            await conn.execute(
                "INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary, data)"
                " VALUES ($1, $2, now(), 'dna_submitted', '样本已录入', $3::jsonb)",
                uuid.uuid4(), case_id, data)
    finally:
        await conn.close()
    return number


async def _received(handle: WorkflowHandle[Any, Any], count: int,
                    timeout: float = 20) -> list[dict[str, Any]]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        got = await handle.query(CallbackProbe.received)
        if len(got) >= count:
            return got
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"probe got {got}, wanted {count} callbacks")
        await asyncio.sleep(0.05)


async def _deliveries(stack: Stack, agency: str, callback_id: str, count: int,
                      timeout: float = 20) -> list[dict[str, Any]]:
    """The simulator's finished deliveries of this callback, once there are ``count``."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as http:
        while True:
            log = (await http.get(f"{stack.sim_url(agency)}/admin/callbacks",
                                  headers=stack.sim_admin())).json()
            mine = [d for d in log if d["callback_id"] == callback_id and d["outcome"] != "pending"]
            if len(mine) >= count:
                return mine
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"deliveries of {callback_id}: {mine}")
            await asyncio.sleep(0.05)


async def _audit(stack: Stack, subject: str) -> list[tuple[str, str, bool, str]]:
    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT username, action, allowed, detail FROM audit_log "
                                "WHERE subject = $1 ORDER BY audit_id", subject)
    finally:
        await conn.close()
    return [(r["username"], r["action"], r["allowed"], r["detail"]) for r in rows]


async def _dedupe_row(stack: Stack, callback_id: str) -> asyncpg.Record | None:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return await conn.fetchrow("SELECT * FROM agency_callbacks WHERE callback_id = $1",
                                   callback_id)
    finally:
        await conn.close()


def _dna(case_number: str, **changes: Any) -> dict[str, Any]:
    body = {"callback_id": f"dna-{uuid.uuid4().hex}", "case_number": case_number,
            "sample_id": "S-1", "matched": False, "record": None,
            "compared_at": datetime.now(UTC).isoformat()}
    body.update(changes)
    return body


def _police(stack: Stack) -> dict[str, str]:
    return {"X-Agency-Key": stack.settings.police_callback_key}


async def test_dna_result_from_the_simulator_signals_once(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    case = await _case(stack)
    handle = await probes.start(case_workflow_id(case))
    sim = stack.sim_url("police")
    async with httpx.AsyncClient() as http:
        r = await http.post(f"{sim}/dna/samples", headers={
            "X-Api-Key": stack.settings.agency_api_key, "Idempotency-Key": f"{case}-S1"},
            json={"case_number": case, "sample_id": f"{case}-S1", "collected_on": "2026-03-01",
                  "collected_by": "police"})
        assert r.status_code == 201, r.text
        r = await http.post(f"{sim}/admin/dna/{case}-S1/result", headers=stack.sim_admin(),
                            json={"matched": True, "id_number": LI.id_number, "repeat": 3})
        assert r.status_code == 202, r.text
    callback_id = r.json()["callback_id"]
    deliveries = await _deliveries(stack, "police", callback_id, 3)
    assert [d["status_code"] for d in deliveries] == [202, 200, 200]
    await _received(handle, 1)
    await asyncio.sleep(0.3)
    assert await handle.query(CallbackProbe.received) == [
        {"kind": SIGNAL_DNA_RESULT, "callback_id": callback_id, "matched": True}]
    row = await _dedupe_row(stack, callback_id)
    assert row is not None and row["signalled_at"] is not None
    assert (row["agency"], row["kind"], row["workflow_id"]) == (
        "police", SIGNAL_DNA_RESULT, case_workflow_id(case))
    assert await _audit(stack, case_workflow_id(case)) == [
        ("agency:police", "callback:dna_result", True, "accepted"),
        ("agency:police", "callback:dna_result", True, "duplicate"),
        ("agency:police", "callback:dna_result", True, "duplicate")]


async def test_hospital_callbacks_from_the_simulator(stack: Stack, probes: Probes) -> None:
    case_ref = f"{await _case(stack)}/T1"
    handle = await probes.start(treatment_workflow_id(case_ref))
    sim = stack.sim_url("hospital")
    async with httpx.AsyncClient() as http:
        r = await http.post(f"{sim}/admissions", headers={
            "X-Api-Key": stack.settings.agency_api_key, "Idempotency-Key": case_ref},
            json={"case_ref": case_ref, "introduction_letter_no": "JS-1", "reason": "高热"})
        admission_no = r.json()["admission_no"]
        admin = f"{sim}/admin/admissions/{admission_no}"
        voucher = await http.post(f"{admin}/settlement", headers=stack.sim_admin(), json={
            "voucher_no": f"V-{admission_no}", "repeat": 2,
            "items": [{"description": "床位费", "amount_fen": 12000},
                      {"description": "药费", "amount_fen": 3450}]})
        assert voucher.status_code == 202, voucher.text
        await _received(handle, 1)
        discharge = await http.post(f"{admin}/discharge", headers=stack.sim_admin(),
                                    json={"outcome": "recovered", "repeat": 2})
        assert discharge.status_code == 202, discharge.text
    await _deliveries(stack, "hospital", voucher.json()["callback_id"], 2)
    await _deliveries(stack, "hospital", discharge.json()["callback_id"], 2)
    assert await _received(handle, 2) == [
        {"kind": SIGNAL_SETTLEMENT_VOUCHER, "callback_id": voucher.json()["callback_id"],
         "amount_fen": 15450},
        {"kind": SIGNAL_HOSPITAL_DISCHARGE, "callback_id": discharge.json()["callback_id"]}]


async def test_agency_keys(stack: Stack, probes: Probes, api: httpx.AsyncClient) -> None:
    case = await _case(stack)
    handle = await probes.start(case_workflow_id(case))
    body = _dna(case)
    for headers in ({}, {"X-Agency-Key": "wrong"},
                    {"X-Agency-Key": stack.settings.hospital_callback_key}):
        r = await api.post(DNA, json=body, headers=headers)
        assert (r.status_code, r.json()["code"]) == (401, "agency_unauthorized")
    voucher = {"callback_id": "v1", "case_ref": f"{case}/T1", "admission_no": "ZY1",
               "voucher_no": "V1", "amount_fen": 100}
    r = await api.post(VOUCHERS, json=voucher, headers=_police(stack))
    assert (r.status_code, r.json()["code"]) == (401, "agency_unauthorized")
    refused = [row for row in await _audit(stack, DNA) if row[3] == "wrong key"]
    assert refused and not refused[-1][2]
    assert await handle.query(CallbackProbe.received) == []
    assert await _dedupe_row(stack, body["callback_id"]) is None
    assert (await api.post(DNA, json=body, headers=_police(stack))).status_code == 202


async def test_unknown_case_then_retry_after_the_workflow_exists(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    case = await _case(stack)
    body = _dna(case)
    r = await api.post(DNA, json=body, headers=_police(stack))
    assert (r.status_code, r.json()["code"]) == (404, "unknown_case")
    assert await _dedupe_row(stack, body["callback_id"]) is None
    handle = await probes.start(case_workflow_id(case))
    r = await api.post(DNA, json=body, headers=_police(stack))
    assert (r.status_code, r.json()) == (202, {"status": "accepted"})
    r = await api.post(DNA, json=body, headers=_police(stack))
    assert (r.status_code, r.json()) == (200, {"status": "duplicate"})
    assert [g["callback_id"] for g in await _received(handle, 1)] == [body["callback_id"]]


async def test_concurrent_copies_signal_once(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    case = await _case(stack)
    handle = await probes.start(case_workflow_id(case))
    body = _dna(case)
    answers = await asyncio.gather(*(api.post(DNA, json=body, headers=_police(stack))
                                     for _ in range(10)))
    assert sorted(r.status_code for r in answers) == [200] * 9 + [202]
    await asyncio.sleep(0.3)
    assert len(await _received(handle, 1)) == 1


async def test_same_callback_id_with_another_body_conflicts(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    case = await _case(stack)
    handle = await probes.start(case_workflow_id(case))
    body = _dna(case)
    assert (await api.post(DNA, json=body, headers=_police(stack))).status_code == 202
    r = await api.post(DNA, json={**body, "matched": True}, headers=_police(stack))
    assert (r.status_code, r.json()["code"]) == (409, "callback_conflict")
    assert len(await _received(handle, 1)) == 1


async def test_hospital_case_ref_must_be_a_treatment_ref(
    stack: Stack, api: httpx.AsyncClient
) -> None:
    body = {"callback_id": f"d-{uuid.uuid4().hex}", "case_ref": "JZ-TEST-1", "admission_no": "ZY1",
            "discharged_at": datetime.now(UTC).isoformat(), "outcome": "recovered"}
    r = await api.post(DISCHARGES, json=body,
                       headers={"X-Agency-Key": stack.settings.hospital_callback_key})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_case_ref")
    r = await api.post(DISCHARGES, json={**body, "case_ref": "JZ-TEST-1/T1"},
                       headers={"X-Agency-Key": stack.settings.hospital_callback_key})
    assert (r.status_code, r.json()["code"]) == (404, "unknown_case")


async def test_closed_case_refuses_and_forgets(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    case = await _case(stack)
    handle = await probes.start(case_workflow_id(case))
    await handle.terminate()
    body = _dna(case)
    r = await api.post(DNA, json=body, headers=_police(stack))
    assert (r.status_code, r.json()["code"]) == (409, "case_closed")
    assert await _dedupe_row(stack, body["callback_id"]) is None


async def _post_with_temporal(stack: Stack, client: Client, body: dict[str, Any]) -> httpx.Response:
    """POST a callback to an API app (same database) whose Temporal client is ``client``."""
    pool = await create_pool(stack.database_url)
    try:
        app = create_app(stack.settings, context=AppContext(stack.settings, pool, client))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://api") as api:
            return await api.post(DNA, json=body, headers=_police(stack))
    finally:
        await pool.close()


async def _outbox(stack: Stack, callback_id: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return await conn.fetch("SELECT * FROM outbox WHERE dedupe_key = $1", callback_id)
    finally:
        await conn.close()


@pytest.fixture
async def own_db(stack: Stack) -> AsyncIterator[Stack]:
    """The stack with a database of its own: the session API's relay (which talks to the
    session's Temporal) must not deliver this test's outbox to the wrong Temporal."""
    name = f"outage_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(stack.database_url, name)
    await apply_migrations(url)
    await load_demo(url, stack.settings)
    try:
        yield replace(stack, database_url=url)
    finally:
        await drop_database(stack.database_url, name)


async def test_temporal_never_reached_stores_the_callback(own_db: Stack) -> None:
    """No Temporal at all: the callback is stored and answered 202 queued, not refused."""
    client = await Client.connect(
        f"127.0.0.1:{free_port()}", lazy=True, retry_config=NO_RETRY,
        data_converter=data_converter([own_db.settings.resolved_payload_key()]))
    body = _dna(await _case(own_db))
    r = await _post_with_temporal(own_db, client, body)
    assert (r.status_code, r.json()) == (202, {"status": "queued"})
    row = await _dedupe_row(own_db, body["callback_id"])
    assert row is not None and row["signalled_at"] is None
    [queued] = await _outbox(own_db, body["callback_id"])
    assert queued["finished_at"] is None and queued["attempts"] == 1
    assert queued["last_error"]


async def test_callbacks_during_a_temporal_outage_arrive_once_afterwards(
    own_db: Stack, tmp_path: Path
) -> None:
    """Temporal stops under a connected API: callbacks are stored (202 queued), repeats are
    duplicates, and once Temporal is back the relay delivers each exactly once, in order."""
    port = free_port()
    server = TemporalDevServer(port=port, ui_port=None, db_file=tmp_path / "temporal.sqlite",
                               log_file=tmp_path / "temporal.log")
    converter = data_converter([own_db.settings.resolved_payload_key()])
    address = await server.start()
    client = await Client.connect(address, data_converter=converter)
    task_queue = f"outage-probe-{uuid.uuid4().hex[:8]}"
    case_ref = f"{await _case(own_db)}/T1"
    try:
        async with Worker(client, task_queue=task_queue, workflows=[CallbackProbe],
                          workflow_runner=UnsandboxedWorkflowRunner()):
            handle = await client.start_workflow(CallbackProbe.run,
                                                 id=treatment_workflow_id(case_ref),
                                                 task_queue=task_queue)
            await server.stop()
            voucher = {"callback_id": f"v-{uuid.uuid4().hex}", "case_ref": case_ref,
                       "admission_no": "ZY1", "voucher_no": f"V-{uuid.uuid4().hex[:8]}",
                       "items": [{"description": "床位费", "amount_fen": 12000}],
                       "amount_fen": 12000}
            discharge = {"callback_id": f"d-{uuid.uuid4().hex}", "case_ref": case_ref,
                         "admission_no": "ZY1", "discharged_at": datetime.now(UTC).isoformat(),
                         "outcome": "recovered"}
            pool = await create_pool(own_db.database_url)
            try:
                ctx = AppContext(own_db.settings, pool, client)
                app = create_app(own_db.settings, context=ctx)
                hospital = {"X-Agency-Key": own_db.settings.hospital_callback_key}
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                             base_url="http://api") as api:
                    answers = [await api.post(path, json=body, headers=hospital)
                               for path, body in ((VOUCHERS, voucher), (DISCHARGES, discharge),
                                                  (VOUCHERS, voucher))]
                assert [(r.status_code, r.json()["status"]) for r in answers] == [
                    (202, "queued"), (202, "queued"), (200, "duplicate")]
                await server.start()  # same port, same SQLite file: the probe is still there
                relay = Relay(pool, client, DELIVERERS, poll_seconds=0.2)
                relaying = asyncio.create_task(relay.run())
                try:
                    got = await _received(handle, 2, timeout=90)
                finally:
                    relaying.cancel()
            finally:
                await pool.close()
            await asyncio.sleep(0.5)
            assert await handle.query(CallbackProbe.received) == got == [
                {"kind": SIGNAL_SETTLEMENT_VOUCHER, "callback_id": voucher["callback_id"],
                 "amount_fen": 12000},
                {"kind": SIGNAL_HOSPITAL_DISCHARGE, "callback_id": discharge["callback_id"]}]
            # The voucher failed while Temporal was down; the discharge waited behind it.
            for body, attempts in ((voucher, 2), (discharge, 1)):
                [row] = await _outbox(own_db, body["callback_id"])
                assert row["outcome"] == "delivered" and row["attempts"] >= attempts
                assert (await _dedupe_row(own_db, body["callback_id"]))["signalled_at"]
            await handle.terminate()
    finally:
        await server.stop()


async def test_a_dna_result_counts_only_for_a_sample_the_case_sent(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    case = await _case(stack, samples=("S-REAL",))
    handle = await probes.start(case_workflow_id(case))
    # A result for a sample this case never sent: refused, recorded, nothing signalled.
    made_up = _dna(case, sample_id="S-MADE-UP", matched=True)
    r = await api.post(DNA, json=made_up, headers=_police(stack))
    assert (r.status_code, r.json()["code"]) == (422, "unknown_sample")
    assert "样本" in r.json()["message"]
    assert await _dedupe_row(stack, made_up["callback_id"]) is None
    # A case nobody opened: 404 before anything is claimed.
    stray = _dna("JZ-NOWHERE-000001")
    r = await api.post(DNA, json=stray, headers=_police(stack))
    assert (r.status_code, r.json()["code"]) == (404, "unknown_case")
    # The real sample's result goes through, and only it reached the case.
    real = _dna(case, sample_id="S-REAL")
    r = await api.post(DNA, json=real, headers=_police(stack))
    assert (r.status_code, r.json()) == (202, {"status": "accepted"})
    assert [g["callback_id"] for g in await _received(handle, 1)] == [real["callback_id"]]
    details = [row[3] for row in await _audit(stack, case)]
    assert "unknown_sample" in details


async def test_callback_ids_belong_to_their_agency(
    stack: Stack, probes: Probes, api: httpx.AsyncClient
) -> None:
    """The police and the hospital number their callbacks themselves: the same id from each
    is two callbacks, and neither blocks the other."""
    shared = f"cb-{uuid.uuid4().hex[:8]}"
    case = await _case(stack)
    police_probe = await probes.start(case_workflow_id(case))
    r = await api.post(DNA, json=_dna(case, callback_id=shared), headers=_police(stack))
    assert (r.status_code, r.json()) == (202, {"status": "accepted"})
    case_ref = f"{await _case(stack)}/T1"
    hospital_probe = await probes.start(treatment_workflow_id(case_ref))
    discharge = {"callback_id": shared, "case_ref": case_ref, "admission_no": "ZY1",
                 "outcome": "recovered", "discharged_at": datetime.now(UTC).isoformat()}
    r = await api.post(DISCHARGES, json=discharge,
                       headers={"X-Agency-Key": stack.settings.hospital_callback_key})
    assert (r.status_code, r.json()) == (202, {"status": "accepted"}), r.text
    assert [g["callback_id"] for g in await _received(police_probe, 1)] == [shared]
    assert [g["callback_id"] for g in await _received(hospital_probe, 1)] == [shared]
