"""Railway ticket-office simulator: idempotent issuing, conflicts and refusals."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def voucher(number: str = "V-001", **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "voucher_number": number,
        "passenger_name": "张建国",
        "destination": "东湖",
        "travel_date": TOMORROW,
    }
    body.update(changes)
    return body


async def test_exchange_issues_a_ticket(make_client) -> None:
    client = await make_client("transport")
    r = await client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "k1"})
    assert r.status_code == 201
    ticket = r.json()
    assert set(ticket) == {
        "ticket_number",
        "train",
        "departure_station",
        "destination",
        "travel_date",
        "seat",
    }
    assert ticket["ticket_number"].startswith("E") and len(ticket["ticket_number"]) == 10
    assert ticket["train"].startswith("K")
    assert ticket["departure_station"] == "示范站"
    assert (ticket["destination"], ticket["travel_date"]) == ("东湖", TOMORROW)


async def test_same_destination_same_train_and_unique_numbers(make_client) -> None:
    client = await make_client("transport")
    a = await client.post(
        "/tickets/exchange", json=voucher("V-1"), headers={"Idempotency-Key": "a"}
    )
    b = await client.post(
        "/tickets/exchange", json=voucher("V-2"), headers={"Idempotency-Key": "b"}
    )
    assert a.json()["train"] == b.json()["train"]
    assert a.json()["ticket_number"] != b.json()["ticket_number"]
    assert a.json()["seat"] != b.json()["seat"]


async def test_replayed_key_returns_the_same_ticket(make_client) -> None:
    client = await make_client("transport")
    first = await client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "k"})
    again = await client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "k"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    tickets = (await client.get("/tickets")).json()
    assert len(tickets) == 1
    assert tickets[0]["ticket_number"] == first.json()["ticket_number"]
    assert tickets[0]["voucher_number"] == "V-001"


async def test_same_key_different_body_conflicts(make_client) -> None:
    client = await make_client("transport")
    await client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "k"})
    r = await client.post(
        "/tickets/exchange", json=voucher(destination="西山"), headers={"Idempotency-Key": "k"}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "idempotency_conflict"
    assert len((await client.get("/tickets")).json()) == 1


async def test_past_travel_date_is_refused(make_client) -> None:
    client = await make_client("transport")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    r = await client.post(
        "/tickets/exchange", json=voucher(travel_date=yesterday), headers={"Idempotency-Key": "k"}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_travel_date"
    today = await client.post(
        "/tickets/exchange",
        json=voucher(travel_date=date.today().isoformat()),
        headers={"Idempotency-Key": "k2"},
    )
    assert today.status_code == 201
    assert len((await client.get("/tickets")).json()) == 1


async def test_voucher_is_exchanged_only_once(make_client) -> None:
    client = await make_client("transport")
    await client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "k1"})
    r = await client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "k2"})
    assert r.status_code == 409
    assert r.json()["code"] == "voucher_already_used"


async def test_idempotency_key_is_required(make_client) -> None:
    client = await make_client("transport")
    r = await client.post("/tickets/exchange", json=voucher())
    assert r.status_code == 422
    assert r.json()["code"] == "missing_idempotency_key"
    assert (await client.get("/tickets")).json() == []


async def test_destination_length_is_checked(make_client) -> None:
    client = await make_client("transport")
    for destination in ("", "长" * 101):
        r = await client.post(
            "/tickets/exchange",
            json=voucher(destination=destination),
            headers={"Idempotency-Key": "k"},
        )
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_request"


async def test_exchange_requires_api_key(make_client) -> None:
    client = await make_client("transport")
    r = await client.post(
        "/tickets/exchange",
        json=voucher(),
        headers={"Idempotency-Key": "k", "X-Api-Key": "wrong"},
    )
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


async def test_concurrent_identical_requests_issue_one_ticket(make_client) -> None:
    client = await make_client("transport", faults={"latency_ms": 5})
    responses = await asyncio.gather(
        *(
            client.post("/tickets/exchange", json=voucher(), headers={"Idempotency-Key": "same"})
            for _ in range(20)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["ticket_number"] for r in responses}) == 1
    assert len((await client.get("/tickets")).json()) == 1
