"""Designated-hospital simulator: idempotent admissions and emergency pickups."""

from __future__ import annotations

import asyncio

from sim_support import ADMIN

from domain.agencies import HospitalAdmission, HospitalAdmissionInput

ADMISSION = {
    "case_ref": "JZ-TEST-0001/T1",
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
    assert stored.json()["case_ref"] == "JZ-TEST-0001/T1"
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


async def test_admission_takes_the_contract_body(make_client) -> None:
    """The adapter sends HospitalAdmissionInput minus case_number and admission_key."""
    client = await make_client("hospital")
    letter = HospitalAdmissionInput(case_number="JZ-TEST-0001", admission_key="A-1", **ADMISSION)
    body = letter.model_dump(mode="json", exclude={"case_number", "admission_key"})
    r = await client.post(
        "/admissions", json=body, headers={"Idempotency-Key": letter.admission_key}
    )
    assert r.status_code == 201
    HospitalAdmission.model_validate(r.json())
    listed = (await client.get("/admin/admissions", headers=ADMIN)).json()
    assert [a["admission_no"] for a in listed] == [r.json()["admission_no"]]


PICKUP = {
    "case_number": "JZ-TEST-0004",
    "request_id": "P-1",
    "place": "示范市火车站广场东侧地下通道",
    "condition": "昏迷，呼吸微弱",
}


async def test_emergency_pickup_is_idempotent(make_client) -> None:
    client = await make_client("hospital")
    first = await client.post("/emergency-pickups", json=PICKUP, headers={"Idempotency-Key": "P-1"})
    assert first.status_code == 201
    body = first.json()
    assert set(body) == {"request_id", "pickup_ref", "eta_minutes"}
    assert body["request_id"] == "P-1" and body["eta_minutes"] > 0
    again = await client.post("/emergency-pickups", json=PICKUP, headers={"Idempotency-Key": "P-1"})
    assert (again.status_code, again.json()) == (200, body)
    conflict = await client.post(
        "/emergency-pickups",
        json={**PICKUP, "condition": "外伤"},
        headers={"Idempotency-Key": "P-1"},
    )
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    taken = await client.post("/emergency-pickups", json=PICKUP, headers={"Idempotency-Key": "P-x"})
    assert (taken.status_code, taken.json()["code"]) == (409, "already_requested")
    listed = (await client.get("/admin/emergency-pickups", headers=ADMIN)).json()
    assert [p["pickup_ref"] for p in listed] == [body["pickup_ref"]]
    no_key = await client.post(
        "/emergency-pickups", json=PICKUP, headers={"Idempotency-Key": "P-2", "X-Api-Key": "no"}
    )
    assert no_key.status_code == 401
