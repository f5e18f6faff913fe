"""Paths that depend on agencies answering later: a minor's DNA match, a critically ill adult
treated and settled, a psychiatric patient, a lost-contact report after a year of visits."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import asyncpg
import httpx

from support import (
    Stack,
    complete,
    get_case,
    kinds,
    login,
    open_case,
    registration,
    replay_and_maybe_record,
    voucher,
    wait_for_stage,
    wait_for_task,
)

TODAY = date.today().isoformat()
LI_XIAOMING = "110121201307010312"


async def _sim(stack: Stack, agency: str, path: str, body: dict) -> dict:
    async with httpx.AsyncClient() as http:
        resp = await http.post(f"{stack.sim_url(agency)}{path}", json=body, headers=stack.sim_admin())
        assert resp.status_code in (200, 201, 202), resp.text
        return resp.json()


async def test_a_minor_found_by_dna_after_weeks(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    case_id = await open_case(api, caseworker, channel="walk_in", apparent_minor=True,
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    # He does not know his name or home: police find nothing, a notice goes out, and police
    # collect a sample for the DNA database.
    await complete(api, caseworker, task, {"person": {"sex": "male", "estimated_age": 12}})
    task = await wait_for_task(api, police, case_id, "dna_sample")
    sample_id = f"S{case_id[:8]}"
    await complete(api, police, task, {"collected_on": TODAY, "sample_id": sample_id})
    for _ in range(100):  # the sample is in the database and the notice is out
        await asyncio.sleep(0.1)
        if {"dna_submitted", "notice_published"} <= set(kinds(await get_case(api, caseworker, case_id))):
            break
    # "Weeks" later the database matches him with 李小明's family; the callback comes twice.
    await _sim(stack, "police", f"/admin/dna/{sample_id}/result",
               {"matched": True, "id_number": LI_XIAOMING, "repeat": 2})
    task = await wait_for_task(api, caseworker, case_id, "family_verification")
    case = await complete(api, caseworker, task, {"verified": True, "contact_person": "李父",
                                                  "relationship": "父亲"})
    assert case["origin_node_id"] == "xs-t1-c1"
    assert case["identity_known"] is True
    timeline = kinds(case)
    assert timeline.count("dna_matched") == 1  # the duplicate callback changed nothing
    assert {"notice_published", "dna_submitted", "family_candidate", "identity_found"} <= set(timeline), timeline
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v2_minor_dna_match")


async def test_a_critically_ill_adult_is_treated_settled_and_sent_home(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, head = await login(api, "caseworker"), await login(api, "station_head")
    case_id = await open_case(api, caseworker, condition="critically_ill", place="人民桥下涵洞")
    case_number = (await get_case(api, caseworker, case_id))["case_number"]
    case_ref = f"{case_number}/T1"
    # The hospital comes, admits him with the station's introduction letter.
    admission = None
    for _ in range(200):
        await asyncio.sleep(0.1)
        async with httpx.AsyncClient() as http:
            admissions = (await http.get(f"{stack.sim_url('hospital')}/admin/admissions",
                                         headers=stack.sim_admin())).json()
        admission = next((a for a in admissions if a.get("case_ref") == case_ref), None)
        if admission:
            break
    assert admission is not None
    case = await get_case(api, caseworker, case_id)
    assert case["in_hospital"] is True and case["stage"] == "discovery"
    await _sim(stack, "hospital", f"/admin/admissions/{admission['admission_no']}/discharge",
               {"outcome": "recovered"})
    # Back at the station: registration and the rest of the path.
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration())
    # The bill comes after discharge: 1,234.50 yuan in two items, in fen.
    await _sim(stack, "hospital", f"/admin/admissions/{admission['admission_no']}/settlement",
               {"voucher_no": f"JS{case_number}", "items": [
                   {"description": "抢救费", "amount_fen": 100000},
                   {"description": "药费", "amount_fen": 23450}]})
    review = await wait_for_task(api, head, case_id, "settlement_review")
    assert review["context"]["amount_fen"] == 123450
    await complete(api, head, review, {"approved": True, "approved_amount_fen": 123450})
    conn = await asyncpg.connect(stack.database_url)
    try:
        for _ in range(100):
            await asyncio.sleep(0.1)
            row = await conn.fetchrow("SELECT status, approved_fen, payment_ref FROM treatment_settlements"
                                      " WHERE voucher_no = $1", f"JS{case_number}")
            if row and row["status"] == "paid":
                break
    finally:
        await conn.close()
    assert row is not None and row["status"] == "paid" and row["approved_fen"] == 123450
    treatment = await stack.client.get_workflow_handle(f"rescue-treatment:{case_number}-T1").result()
    assert treatment["paid_fen"] == 123450
    # Sent home.
    task = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await complete(api, caseworker, task, voucher())
    case = await get_case(api, caseworker, case_id)
    assert {"emergency_pickup", "treatment_started", "back_from_hospital", "ticket_exchanged"} <= set(kinds(case))
    await replay_and_maybe_record(stack, f"rescue-treatment:{case_number}-T1", "v2_treatment_settled")


async def test_a_psychiatric_patient_goes_to_police_and_hospital(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    case_id = await open_case(api, caseworker, condition="psychiatric_risk", place="商业街")
    task = await wait_for_task(api, police, case_id, "psychiatric_escort")
    await complete(api, police, task, {"escorted_by": "巡警", "arrived_at": datetime.now(UTC).isoformat(),
                                       "handed_to": "市精神卫生中心", "risk_summary": "持械威胁路人"})
    for _ in range(200):
        await asyncio.sleep(0.1)
        case = await get_case(api, caseworker, case_id)
        if "treatment_started" in kinds(case):
            break
    assert "psychiatric_registered" in kinds(case)
    async with httpx.AsyncClient() as http:
        registry = (await http.get(f"{stack.sim_url('police')}/admin/psychiatric-registry",
                                   headers=stack.sim_admin())).json()
    assert any(r["case_number"] == case["case_number"] for r in registry)


async def test_lost_contact_is_reported_after_a_year_of_follow_ups(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, liaison = await login(api, "caseworker"), await login(api, "liaison")
    # A "year" is four seconds here; a visit every second.
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={
        "follow_up_interval": 1, "lost_contact_after": 4, "follow_up_visits_per_run": 2})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration())
    task = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await complete(api, caseworker, task, voucher())
    transport = await login(api, "transport")
    await complete(api, transport, await wait_for_task(api, transport, case_id, "boarding_confirmation"),
                   {"boarded": True})
    task = await wait_for_task(api, liaison, case_id, "handover_receipt")
    await complete(api, liaison, task, {"received_by": "本人", "relationship": "本人", "received_on": TODAY})
    case_number = (await wait_for_stage(api, liaison, case_id, "closed"))["case_number"]
    # Visit after visit, the family cannot be reached.
    for _ in range(5):
        task = await wait_for_task(api, liaison, case_id, "follow_up_visit")
        await asyncio.sleep(1.2)  # each visit made when it is due (a visit may be recorded early)
        await complete(api, liaison, task, {"visited_on": TODAY, "met_person": False,
                                            "family_contacted": False, "situation": "人不在家，电话不通"})
    async with httpx.AsyncClient() as http:
        reports = (await http.get(f"{stack.sim_url('police')}/admin/lost-contact-reports",
                                  headers=stack.sim_admin())).json()
    mine = [r for r in reports if r["case_number"] == case_number]
    assert len(mine) == 1  # reported once, not at every visit
    # The follow-up went on across continue-as-new and ends by the liaison's decision.
    task = await wait_for_task(api, liaison, case_id, "follow_up_visit")
    await complete(api, liaison, task, {"visited_on": TODAY, "met_person": False, "family_contacted": False,
                                        "situation": "已迁居外地", "end_follow_up": True, "end_reason": "已迁居外省"})
    result = await stack.client.get_workflow_handle(f"rescue-follow-up:{case_number}").result()
    assert result["visits"] == 6
    case = await get_case(api, liaison, case_id)
    assert case["outcome"] == "returned_home"
    await replay_and_maybe_record(stack, f"rescue-follow-up:{case_number}", "v2_follow_up_lost_contact")


async def test_a_follow_up_visit_is_recorded_before_its_due_date(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, liaison = await login(api, "caseworker"), await login(api, "liaison")
    # Visits are due an hour apart: the liaison who sees the family sooner records it at once.
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={"follow_up_interval": 3600})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"),
                   registration())
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "ticket_voucher"), voucher())
    transport = await login(api, "transport")
    await complete(api, transport, await wait_for_task(api, transport, case_id, "boarding_confirmation"),
                   {"boarded": True})
    await complete(api, liaison, await wait_for_task(api, liaison, case_id, "handover_receipt"),
                   {"received_by": "本人", "relationship": "本人", "received_on": TODAY})
    first = await wait_for_task(api, liaison, case_id, "follow_up_visit")
    due = datetime.fromisoformat(first["deadline"]) - datetime.now(UTC)
    assert due.total_seconds() > 3000  # open now, late only after the interval and its grace
    assert first["context"]["visit"] == 1 and first["context"]["due_on"] >= TODAY
    await complete(api, liaison, first, {"visited_on": TODAY, "met_person": True, "family_contacted": True,
                                         "situation": "与家人同住，情况稳定"})
    second = await wait_for_task(api, liaison, case_id, "follow_up_visit")
    assert second["task_id"] != first["task_id"] and second["context"]["visit"] == 2
    case = await get_case(api, liaison, case_id)
    assert any("第1次随访：见到本人，已联系家属" in e["summary"] for e in case["timeline"]), case["timeline"]


async def test_treatment_later_in_the_stay_and_a_bill_after_the_case_closed(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, head = await login(api, "caseworker"), await login(api, "station_head")
    case_id = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration())
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    # Waiting for the voucher, he falls ill: the station sends him to hospital.
    resp = await api.post(f"/api/v1/cases/{case_id}/actions/treatment", json={"reason": "高烧不退"},
                          headers=caseworker)
    assert resp.status_code == 200, resp.text
    assert resp.json()["in_hospital"] is True
    again = await api.post(f"/api/v1/cases/{case_id}/actions/treatment", json={"reason": "再次"},
                           headers=caseworker)
    assert again.status_code == 409  # already in hospital
    case_number = resp.json()["case_number"]
    admission = None
    for _ in range(200):
        await asyncio.sleep(0.1)
        async with httpx.AsyncClient() as http:
            admissions = (await http.get(f"{stack.sim_url('hospital')}/admin/admissions",
                                         headers=stack.sim_admin())).json()
        admission = next((a for a in admissions if a.get("case_ref") == f"{case_number}/T1"), None)
        if admission:
            break
    assert admission is not None
    # He dies in hospital: the case closes with the hospital's word; its open tasks are withdrawn.
    await _sim(stack, "hospital", f"/admin/admissions/{admission['admission_no']}/discharge", {"outcome": "died"})
    case = await wait_for_stage(api, caseworker, case_id, "closed")
    assert case["outcome"] == "died" and case["open_tasks"] == []
    # The bill comes afterwards and is still reviewed and paid.
    await _sim(stack, "hospital", f"/admin/admissions/{admission['admission_no']}/settlement",
               {"voucher_no": f"JS{case_number}", "items": [{"description": "抢救费", "amount_fen": 50000}]})
    review = await wait_for_task(api, head, case_id, "settlement_review")
    await complete(api, head, review, {"approved": True, "approved_amount_fen": 40000, "notes": "核减药费"})
    result = await stack.client.get_workflow_handle(f"rescue-treatment:{case_number}-T1").result()
    assert result["outcome"] == "died" and result["claimed_fen"] == 50000 and result["paid_fen"] == 40000
