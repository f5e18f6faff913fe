"""The demo network lets every path finish (db/seed.py, db/network_seed.py): a person going
home to any community is received there by its liaison, and a hospital's bill at any county
station is reviewed by its head — each done by the demo users through the API."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import httpx

from db.seed import DEMO_USERS
from domain.enums import Role
from support import (
    Stack,
    complete,
    login,
    open_case,
    registration,
    voucher,
    wait_for_stage,
    wait_for_task,
)

HOME = {  # a resident of each community, from the police simulator's demo population
    "dh-t1-c1": ("张建国", "1968-03-12", "male"), "dh-t1-c2": ("王秀兰", "1952-11-23", "female"),
    "dh-t2-c1": ("刘德明", "1975-06-30", "male"), "dh-t2-c2": ("陈桂芳", "1983-02-14", "female"),
    "xs-t1-c1": ("刘德明", "1958-10-02", "male"), "xs-t1-c2": ("赵永强", "1990-09-08", "male"),
    "xs-t2-c1": ("孙玉梅", "1961-04-17", "female"), "xs-t2-c2": ("周海涛", "2000-12-05", "male"),
}


def _demo_user(node_id: str, role: Role) -> str:
    users = [u.username for u in DEMO_USERS if (u.node_id, u.role) == (node_id, role)]
    assert users, f"no demo {role.value} at {node_id}"
    return users[0]


async def test_every_place_a_path_ends_has_its_demo_user(stack: Stack, api: httpx.AsyncClient) -> None:
    conn = await asyncpg.connect(stack.database_url)
    try:
        nodes = {r["node_id"]: r["level"] for r in await conn.fetch("SELECT node_id, level FROM org_nodes")}
        staff = {(r["node_id"], r["name"]) for r in await conn.fetch("SELECT node_id, name FROM node_staff")}
    finally:
        await conn.close()
    wanted = {"city_station": Role.STATION_HEAD, "county_station": Role.STATION_HEAD,
              "township": Role.TOWNSHIP_OFFICER, "community": Role.LIAISON}
    places = [(node_id, wanted[level]) for node_id, level in nodes.items() if level in wanted]
    assert len(places) == 1 + 2 + 4 + 8
    for node_id, role in places:
        username = _demo_user(node_id, role)
        me = (await api.get("/api/v1/auth/me", headers=await login(api, username))).json()
        assert (me["node_id"], me["role"]) == (node_id, role.value)
        person = next(u for u in DEMO_USERS if u.username == username)
        assert (node_id, person.display_name) in staff, (node_id, person.display_name)  # the registry too


async def _return_home(api: httpx.AsyncClient, who: dict[str, dict[str, str]], community: str) -> None:
    """A person from ``community`` found at the city station goes home and is received there."""
    caseworker, transport, liaison = who["caseworker"], who["transport"], who[community]
    name, birth, sex = HOME[community]
    case_id = await open_case(api, caseworker, channel="walk_in", sex=sex)
    case = await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"),
                          registration(name=name, birth=birth, sex=sex))
    assert case["origin_node_id"] == community, (community, case["origin_node_id"])
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=60),
                   voucher())
    await complete(api, transport, await wait_for_task(api, transport, case_id, "boarding_confirmation", timeout=60),
                   {"boarded": True})
    receipt = await wait_for_task(api, liaison, case_id, "handover_receipt", timeout=60)
    await complete(api, liaison, receipt, {"received_by": f"{name}的家属", "relationship": "亲属",
                                           "received_on": date.today().isoformat()})
    case = await wait_for_stage(api, caseworker, case_id, "closed", timeout=60)
    assert case["outcome"] == "returned_home", community
    # The same liaison visits; the visit ends the follow-up (no workflow left behind).
    visit = await wait_for_task(api, liaison, case_id, "follow_up_visit", timeout=60)
    await complete(api, liaison, visit, {"visited_on": date.today().isoformat(), "met_person": True,
                                         "family_contacted": True, "situation": "已回家，生活稳定",
                                         "end_follow_up": True, "end_reason": "演示：家庭稳定，结束随访"})


async def test_a_return_to_any_community_is_received_by_its_liaison(stack: Stack, api: httpx.AsyncClient) -> None:
    who = {name: await login(api, name) for name in ("caseworker", "transport")}  # logins one by one
    who |= {community: await login(api, _demo_user(community, Role.LIAISON)) for community in HOME}
    await asyncio.gather(*(_return_home(api, who, community) for community in HOME))


async def _sim(stack: Stack, path: str, body: dict[str, object]) -> None:
    async with httpx.AsyncClient() as http:
        resp = await http.post(f"{stack.sim_url('hospital')}{path}", json=body, headers=stack.sim_admin())
        assert resp.status_code in (200, 201, 202), resp.text


async def _settled_at(stack: Stack, api: httpx.AsyncClient, station: str) -> None:
    """A person at a county station is treated; the hospital's bill goes to that station's head."""
    caseworker = await login(api, _demo_user(station, Role.CASEWORKER))
    head = await login(api, _demo_user(station, Role.STATION_HEAD))
    case_id = await open_case(api, caseworker, channel="walk_in")
    await complete(api, caseworker, await wait_for_task(api, caseworker, case_id, "registration"),
                   registration(name="无名氏丙", birth=None) | {
                       "person": {"name": "无名氏丙", "sex": "male", "estimated_age": 60}})
    resp = await api.post(f"/api/v1/cases/{case_id}/actions/treatment", json={"reason": "高烧不退"},
                          headers=caseworker)
    assert resp.status_code == 200, resp.text
    case_ref = f"{resp.json()['case_number']}/T1"
    admission = None
    for _ in range(300):
        async with httpx.AsyncClient() as http:
            admissions = (await http.get(f"{stack.sim_url('hospital')}/admin/admissions",
                                         headers=stack.sim_admin())).json()
        admission = next((a for a in admissions if a.get("case_ref") == case_ref), None)
        if admission:
            break
        await asyncio.sleep(0.1)
    assert admission is not None, station
    await _sim(stack, f"/admin/admissions/{admission['admission_no']}/discharge", {"outcome": "recovered"})
    voucher_no = f"JS{case_ref.replace('/', '-')}"
    await _sim(stack, f"/admin/admissions/{admission['admission_no']}/settlement",
               {"voucher_no": voucher_no, "items": [{"description": "诊疗费", "amount_fen": 35000}]})
    review = await wait_for_task(api, head, case_id, "settlement_review", timeout=60)
    assert (review["assignee_node_id"], review["assignee_role"]) == (station, "station_head")
    await complete(api, head, review, {"approved": True, "approved_amount_fen": 35000})
    conn = await asyncpg.connect(stack.database_url)
    try:
        for _ in range(300):
            status = await conn.fetchval("SELECT status FROM treatment_settlements WHERE voucher_no = $1", voucher_no)
            if status == "paid":
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    assert status == "paid", (station, status)


async def test_a_bill_at_any_county_station_is_reviewed_by_its_head(stack: Stack, api: httpx.AsyncClient) -> None:
    await asyncio.gather(_settled_at(stack, api, "dh-station"), _settled_at(stack, api, "xs-station"))
