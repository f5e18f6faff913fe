"""Joint patrols on the real stack: started by hand in extreme weather, encounters recorded (a
person needing help gets a case on the patrol channel), finished with a summary; the key-day
schedule starts one patrol per county/district; each area sees its own patrols."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import httpx

from rescue.schedules import KEY_DAY_PATROL_SCHEDULE, ensure_schedules
from support import Stack, login, replay_and_maybe_record, wait_for_task


async def wait_patrol(api: httpx.AsyncClient, headers: dict[str, str], patrol_id: str) -> dict[str, object]:
    for _ in range(150):
        resp = await api.get(f"/api/v1/patrols/{patrol_id}", headers=headers)
        if resp.status_code == 200:
            return dict(resp.json())
        await asyncio.sleep(0.2)
    raise AssertionError(resp.text)


async def test_an_extreme_weather_patrol_records_encounters(stack: Stack, api: httpx.AsyncClient) -> None:
    head, bureau = await login(api, "station_head"), await login(api, "bureau")
    liaison = await login(api, "liaison")
    body = {"patrol_id": f"cold-{uuid.uuid4().hex[:8]}", "area_node_id": "dh-station",
            "trigger": "extreme_weather", "reason": "寒潮蓝色预警"}
    assert (await api.post("/api/v1/patrols", json=body, headers=liaison)).status_code == 403
    resp = await api.post("/api/v1/patrols", json=body, headers=head)
    assert resp.status_code == 201, resp.text
    assert (await api.post("/api/v1/patrols", json=body, headers=head)).status_code == 200  # once
    patrol_id = body["patrol_id"]
    patrol = await wait_patrol(api, bureau, patrol_id)
    assert patrol["status"] == "open" and patrol["departments"] == ["民政", "公安", "城管", "卫生"]
    assert {p["kind"] for p in patrol["places"]} >= {"underpass", "bridge_culvert", "station_square"}

    police, urban = await login(api, "police"), await login(api, "urban")
    resp = await api.post(f"/api/v1/patrols/{patrol_id}/encounters", headers=urban, json={
        "place": "湖滨路地下通道", "outcome": "case_opened", "note": "老人衣着单薄，行动不便",
        "condition": "elderly", "sex": "male"})
    assert resp.status_code == 200, resp.text
    encounter = resp.json()["encounters"][0]
    case_id = encounter["case_id"]
    assert encounter["outcome"] == "case_opened" and case_id
    case = (await api.get(f"/api/v1/cases/{case_id}", headers=urban)).json()
    assert case["timeline"][0]["data"]["channel"] == "patrol" and case["station_node_id"] == "dh-station"
    await wait_for_task(api, police, case_id, "escort")  # an elderly person is escorted in
    resp = await api.post(f"/api/v1/patrols/{patrol_id}/encounters", headers=police, json={
        "place": "东湖桥桥洞", "outcome": "declined", "note": "已告知救助站地址和电话，本人拒绝"})
    assert [e["outcome"] for e in resp.json()["encounters"]] == ["case_opened", "declined"]
    done = await api.post(f"/api/v1/patrols/{patrol_id}/finish", headers=head,
                          json={"summary": "巡查6处，救助1人，劝导1人"})
    assert done.status_code == 200 and done.json()["status"] == "finished"
    late = await api.post(f"/api/v1/patrols/{patrol_id}/encounters", headers=urban, json={
        "place": "x", "outcome": "no_need", "note": "x"})
    assert late.status_code == 409 and late.json()["code"] in ("patrol_refused", "patrol_finished")
    xs = await login(api, "xs_caseworker")
    assert (await api.get(f"/api/v1/patrols/{patrol_id}", headers=xs)).status_code == 403
    await stack.client.get_workflow_handle(f"patrol:{patrol_id}").result()
    await replay_and_maybe_record(stack, f"patrol:{patrol_id}", "n5_patrol")


async def test_the_key_day_schedule_starts_a_patrol_in_every_county(stack: Stack, api: httpx.AsyncClient) -> None:
    await ensure_schedules(stack.client, stack.settings)
    handle = stack.client.get_schedule_handle(f"{KEY_DAY_PATROL_SCHEDULE}:{stack.settings.task_queue}")
    described = await handle.describe()
    assert len(described.schedule.spec.calendars) == 5
    await handle.trigger()
    day = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    bureau = await login(api, "bureau")
    for area in ("dh-station", "xs-station"):
        patrol = await wait_patrol(api, bureau, f"{area}:{day}:key_day")
        assert patrol["trigger"] == "key_day" and patrol["started_by"] == "schedule"
