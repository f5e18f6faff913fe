"""The paths a case can take, each on the real stack through the API, with compressed time."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import asyncpg
import httpx

from support import (
    Stack,
    complete,
    do,
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


async def test_a_guided_adult_who_never_arrives_expires(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, policy_overrides={"guided_arrival_wait": 1.5})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    assert task["context"]["guided"] is True
    case = await wait_for_stage(api, caseworker, case_id, "closed")
    assert case["outcome"] == "never_arrived"
    assert "never_arrived" in kinds(case)
    gone = await api.get(f"/api/v1/tasks/{task['task_id']}", headers=caseworker)
    assert gone.json()["status"] == "cancelled"
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v2_never_arrived")


async def test_a_minor_is_escorted_in_and_escorted_home(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    case_id = await open_case(api, caseworker, apparent_minor=True, place="示范市汽车站候车室")
    task = await wait_for_task(api, police, case_id, "escort")
    await complete(api, police, task, {"escorted_by": "站前派出所 林警官", "arrived_at": datetime.now(UTC).isoformat(),
                                       "handed_to": "市救助站"})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    case = await complete(api, caseworker, task, registration(name="李小明", birth="2013-07-01"))
    assert case["classification"] == "protective"
    assert case["origin_node_id"] == "xs-t1-c1"
    # Identified or not, every minor is sampled for the DNA database before going home.
    task = await wait_for_task(api, police, case_id, "dna_sample")
    case = await get_case(api, caseworker, case_id)
    assert "waiting_dna" in kinds(case)
    await complete(api, police, task, {"collected_on": TODAY, "sample_id": f"M{case_id[:8]}"})
    task = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await complete(api, caseworker, task, voucher(destination="西山站"))
    # Protective rescue: staff escort him home.
    task = await wait_for_task(api, caseworker, case_id, "return_escort")
    await complete(api, caseworker, task, {"escorts": "刘社工、孙社工", "departure_on": TODAY})
    transport = await login(api, "transport")
    task = await wait_for_task(api, transport, case_id, "boarding_confirmation")
    assert task["context"]["escorted"] is True
    await complete(api, transport, task, {"boarded": True})
    xs_liaison = await login(api, "xs_liaison")
    task = await wait_for_task(api, xs_liaison, case_id, "handover_receipt")
    await complete(api, xs_liaison, task, {"received_by": "李父", "relationship": "监护人（父亲）",
                                           "received_on": TODAY})
    case = await wait_for_stage(api, caseworker, case_id, "closed")
    assert case["outcome"] == "returned_home"
    assert {"escorted", "return_escort", "boarded", "handed_over"} <= set(kinds(case))
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v2_minor_escorted_with_dna")


async def test_a_never_identified_person_becomes_a_long_term_stay(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"stay_limit": 2, "identity_search_interval": 1})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration(name="无名氏甲", birth=None) | {
        "person": {"name": "无名氏甲", "sex": "male", "estimated_age": 55, "has_civil_capacity": False}})
    # Police find nothing; the notice goes out; past the stay limit: long-term stay placement.
    task = await wait_for_task(api, caseworker, case_id, "long_term_placement")
    case = await get_case(api, caseworker, case_id)
    assert case["stage"] == "long_term_stay" and case["long_term"] is True
    assert {"identity_not_found", "notice_published", "long_term"} <= set(kinds(case))
    assert sum(k == "identity_not_found" for k in kinds(case)) >= 2  # the search goes on
    await complete(api, caseworker, task, {"institution": "示范市社会福利院", "placed_on": TODAY})
    conn = await asyncpg.connect(stack.database_url)
    try:
        notices = await conn.fetchval("SELECT count(*) FROM family_search_notices WHERE case_id = $1", case_id)
    finally:
        await conn.close()
    assert notices == 1
    # Months later the caseworker learns the origin: the case goes home from long-term stay.
    task = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    await complete(api, caseworker, task, {"origin_address": "四川省某县某村"})
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    case = await get_case(api, caseworker, case_id)
    assert "placed" in kinds(case) and "identity_confirmed" in kinds(case)


async def test_open_rescue_may_leave_protective_may_not(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    adult = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, adult, "registration")
    await complete(api, caseworker, task, registration(name="过路人", birth="1980-01-01"))
    resp = await do(api, caseworker, adult, "departure", {"declaration_signed": True, "fare_fen": 2000})
    assert resp.status_code == 200, resp.text
    case = await wait_for_stage(api, caseworker, adult, "closed")
    assert case["outcome"] == "left_voluntarily"
    assert case["open_tasks"] == []
    assert "发放短途路费20.00元" in [e for e in case["timeline"] if e["kind"] == "left"][0]["summary"]
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}", "v2_left_voluntarily")

    child = await open_case(api, caseworker, channel="walk_in", apparent_minor=True)
    task = await wait_for_task(api, caseworker, child, "registration")
    await complete(api, caseworker, task, registration(name="小明", birth="2015-05-05"))
    resp = await do(api, caseworker, child, "departure", {"declaration_signed": True})
    assert resp.status_code == 409
    assert resp.json()["code"] == "action_refused"
    assert "保护性救助" in resp.json()["message"]
    too_much = await do(api, caseworker, child, "departure", {"declaration_signed": True, "fare_fen": 2001})
    assert too_much.status_code == 422


async def test_reclassification_care_referral_and_transfer(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration())
    ok = await do(api, caseworker, case_id, "reclassify",
                  {"classification": "assisting", "reason": "生活不能自理"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["classification"] == "assisting"
    assert (await do(api, caseworker, case_id, "care", {"service": "meals"})).status_code == 200
    training = await do(api, caseworker, case_id, "care", {"service": "skills_training"})
    assert training.status_code == 409  # only for minors of 14 and over
    resp = await do(api, caseworker, case_id, "behaviour-referral",
                    {"behaviour": "强讨恶要", "referred_to": "police"})
    assert resp.status_code == 200
    # The 东湖区 caseworker may read it (he comes from 东湖区) but not act on it.
    dh = await login(api, "dh_caseworker")
    assert (await get_case(api, dh, case_id))["case_id"] == case_id
    assert (await do(api, dh, case_id, "care", {"service": "meals"})).status_code == 403
    xs = await login(api, "xs_caseworker")  # outside his jurisdiction: as if it did not exist
    assert (await do(api, xs, case_id, "care", {"service": "meals"})).status_code == 404
    # Transfer to the 东湖区 station: the open task moves with the case.
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    resp = await do(api, caseworker, case_id, "transfer", {"to_station_node_id": "dh-station", "reason": "就近安置"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["station_node_id"] == "dh-station"
    task = await wait_for_task(api, dh, case_id, "ticket_voucher")
    assert task["assignee_node_id"] == "dh-station"
    # Now the city caseworker may no longer act on it.
    assert (await do(api, caseworker, case_id, "care", {"service": "meals"})).status_code == 403
    case = await get_case(api, dh, case_id)
    assert {"reclassified", "care", "behaviour_referred", "transferred"} <= set(kinds(case))


async def test_death_closes_the_case_with_its_records(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration(name="赵某", birth="1940-03-03", id_number=None))
    resp = await do(api, caseworker, case_id, "death", {
        "died_at": datetime.now(UTC).isoformat(), "place": "救助站医务室", "cause": "突发心梗（医院认定）",
        "police_notified": True})
    assert resp.status_code == 200, resp.text
    case = await wait_for_stage(api, caseworker, case_id, "closed")
    assert case["outcome"] == "died"
    died = [e for e in case["timeline"] if e["kind"] == "died"][0]
    assert "已报告公安机关" in died["summary"] and "终止救助通知书" in died["summary"]


async def test_a_known_person_coming_back_is_linked(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    first = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, first, "registration")
    await complete(api, caseworker, task, registration(name="周回流", birth="1977-07-07"))
    first_number = (await get_case(api, caseworker, first))["case_number"]
    await do(api, caseworker, first, "departure", {"declaration_signed": True})
    await wait_for_stage(api, caseworker, first, "closed")
    second = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, second, "registration")
    case = await complete(api, caseworker, task, registration(name="周回流", birth="1977-07-07"))
    assert first_number in case["previous_cases"]
    assert "re_entry" in kinds(case)


async def test_an_overdue_task_goes_to_the_supervisor(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, head = await login(api, "caseworker"), await login(api, "station_head")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"task_deadlines": {"registration": 1},
                                                "escalation_repeat": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    supervision = await wait_for_task(api, head, case_id, "supervision")
    assert supervision["context"]["overdue_task_id"] == task["task_id"]
    case = await get_case(api, caseworker, case_id)
    assert case["overdue"] is True
    overdue = await wait_for_task(api, caseworker, case_id, "registration")
    assert overdue["overdue"] is True
    await complete(api, caseworker, task, registration(name="迟到者", birth="1985-05-05"))
    gone = await api.get(f"/api/v1/tasks/{supervision['task_id']}", headers=head)
    assert gone.json()["status"] == "cancelled"
    conn = await asyncpg.connect(stack.database_url)
    try:
        notes = await conn.fetchval("SELECT count(*) FROM notifications WHERE case_id = $1", case_id)
    finally:
        await conn.close()
    assert notes == 1


async def test_a_police_outage_in_the_middle_of_a_lookup(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    admin = stack.sim_admin()
    async with httpx.AsyncClient() as http:
        await http.put(f"{stack.sim_url('police')}/admin/faults", json={"down": True}, headers=admin)
        try:
            case_id = await open_case(api, caseworker, channel="walk_in")
            task = await wait_for_task(api, caseworker, case_id, "registration")
            case = await complete(api, caseworker, task, registration())
            assert case["stage"] == "identity_search"  # the lookup keeps retrying
            operator = await login(api, "operator")
            for _ in range(100):
                await asyncio.sleep(0.1)
                history = (await api.get(f"/api/v1/cases/{case_id}/history", headers=operator)).json()
                if any(e["type"] == "ACTIVITY_TASK_SCHEDULED" and e["detail"] == "lookup_household"
                       for e in history):
                    break
        finally:
            await http.put(f"{stack.sim_url('police')}/admin/faults", json={}, headers=admin)
    # The police system is back: the case moves on by itself.
    await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=60)
    case = await get_case(api, caseworker, case_id)
    assert case["origin_node_id"] == "dh-t1-c1"
