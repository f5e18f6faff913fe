"""Designated-hospital simulator: idempotent admissions."""

from __future__ import annotations

import asyncio

ADMISSION = {
    "case_ref": "case-001",
    "introduction_letter_no": "JS-2026-0001",
    "patient_name": None,
    "reason": "高热、意识模糊",
}


async def test_admit_and_read_back(make_client) -> None:
    client = await make_client("hospital")
    r = await client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "k"})
    assert r.status_code == 201
    admission = r.json()
    assert set(admission) == {"admission_no", "admitted_at", "ward"}
    stored = await client.get(f"/admissions/{admission['admission_no']}")
    assert stored.status_code == 200
    assert stored.json()["case_ref"] == "case-001"
    assert stored.json()["ward"] == admission["ward"]


async def test_replayed_key_returns_the_same_admission(make_client) -> None:
    client = await make_client("hospital")
    first = await client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "k"})
    again = await client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "k"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = await client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "k2"})
    assert other.json()["admission_no"] != first.json()["admission_no"]


async def test_same_key_different_body_conflicts(make_client) -> None:
    client = await make_client("hospital")
    await client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "k"})
    r = await client.post(
        "/admissions", json={**ADMISSION, "reason": "外伤"}, headers={"Idempotency-Key": "k"}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "idempotency_conflict"


async def test_idempotency_key_is_required(make_client) -> None:
    client = await make_client("hospital")
    r = await client.post("/admissions", json=ADMISSION)
    assert r.status_code == 422
    assert r.json()["code"] == "missing_idempotency_key"


async def test_unknown_admission_is_not_found(make_client) -> None:
    client = await make_client("hospital")
    r = await client.get("/admissions/ZY99999999")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


async def test_concurrent_identical_admissions_admit_once(make_client) -> None:
    client = await make_client("hospital")
    responses = await asyncio.gather(
        *(
            client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "same"})
            for _ in range(20)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["admission_no"] for r in responses}) == 1


async def test_healthz(make_client) -> None:
    client = await make_client("hospital")
    assert (await client.get("/healthz")).json() == {"status": "ok", "agency": "hospital"}
