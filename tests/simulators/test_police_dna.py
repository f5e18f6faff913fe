"""Police DNA database: idempotent sample submission, and comparison results sent back later by
the simulator itself to a real HTTP receiver (retries, giving up, repeats, automatic results)."""

from __future__ import annotations

import asyncio

from sim_support import ADMIN, wait_deliveries

from domain.callbacks import DnaResult
from simulators.police import load_population
from stack.temporal_server import free_port

SAMPLE = {
    "case_number": "JZ-TEST-0001",
    "sample_id": "S-1",
    "collected_on": "2026-03-01",
    "collected_by": "police",
}
LI_XIAOMING = next(p for p in load_population() if p.name == "李小明")
ZHANG = next(p for p in load_population() if p.name == "张建国")


def _callbacks(receiver, **config):
    return {
        "callback_url": receiver.url,
        "callback_key": "police-cb",
        "callback_retry_pause_ms": 10,
        **config,
    }


async def _submit(client, sample=SAMPLE, key="S-1"):
    return await client.post("/dna/samples", json=sample, headers={"Idempotency-Key": key})


async def test_submit_is_idempotent(make_client) -> None:
    client = await make_client("police")
    first = await _submit(client)
    assert first.status_code == 201
    assert set(first.json()) == {"sample_id", "database_ref"}
    again = await _submit(client)
    assert (again.status_code, again.json()) == (200, first.json())
    conflict = await _submit(client, {**SAMPLE, "collected_by": "other"})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    other_key = await _submit(client, key="other")
    assert (other_key.status_code, other_key.json()["code"]) == (409, "sample_exists")
    missing = await client.post("/dna/samples", json=SAMPLE)
    assert missing.json()["code"] == "missing_idempotency_key"
    samples = (await client.get("/admin/dna/samples", headers=ADMIN)).json()
    assert [s["sample_id"] for s in samples] == ["S-1"]


async def test_endpoints_need_their_keys(make_client) -> None:
    client = await make_client("police")
    r = await client.post(
        "/dna/samples", json=SAMPLE, headers={"Idempotency-Key": "k", "X-Api-Key": "wrong"}
    )
    assert r.status_code == 401
    assert (await client.get("/admin/dna/samples")).status_code == 401
    r = await client.post("/admin/dna/S-1/result", json={"matched": False})
    assert r.status_code == 401


async def test_admin_result_is_sent_back_in_the_background(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    r = await client.post(
        "/admin/dna/S-1/result",
        headers=ADMIN,
        json={"matched": True, "id_number": ZHANG.id_number, "delay_ms": 300},
    )
    assert r.status_code == 202
    assert receiver.received == []  # answered before the callback went out
    [got] = await receiver.wait_for(1)
    assert got.path == "/api/v1/agency/police/dna-results"
    assert got.agency_key == "police-cb"
    result = DnaResult.model_validate(got.body)
    assert result.callback_id == r.json()["callback_id"]
    assert (result.case_number, result.sample_id, result.matched) == ("JZ-TEST-0001", "S-1", True)
    assert result.record is not None and result.record.id_number == ZHANG.id_number


async def test_no_match_and_default_match(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    await client.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": False})
    await client.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": True})
    no, yes = await receiver.wait_for(2)
    assert (no.body["matched"], no.body["record"]) == (False, None)
    assert yes.body["record"]["id_number"] == LI_XIAOMING.id_number  # the demo minor
    assert no.body["callback_id"] != yes.body["callback_id"]


async def test_repeat_sends_the_same_callback(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    r = await client.post(
        "/admin/dna/S-1/result", headers=ADMIN, json={"matched": False, "repeat": 3}
    )
    assert r.json()["deliveries"] == 3
    got = await receiver.wait_for(3)
    assert {g.body["callback_id"] for g in got} == {r.json()["callback_id"]}
    assert all(g.body == got[0].body for g in got)


async def test_trigger_refusals(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    unknown = await client.post("/admin/dna/S-9/result", headers=ADMIN, json={"matched": False})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    nobody = await client.post(
        "/admin/dna/S-1/result",
        headers=ADMIN,
        json={"matched": True, "id_number": "110105199901010000"},
    )
    assert (nobody.status_code, nobody.json()["code"]) == (422, "unknown_person")
    odd = await client.post(
        "/admin/dna/S-1/result",
        headers=ADMIN,
        json={"matched": False, "id_number": ZHANG.id_number},
    )
    assert odd.json()["code"] == "id_number_without_match"
    unconfigured = await make_client("police")
    await _submit(unconfigured)
    r = await unconfigured.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": False})
    assert (r.status_code, r.json()["code"]) == (409, "callback_not_configured")


async def test_delivery_retries_while_the_api_fails(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    receiver.fail_next = 2
    await client.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": False})
    await receiver.wait_for(1)
    [delivery] = await wait_deliveries(client, 1)
    assert (delivery["outcome"], delivery["attempts"], delivery["status_code"]) == (
        "delivered",
        3,
        202,
    )


async def test_delivery_gives_up_when_the_api_is_down(make_client) -> None:
    client = await make_client(
        "police",
        callback_url=f"http://127.0.0.1:{free_port()}",
        callback_attempts=3,
        callback_retry_pause_ms=10,
    )
    await _submit(client)
    r = await client.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": False})
    assert r.status_code == 202
    [delivery] = await wait_deliveries(client, 1)
    assert (delivery["outcome"], delivery["attempts"], delivery["status_code"]) == (
        "gave_up",
        3,
        None,
    )


async def test_a_refusal_is_not_retried(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    receiver.status = 401
    await _submit(client)
    await client.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": False})
    [delivery] = await wait_deliveries(client, 1)
    assert (delivery["outcome"], delivery["attempts"], delivery["status_code"]) == (
        "refused",
        1,
        401,
    )


async def test_automatic_result_after_submission(make_client, receiver) -> None:
    client = await make_client(
        "police", **_callbacks(receiver, auto_dna_result_after_ms=50, auto_dna_match=True)
    )
    await _submit(client)
    await _submit(client)  # a replay sends nothing more
    [got] = await receiver.wait_for(1)
    assert got.body["matched"] is True
    assert got.body["record"]["id_number"] == LI_XIAOMING.id_number
    await asyncio.sleep(0.2)
    assert len(receiver.received) == 1


async def test_no_automatic_result_by_default(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    await asyncio.sleep(0.2)
    assert receiver.received == []


async def test_reset_forgets_samples_and_deliveries(make_client, receiver) -> None:
    client = await make_client("police", **_callbacks(receiver))
    await _submit(client)
    await client.post("/admin/dna/S-1/result", headers=ADMIN, json={"matched": False})
    await wait_deliveries(client, 1)
    assert (await client.post("/admin/reset", headers=ADMIN)).status_code == 200
    assert (await client.get("/admin/dna/samples", headers=ADMIN)).json() == []
    assert (await client.get("/admin/callbacks", headers=ADMIN)).json() == []
    assert (await _submit(client)).status_code == 201
