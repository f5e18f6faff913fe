"""Police registers: the psychiatric registry and lost-contact reports, both idempotent."""

from __future__ import annotations

import pytest
from sim_support import ADMIN

REGISTRATION = {
    "case_number": "JZ-TEST-0002",
    "registration_id": "R-1",
    "name": None,
    "id_number": None,
    "risk_summary": "持刀威胁路人",
}
LOST_CONTACT = {
    "case_number": "JZ-TEST-0003",
    "report_id": "L-1",
    "name": "张建国",
    "id_number": None,
    "community_node_id": "dh-t1-c1",
    "last_contact_on": "2025-01-10",
}
CASES = [
    ("/psychiatric-registry", REGISTRATION, "registration_id", "registry_number",
     "already_registered"),
    ("/lost-contact-reports", LOST_CONTACT, "report_id", "police_ref", "already_reported"),
]


@pytest.mark.parametrize(("path", "body", "id_field", "ref_field", "taken"), CASES)
async def test_issuing_is_idempotent(make_client, path, body, id_field, ref_field, taken) -> None:
    client = await make_client("police")
    first = await client.post(path, json=body, headers={"Idempotency-Key": "k"})
    assert first.status_code == 201, first.text
    assert set(first.json()) == {id_field, ref_field}
    assert first.json()[id_field] == body[id_field]
    again = await client.post(path, json=body, headers={"Idempotency-Key": "k"})
    assert (again.status_code, again.json()) == (200, first.json())
    changed = {**body, "case_number": "JZ-TEST-9999"}
    conflict = await client.post(path, json=changed, headers={"Idempotency-Key": "k"})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    same_id = await client.post(path, json=body, headers={"Idempotency-Key": "k2"})
    assert (same_id.status_code, same_id.json()["code"]) == (409, taken)
    second = await client.post(path, json={**body, id_field: "X-2"},
                               headers={"Idempotency-Key": "k3"})
    assert second.json()[ref_field] != first.json()[ref_field]
    listed = (await client.get(f"/admin{path}", headers=ADMIN)).json()
    assert [entry[id_field] for entry in listed] == [body[id_field], "X-2"]
    missing = await client.post(path, json=body)
    assert (missing.status_code, missing.json()["code"]) == (422, "missing_idempotency_key")


@pytest.mark.parametrize(("path", "body"), [(c[0], c[1]) for c in CASES])
async def test_keys_are_required(make_client, path, body) -> None:
    client = await make_client("police")
    r = await client.post(path, json=body, headers={"Idempotency-Key": "k", "X-Api-Key": "no"})
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    assert (await client.get(f"/admin{path}")).status_code == 401


async def test_invalid_bodies_are_refused(make_client) -> None:
    client = await make_client("police")
    r = await client.post("/lost-contact-reports", json={**LOST_CONTACT, "last_contact_on": "x"},
                          headers={"Idempotency-Key": "k"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_request")
    r = await client.post("/psychiatric-registry", json={**REGISTRATION, "risk_summary": ""},
                          headers={"Idempotency-Key": "k"})
    assert r.status_code == 422


async def test_reset_forgets_the_registers(make_client) -> None:
    client = await make_client("police")
    await client.post("/psychiatric-registry", json=REGISTRATION, headers={"Idempotency-Key": "k"})
    await client.post("/lost-contact-reports", json=LOST_CONTACT, headers={"Idempotency-Key": "k"})
    await client.post("/admin/reset", headers=ADMIN)
    assert (await client.get("/admin/psychiatric-registry", headers=ADMIN)).json() == []
    assert (await client.get("/admin/lost-contact-reports", headers=ADMIN)).json() == []
    r = await client.post("/psychiatric-registry", json=REGISTRATION,
                          headers={"Idempotency-Key": "k"})
    assert r.status_code == 201
