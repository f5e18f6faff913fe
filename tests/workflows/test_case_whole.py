"""One case, whole (issue 9): what its children do shows on the case, every channel follows the
escort rules, long stays go the way the rules say, a return to another city is handed over
and acknowledged, and an agency that stays unreachable becomes a person's job."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

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
UNNAMED = {"person": {"sex": "male", "estimated_age": 60}}
"""A man who cannot say who he is: the police lookup finds nothing."""


async def _wait_kinds(api: httpx.AsyncClient, headers: dict[str, str], case_id: str,
                      wanted: set[str], timeout: float = 30) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        case = await get_case(api, headers, case_id)
        if wanted <= set(kinds(case)):
            return case
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{wanted - set(kinds(case))} never came: {kinds(case)}")
        await asyncio.sleep(0.1)


async def _search_attributes_find(stack: Stack, query: str, workflow_id: str, timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:  # visibility is eventually consistent
        found = [w.id async for w in stack.client.list_workflows(query)]
        if workflow_id in found:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{workflow_id} not found by {query!r}")
        await asyncio.sleep(0.2)


async def test_the_case_shows_its_follow_up_and_the_follow_up_is_found_overdue(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, liaison = await login(api, "caseworker"), await login(api, "liaison")
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={
        "follow_up_interval": 0.5, "task_deadlines": {"follow_up_visit": 0.5}})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"),
                   registration())
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "ticket_voucher"),
                   voucher())
    transport = await login(api, "transport")
    await complete(api, transport, await wait_for_task(api, transport, case_id, "boarding_confirmation"),
                   {"boarded": True})
    await complete(api, liaison, await wait_for_task(api, liaison, case_id, "handover_receipt"),
                   {"received_by": "本人", "relationship": "本人", "received_on": TODAY})
    await wait_for_stage(api, caseworker, case_id, "closed")
    visit = await wait_for_task(api, liaison, case_id, "follow_up_visit")
    # The case, closed, still shows its follow-up: the open visit and the follow-up's events.
    case = await get_case(api, caseworker, case_id)
    assert visit["task_id"] in {t["task_id"] for t in case["open_tasks"]}
    assert "follow_up_handed" in kinds(case)
    number = case["case_number"]
    # The visit is soon overdue: the follow-up workflow carries the case's search attributes.
    await _search_attributes_find(stack, "RescueOverdue = true AND RescueStage = 'follow_up'",
                                  f"rescue-follow-up:{number}")
    await _search_attributes_find(stack, "RescueNode = 'dh-t1-c1'", f"rescue-follow-up:{number}")
    case = await complete(api, liaison, visit, {"visited_on": TODAY, "met_person": True,
                                                "family_contacted": True, "situation": "生活稳定"})
    case = await _wait_kinds(api, caseworker, case_id, {"visited"})
    assert [e["at"] for e in case["timeline"]] == sorted(e["at"] for e in case["timeline"])


async def test_a_walk_in_in_danger_gets_the_hospital_or_the_police(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    ill = await open_case(api, caseworker, channel="walk_in", condition="critically_ill",
                          description="到站时昏迷")
    case = await _wait_kinds(api, caseworker, ill, {"emergency_pickup", "treatment_started"})
    number = case["case_number"]
    async with httpx.AsyncClient() as http:
        pickups = (await http.get(f"{stack.sim_url('hospital')}/admin/emergency-pickups",
                                  headers=stack.sim_admin())).json()
    assert any(p["case_number"] == number for p in pickups)
    risky = await open_case(api, caseworker, channel="walk_in", condition="psychiatric_risk")
    task = await wait_for_task(api, police, risky, "psychiatric_escort")
    assert task["case_id"] == risky
    # An able adult walking in is registered at once, as before.
    able = await open_case(api, caseworker, channel="walk_in")
    await wait_for_task(api, caseworker, able, "registration")


async def test_a_case_from_a_call_takes_a_named_policy(stack: Stack, api: httpx.AsyncClient) -> None:
    hotline, xs = await login(api, "hotline"), await login(api, "xs_caseworker")
    call_id = f"call-{uuid.uuid4().hex[:10]}"
    made = await api.post("/api/v1/hotline/calls", headers=hotline, json={
        "call_id": call_id, "kind": "sighting", "area_node_id": "xs-t1-c1",
        "place": "青石镇石桥村桥洞下", "description": "一名老人在桥洞下过夜", "caller_phone": "13800000000"})
    assert made.status_code == 201, made.text
    for _ in range(100):  # dispatched to the station on duty
        if (await api.get(f"/api/v1/hotline/calls/{call_id}", headers=xs)).json().get("status") == "dispatched":
            break
        await asyncio.sleep(0.1)
    arrived = await api.post(f"/api/v1/hotline/calls/{call_id}/arrival", headers=xs, json={"note": "已到"})
    assert arrived.status_code == 200, arrived.text
    found = await api.post(f"/api/v1/hotline/calls/{call_id}/finding", headers=xs, json={
        "found": True, "note": "在桥洞下找到", "condition": "elderly", "policy": "compressed",
        "policy_overrides": {"stay_limit": 777}})
    assert found.status_code == 200, found.text
    case_id = found.json()["case_id"]
    conn = await asyncpg.connect(stack.database_url)
    try:
        number = await conn.fetchval("SELECT case_number FROM case_reports WHERE case_id = $1",
                                     uuid.UUID(case_id))
    finally:
        await conn.close()
    state = await stack.client.get_workflow_handle(f"rescue-case:{number}").query("state")
    assert state["policy_name"] == "compressed+custom"


async def test_a_long_stay_refreshes_the_notice_and_settles_until_the_family_is_found(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police, bureau = (await login(api, "caseworker"), await login(api, "police"),
                                  await login(api, "bureau"))
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={
        "notice_refresh_interval": 0.5, "settlement_after": 1.0, "identity_search_interval": 3600})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"), UNNAMED)
    await _wait_kinds(api, caseworker, case_id, {"notice_published", "notice_refreshed"})
    # Three months without a name: the settlement path, step by step, the search going on.
    task = await wait_for_task(api, caseworker, case_id, "settlement_application")
    await complete(api, caseworker, task, {"applied_on": TODAY, "reference": "示救〔2026〕12号"})
    task = await wait_for_task(api, police, case_id, "household_registration")
    await complete(api, police, task, {"registered_on": TODAY, "household_address": "示范市救助管理站集体户"})
    task = await wait_for_task(api, bureau, case_id, "institution_placement")
    await complete(api, bureau, task, {"institution": "示范市社会福利院", "placed_on": TODAY})
    case = await _wait_kinds(api, caseworker, case_id,
                             {"settlement_started", "settlement_applied", "household_registered",
                              "institution_placed"})
    assert case["stage"] in ("identity_search", "long_term_stay")
    # Years later his family is found: he still goes home, and the record says why.
    task = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    await complete(api, caseworker, task, {"origin_address": "东湖区柳岸社区", "origin_node_id": "dh-t1-c1"})
    case = await _wait_kinds(api, caseworker, case_id, {"settlement_ended"})
    await wait_for_stage(api, caseworker, case_id, "return_home")
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v3_settled_then_found")


async def test_a_match_during_settlement_stops_it(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={
        "settlement_after": 0.5, "identity_search_interval": 3600})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"), UNNAMED)
    application = await wait_for_task(api, caseworker, case_id, "settlement_application")
    task = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    await complete(api, caseworker, task, {"origin_address": "东湖区柳岸社区", "origin_node_id": "dh-t1-c1"})
    case = await _wait_kinds(api, caseworker, case_id, {"settlement_stopped"})
    assert application["task_id"] not in {t["task_id"] for t in case["open_tasks"]}
    gone = await api.get(f"/api/v1/tasks/{application['task_id']}", headers=caseworker)
    assert gone.json()["status"] == "cancelled"


async def test_a_return_to_another_city_is_handed_over_and_acknowledged(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, transport = await login(api, "caseworker"), await login(api, "transport")
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={
        "identity_search_interval": 3600})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"), UNNAMED)
    task = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    await complete(api, caseworker, task, {"origin_address": "外省某县城关镇"})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "ticket_voucher"),
                   voucher(destination="外省某县站"))
    await complete(api, transport, await wait_for_task(api, transport, case_id, "boarding_confirmation"),
                   {"boarded": True})
    task = await wait_for_task(api, caseworker, case_id, "remote_handover")
    await complete(api, caseworker, task, {
        "receiving_agency": "某县救助管理站", "received_by": "王站长", "received_on": TODAY,
        "receipt_number": "JJ-2026-08", "contact": "0000-1234567"})
    case = await get_case(api, caseworker, case_id)
    assert case["follow_up_by"] == "某县救助管理站" and case["follow_up_acknowledged"] is False
    task = await wait_for_task(api, caseworker, case_id, "follow_up_confirmation")
    await complete(api, caseworker, task, {"acknowledged_by": "某县救助管理站 王站长",
                                           "acknowledged_on": TODAY, "how": "回函"})
    case = await wait_for_stage(api, caseworker, case_id, "closed")
    assert case["follow_up_acknowledged"] is True
    assert {"handed_over", "follow_up_requested", "follow_up_acknowledged"} <= set(kinds(case))
    conn = await asyncpg.connect(stack.database_url)
    try:
        row = await conn.fetchrow("SELECT receiving_agency, acknowledged_at FROM external_follow_ups "
                                  "WHERE case_id = $1", uuid.UUID(case_id))
    finally:
        await conn.close()
    assert row["receiving_agency"] == "某县救助管理站" and row["acknowledged_at"] is not None
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v3_returned_to_another_city")


async def test_an_unreachable_agency_becomes_the_stations_task_until_it_answers(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in", policy_overrides={
        "agency_outreach_after": 1})
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"),
                   registration())
    task = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    admin = stack.sim_admin()
    async with httpx.AsyncClient() as http:
        await http.put(f"{stack.sim_url('transport')}/admin/faults", json={"down": True}, headers=admin)
        try:
            await complete(api, caseworker, task, voucher())
            outreach = await wait_for_task(api, caseworker, case_id, "agency_outreach")
            assert outreach["context"]["agency"] == "transport"
            conn = await asyncpg.connect(stack.database_url)
            try:
                told = await conn.fetchval("SELECT count(*) FROM notifications WHERE role = 'operator'"
                                           " AND case_id = $1", uuid.UUID(case_id))
            finally:
                await conn.close()
            assert told == 1
        finally:
            await http.put(f"{stack.sim_url('transport')}/admin/faults", json={}, headers=admin)
    # The railway's system is back: the ticket is exchanged and the task closes by itself.
    transport = await login(api, "transport")
    await wait_for_task(api, transport, case_id, "boarding_confirmation", timeout=60)
    case = await _wait_kinds(api, caseworker, case_id, {"agency_unreachable", "ticket_exchanged"})
    gone = await api.get(f"/api/v1/tasks/{outreach['task_id']}", headers=caseworker)
    assert gone.json()["status"] == "cancelled"
    assert outreach["task_id"] not in {t["task_id"] for t in case["open_tasks"]}
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v3_agency_outreach")
