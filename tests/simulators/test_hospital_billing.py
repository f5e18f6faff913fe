"""Hospital callbacks (discharge, settlement voucher) sent to a real HTTP receiver, and the
idempotent payment of a voucher."""

from __future__ import annotations

from sim_support import ADMIN, wait_deliveries

from domain.callbacks import HospitalDischarge, SettlementVoucher

CASE_REF = "JZ-TEST-0005/T1"
ADMISSION = {"case_ref": CASE_REF, "introduction_letter_no": "JS-1", "reason": "高热"}
ITEMS = [{"description": "床位费", "amount_fen": 12000}, {"description": "药费", "amount_fen": 3450}]


async def _admitted(make_client, receiver, **config):
    client = await make_client("hospital", callback_url=receiver.url, callback_key="hosp-cb",
                               callback_retry_pause_ms=10, **config)
    r = await client.post("/admissions", json=ADMISSION, headers={"Idempotency-Key": "A-1"})
    return client, r.json()["admission_no"]


async def _voucher(client, admission_no, voucher_no="V-1", items=ITEMS, repeat=1):
    return await client.post(f"/admin/admissions/{admission_no}/settlement", headers=ADMIN,
                             json={"voucher_no": voucher_no, "items": items, "repeat": repeat})


async def test_discharge_is_sent_back(make_client, receiver) -> None:
    client, admission_no = await _admitted(make_client, receiver)
    r = await client.post(f"/admin/admissions/{admission_no}/discharge", headers=ADMIN,
                          json={"outcome": "recovered", "notes": "痊愈", "repeat": 2})
    assert r.status_code == 202
    got = await receiver.wait_for(2)
    assert {g.path for g in got} == {"/api/v1/agency/hospital/discharges"}
    assert {g.agency_key for g in got} == {"hosp-cb"}
    discharge = HospitalDischarge.model_validate(got[0].body)
    assert got[1].body == got[0].body
    assert (discharge.callback_id, discharge.case_ref, discharge.admission_no) == (
        r.json()["callback_id"], CASE_REF, admission_no)
    assert (discharge.outcome, discharge.notes) == ("recovered", "痊愈")
    again = await client.post(f"/admin/admissions/{admission_no}/discharge", headers=ADMIN,
                              json={"outcome": "died"})
    assert (again.status_code, again.json()["code"]) == (409, "already_discharged")
    unknown = await client.post("/admin/admissions/ZY99999999/discharge", headers=ADMIN,
                                json={"outcome": "died"})
    assert unknown.status_code == 404
    bad = await client.post(f"/admin/admissions/{admission_no}/discharge", headers=ADMIN,
                            json={"outcome": "escaped"})
    assert bad.status_code == 422


async def test_settlement_voucher_is_sent_back(make_client, receiver) -> None:
    client, admission_no = await _admitted(make_client, receiver)
    r = await _voucher(client, admission_no)
    assert r.status_code == 202
    [got] = await receiver.wait_for(1)
    assert got.path == "/api/v1/agency/hospital/settlement-vouchers"
    voucher = SettlementVoucher.model_validate(got.body)
    assert (voucher.voucher_no, voucher.amount_fen, voucher.case_ref) == ("V-1", 15450, CASE_REF)
    assert isinstance(got.body["amount_fen"], int)
    assert [i.amount_fen for i in voucher.items] == [12000, 3450]
    taken = await _voucher(client, admission_no)
    assert (taken.status_code, taken.json()["code"]) == (409, "voucher_exists")
    zero = await _voucher(client, admission_no, "V-0", [{"description": "x", "amount_fen": 0}])
    assert (zero.status_code, zero.json()["code"]) == (422, "empty_voucher")
    empty = await _voucher(client, admission_no, "V-E", [])
    assert empty.status_code == 422
    listed = (await client.get("/admin/settlements", headers=ADMIN)).json()
    assert [(v["voucher_no"], v["amount_fen"], v["payment"]) for v in listed] == [
        ("V-1", 15450, None)]
    [delivery] = await wait_deliveries(client, 1)
    assert delivery["outcome"] == "delivered"


async def test_payment_is_idempotent_and_checked(make_client, receiver) -> None:
    client, admission_no = await _admitted(make_client, receiver)
    await _voucher(client, admission_no)
    pay = {"settlement_id": "ST-1", "amount_fen": 15450}
    unknown = await client.post("/settlements/V-9/payment", json=pay,
                                headers={"Idempotency-Key": "ST-1"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_voucher")
    wrong = await client.post("/settlements/V-1/payment", json={**pay, "amount_fen": 15451},
                              headers={"Idempotency-Key": "ST-1"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "amount_mismatch")
    first = await client.post("/settlements/V-1/payment", json=pay,
                              headers={"Idempotency-Key": "ST-1"})
    assert first.status_code == 201
    assert first.json()["voucher_no"] == "V-1" and first.json()["payment_ref"]
    again = await client.post("/settlements/V-1/payment", json=pay,
                              headers={"Idempotency-Key": "ST-1"})
    assert (again.status_code, again.json()) == (200, first.json())
    conflict = await client.post("/settlements/V-1/payment", json={**pay, "settlement_id": "ST-2"},
                                 headers={"Idempotency-Key": "ST-1"})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    twice = await client.post("/settlements/V-1/payment", json={**pay, "settlement_id": "ST-2"},
                              headers={"Idempotency-Key": "ST-2"})
    assert (twice.status_code, twice.json()["code"]) == (409, "voucher_already_paid")
    [voucher] = (await client.get("/admin/settlements", headers=ADMIN)).json()
    assert voucher["payment"]["payment_ref"] == first.json()["payment_ref"]
    no_key = await client.post("/settlements/V-1/payment", json=pay,
                               headers={"Idempotency-Key": "ST-1", "X-Api-Key": "x"})
    assert no_key.status_code == 401


async def test_reset_forgets_billing(make_client, receiver) -> None:
    client, admission_no = await _admitted(make_client, receiver)
    await _voucher(client, admission_no)
    await client.post("/admin/reset", headers=ADMIN)
    assert (await client.get("/admin/settlements", headers=ADMIN)).json() == []
    assert (await client.get("/admin/admissions", headers=ADMIN)).json() == []
    r = await client.post(f"/admin/admissions/{admission_no}/discharge", headers=ADMIN,
                          json={"outcome": "recovered"})
    assert r.status_code == 404
