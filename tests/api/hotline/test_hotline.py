"""A 12349 call on the real stack: recorded by the operator, dispatched to the station on duty
for the place, escalated when nobody confirms arrival in time, a finding that opens a case
linked to the call, and the callback to the caller."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx

from support import Stack, login, replay_and_maybe_record, wait_for_task


def call(**fields: Any) -> dict[str, Any]:
    body = {"call_id": f"call-{uuid.uuid4().hex[:10]}", "kind": "sighting", "area_node_id": "xs-t1-c1",
            "place": "青石镇石桥村桥洞下", "description": "一名老人在桥洞下过夜", "caller_phone": "13800000000"}
    body.update(fields)
    return body


async def wait_call(api: httpx.AsyncClient, headers: dict[str, str], call_id: str, until: Any,
                    timeout: float = 30) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        resp = await api.get(f"/api/v1/hotline/calls/{call_id}", headers=headers)
        assert resp.status_code == 200, resp.text
        if until(resp.json()):
            return dict(resp.json())
        assert asyncio.get_running_loop().time() < deadline, resp.text
        await asyncio.sleep(0.2)


async def test_a_call_is_dispatched_escalated_found_and_called_back(stack: Stack, api: httpx.AsyncClient) -> None:
    hotline, xs = await login(api, "hotline"), await login(api, "xs_caseworker")
    body = call()
    resp = await api.post("/api/v1/hotline/calls", json=body, headers=hotline)
    assert resp.status_code == 201, resp.text
    again = await api.post("/api/v1/hotline/calls", json=body, headers=hotline)
    assert again.status_code == 200  # the same call id is one call
    call_id = body["call_id"]
    dispatched = await wait_call(api, xs, call_id, lambda c: c["status"] == "dispatched")
    assert dispatched["duty_node_id"] == "xs-station"  # the station on duty for 石桥村
    # nobody confirms within the (compressed) deadline: the station head is told
    await wait_call(api, xs, call_id, lambda c: c["escalations"] >= 1)
    conn = await asyncpg.connect(stack.database_url)
    try:
        msgs = await conn.fetch("SELECT message FROM notifications WHERE node_id = 'xs-station'"
                                " AND role = 'station_head' AND message LIKE $1", f"%{call_id}%到场确认%")
    finally:
        await conn.close()
    assert msgs
    dh = await login(api, "dh_caseworker")
    assert (await api.post(f"/api/v1/hotline/calls/{call_id}/arrival", json={}, headers=dh)).status_code == 404
    # another county's call answers exactly as a call that does not exist
    other = await api.get(f"/api/v1/hotline/calls/{call_id}", headers=dh)
    missing = await api.get("/api/v1/hotline/calls/no-such-call", headers=dh)
    assert (other.status_code, other.content) == (missing.status_code, missing.content) == (404, missing.content)
    early = await api.post(f"/api/v1/hotline/calls/{call_id}/callback", json={"note": "已处理"}, headers=hotline)
    assert early.status_code == 409 and early.json()["code"] == "call_step_refused"
    arrived = await api.post(f"/api/v1/hotline/calls/{call_id}/arrival", json={"note": "已到桥洞"}, headers=xs)
    assert arrived.status_code == 200, arrived.text
    assert arrived.json()["status"] == "arrived"
    found = await api.post(f"/api/v1/hotline/calls/{call_id}/finding", headers=xs, json={
        "found": True, "note": "老人行动不便，已护送回站", "condition": "elderly", "sex": "male"})
    assert found.status_code == 200, found.text
    assert found.json()["status"] == "found" and found.json()["case_number"]
    case_id = found.json()["case_id"]
    case = (await api.get(f"/api/v1/cases/{case_id}", headers=xs)).json()
    assert case["timeline"][0]["data"]["channel"] == "hotline"
    assert case["station_node_id"] == "xs-station"
    police = await login(api, "police")
    await wait_for_task(api, police, case_id, "escort")  # an elderly person is escorted in
    done = await api.post(f"/api/v1/hotline/calls/{call_id}/callback", headers=hotline,
                          json={"note": "已告知来电群众：老人已被护送至救助站"})
    assert done.status_code == 200, done.text
    closed = await wait_call(api, hotline, call_id, lambda c: c["status"] == "closed")
    assert closed["callback_note"].startswith("已告知")
    await stack.client.get_workflow_handle(f"hotline-call:{call_id}").result()
    await replay_and_maybe_record(stack, f"hotline-call:{call_id}", "n5_hotline_call")
    calls = (await api.get("/api/v1/hotline/calls", headers=xs)).json()
    assert call_id in [c["call_id"] for c in calls]
    assert call_id not in [c["call_id"] for c in (await api.get("/api/v1/hotline/calls", headers=dh)).json()]


async def test_only_the_operator_records_calls_and_a_consultation_needs_no_dispatch(
        stack: Stack, api: httpx.AsyncClient) -> None:
    liaison, hotline = await login(api, "liaison"), await login(api, "hotline")
    assert (await api.post("/api/v1/hotline/calls", json=call(), headers=liaison)).status_code == 403
    bad = await api.post("/api/v1/hotline/calls", json=call(area_node_id="police-city"), headers=hotline)
    assert bad.json()["code"] == "area_not_found"
    body = call(kind="consultation", caller_phone=None, description="询问救助站地址")
    resp = await api.post("/api/v1/hotline/calls", json=body, headers=hotline)
    assert resp.status_code == 201
    closed = await wait_call(api, hotline, body["call_id"], lambda c: c["status"] == "closed")
    assert closed["duty_node_id"] is None
