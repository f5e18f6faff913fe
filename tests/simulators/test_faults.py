"""Fault injection and the admin endpoints, exercised through the ticket office."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

ADMIN = {"Authorization": "Bearer demo-sim-admin"}
VOUCHER = {
    "voucher_number": "V-100",
    "passenger_name": "李小明",
    "destination": "西山",
    "travel_date": (date.today() + timedelta(days=2)).isoformat(),
}
NO_FAULTS = {"latency_ms": 0, "failure_rate": 0.0, "failure_mode": "before", "down": False}


async def test_failure_before_processing_issues_nothing(make_client) -> None:
    client = await make_client("transport", faults={"failure_rate": 1.0})
    r = await client.post("/tickets/exchange", json=VOUCHER, headers={"Idempotency-Key": "k"})
    assert r.status_code == 503
    assert r.json()["code"] == "service_unavailable"
    await client.put("/admin/faults", json=NO_FAULTS, headers=ADMIN)
    assert (await client.get("/tickets")).json() == []


async def test_failure_after_processing_loses_only_the_response(make_client) -> None:
    client = await make_client("transport", faults={"failure_rate": 1.0, "failure_mode": "after"})
    lost = await client.post("/tickets/exchange", json=VOUCHER, headers={"Idempotency-Key": "k"})
    assert lost.status_code == 503
    await client.put("/admin/faults", json=NO_FAULTS, headers=ADMIN)
    tickets = (await client.get("/tickets")).json()
    assert len(tickets) == 1
    retry = await client.post("/tickets/exchange", json=VOUCHER, headers={"Idempotency-Key": "k"})
    assert retry.status_code == 200
    assert retry.json()["ticket_number"] == tickets[0]["ticket_number"]
    assert len((await client.get("/tickets")).json()) == 1


@pytest.mark.parametrize("agency", ["police", "hospital", "transport"])
async def test_down_answers_503_everywhere_but_admin(make_client, agency: str) -> None:
    client = await make_client(agency, faults={"down": True})
    assert (await client.get("/healthz")).status_code == 503
    r = await client.post("/tickets/exchange", json=VOUCHER, headers={"Idempotency-Key": "k"})
    assert r.status_code == 503
    assert (await client.get("/admin/faults", headers=ADMIN)).json()["down"] is True
    await client.put("/admin/faults", json=NO_FAULTS, headers=ADMIN)
    assert (await client.get("/healthz")).json() == {"status": "ok", "agency": agency}


async def test_faults_do_not_touch_healthz_except_down(make_client) -> None:
    client = await make_client("police", faults={"failure_rate": 1.0})
    assert (await client.get("/healthz")).status_code == 200


async def test_admin_requires_the_bearer_token(make_client) -> None:
    client = await make_client("transport")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "demo-sim-admin"}):
        r = await client.get("/admin/faults", headers=headers)
        assert r.status_code == 401
        assert r.json()["code"] == "unauthorized"
    assert (await client.put("/admin/faults", json=NO_FAULTS)).status_code == 401
    assert (await client.post("/admin/reset")).status_code == 401


async def test_admin_sets_reads_and_validates_faults(make_client) -> None:
    client = await make_client("hospital")
    assert (await client.get("/admin/faults", headers=ADMIN)).json() == NO_FAULTS
    wanted = {"latency_ms": 10, "failure_rate": 0.25, "failure_mode": "after", "down": False}
    assert (await client.put("/admin/faults", json=wanted, headers=ADMIN)).json() == wanted
    assert (await client.get("/admin/faults", headers=ADMIN)).json() == wanted
    bad = await client.put("/admin/faults", json={**wanted, "failure_rate": 2}, headers=ADMIN)
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_request"


async def test_reset_clears_state_and_faults(make_client) -> None:
    client = await make_client("transport", faults={"latency_ms": 1})
    await client.post("/tickets/exchange", json=VOUCHER, headers={"Idempotency-Key": "k"})
    assert (await client.post("/admin/reset", headers=ADMIN)).status_code == 200
    assert (await client.get("/admin/faults", headers=ADMIN)).json() == NO_FAULTS
    assert (await client.get("/tickets")).json() == []
    again = await client.post("/tickets/exchange", json=VOUCHER, headers={"Idempotency-Key": "k"})
    assert again.status_code == 201


async def test_reset_clears_the_lookup_log(make_client) -> None:
    client = await make_client("police")
    await client.post("/population/lookup", json={"request_id": "r", "name": "张建国"})
    await client.post("/admin/reset", headers=ADMIN)
    assert (await client.get("/population/lookups")).json() == []


async def test_latency_is_applied(make_client) -> None:
    client = await make_client("police", faults={"latency_ms": 200})
    started = time.monotonic()
    r = await client.get("/population/lookups")
    assert r.status_code == 200
    assert time.monotonic() - started >= 0.2


async def test_failures_are_reproducible_from_the_seed(make_client) -> None:
    async def outcomes(seed: int) -> list[int]:
        client = await make_client("police", seed=seed, faults={"failure_rate": 0.5})
        return [(await client.get("/population/lookups")).status_code for _ in range(30)]

    first = await outcomes(7)
    assert first == await outcomes(7)
    assert set(first) == {200, 503}
