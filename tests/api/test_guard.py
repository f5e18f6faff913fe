"""Inputs the API refuses with nothing written (api/guard.py): unknown fields in any JSON body
or task payload, control characters anywhere (body, form, query, path, cookie), moments that
cannot have happened; every message in Chinese, and no doubled words on a timeline."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import params
from fastapi.routing import APIRoute

from api.app import create_app
from support import (
    Stack,
    complete,
    do,
    get_case,
    login,
    new_report,
    open_case,
    registration,
    voucher,
    wait_for_stage,
    wait_for_task,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,})\1")


async def _count(stack: Stack, query: str, *args: Any) -> int:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return int(await conn.fetchval(query, *args))
    finally:
        await conn.close()


def _refused(resp: httpx.Response, *words: str) -> dict[str, Any]:
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert CJK.search(body["message"]), body
    for word in words:
        assert word in body["message"], (word, body["message"])
    return dict(body)


def _no_english(body: dict[str, Any]) -> None:
    texts = [body["message"], *(d.get("msg", "") for d in body.get("details") or [] if isinstance(d, dict))]
    for text in texts:
        assert CJK.search(text) and "Input should" not in text and "decode error" not in text, text


async def test_a_report_with_fields_the_api_does_not_know_opens_no_case(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    report = new_report(age=45, id_number="110105196803121237")
    body = _refused(await api.post("/api/v1/cases", json=report, headers=caseworker), "age", "id_number")
    assert body["code"] == "invalid_request"
    assert {tuple(d["loc"]) for d in body["details"]} == {("body", "age"), ("body", "id_number")}
    assert "不认识的字段" in body["message"]
    assert await _count(stack, "SELECT count(*) FROM case_reports WHERE report_id = $1", report["report_id"]) == 0
    # A mistyped policy override is not dropped either (the suite allows overrides).
    report = new_report(policy_overrides={"stay_limitt": 2})
    resp = await api.post("/api/v1/cases", json=report, headers=caseworker)
    assert resp.status_code == 422 and resp.json()["code"] == "invalid_policy_overrides"
    assert resp.json()["details"][0]["loc"] == ["stay_limitt"]
    _no_english(resp.json())
    assert await _count(stack, "SELECT count(*) FROM case_reports WHERE report_id = $1", report["report_id"]) == 0


def _json_routes(stack: Stack) -> list[tuple[str, str]]:
    app = create_app(stack.settings)  # only to list the routes; the stack serves the same app
    found = []
    candidates = [(r.path, r) for r in app.routes if isinstance(r, APIRoute)]
    for route in app.routes:  # routers are included lazily: their routes live in contexts
        candidates += [(c.path, c.original_route) for c in getattr(route, "effective_route_contexts", list)()
                       if isinstance(c.original_route, APIRoute)]
    for path, route in candidates:
        if route.body_field is not None and not isinstance(route.body_field.field_info, params.Form):
            found += [(method, path) for method in sorted(route.methods)]
    return found


async def test_every_json_body_refuses_an_unknown_field(stack: Stack, api: httpx.AsyncClient) -> None:
    bureau = await login(api, "bureau")
    routes = _json_routes(stack)
    assert len(routes) > 25
    for method, route_path in routes:
        path = re.sub(r"\{[^}]+\}", "x", route_path)
        resp = await api.request(method, path, json={"zz_not_a_field": 1}, headers=bureau)
        assert resp.status_code == 422, f"{method} {route_path}: {resp.status_code} {resp.text[:200]}"
        details = resp.json()["details"]
        assert ["body", "zz_not_a_field"] in [d["loc"] for d in details], f"{method} {route_path}"
        _no_english(resp.json())


async def test_a_registration_carrying_an_age_is_refused_and_the_task_stays_open(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    url = f"/api/v1/tasks/{task['task_id']}/complete"
    payload = registration(age=57)
    payload["id_number"] = "110105196803121237"  # beside the person, where nothing reads it
    body = _refused(await api.post(url, json={"payload": payload}, headers=caseworker), "person.age", "id_number")
    assert body["code"] == "invalid_payload"
    assert ["person", "age"] in [d["loc"] for d in body["details"]]
    nul = registration(name="张\x00建国")
    _refused(await api.post(url, json={"payload": nul}, headers=caseworker), "person.name", "U+0000")
    old = registration(birth="1899-12-31")
    _refused(await api.post(url, json={"payload": old}, headers=caseworker), "1900")
    # Pydantic's English never shows: a payload that is not an object.
    _no_english(_refused(await api.post(url, json={"payload": []}, headers=caseworker)))
    _no_english(_refused(await api.post(url, json={"payload": {"person": "张建国"}}, headers=caseworker)))
    assert (await api.get(f"/api/v1/tasks/{task['task_id']}", headers=caseworker)).json()["status"] == "open"
    case = await complete(api, caseworker, task, registration())
    assert case["person"]["name"] == "张建国"


@pytest.mark.parametrize("text", ["桥洞\x00下", "桥洞\x07下", "桥洞\ud800下", "\x1b[31m桥洞"])
async def test_control_characters_in_a_report_open_no_case(stack: Stack, api: httpx.AsyncClient, text: str) -> None:
    caseworker = await login(api, "caseworker")
    report = new_report(place=text)
    body = _refused(await api.post("/api/v1/cases", content=json.dumps(report),
                                   headers={**caseworker, "content-type": "application/json"}), "place", "控制字符")
    assert body["details"][0]["loc"] == ["body", "place"]
    assert await _count(stack, "SELECT count(*) FROM case_reports WHERE report_id = $1", report["report_id"]) == 0


async def test_control_characters_elsewhere_never_reach_the_database(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, hotline = await login(api, "caseworker"), await login(api, "hotline")
    _refused(await api.get("/api/v1/cases", params={"q": "张\x00"}, headers=caseworker), "q")
    _refused(await api.get("/api/v1/cases/%00", headers=caseworker), "控制字符")
    _refused(await api.get("/api/v1/cases", params={"node\x00": "x"}, headers=caseworker))
    call_id = f"call-{uuid.uuid4().hex[:10]}"
    call = {"call_id": call_id, "kind": "finding", "area_node_id": "dh-t1-c1", "place": "东湖桥下",
            "description": "有人\x00躺在桥下"}
    _refused(await api.post("/api/v1/hotline/calls", json=call, headers=hotline), "description")
    assert await _count(stack, "SELECT count(*) FROM hotline_calls WHERE call_id = $1", call_id) == 0
    # The login form, before any session exists.
    resp = await api.post("/api/v1/auth/token", data={"username": "case\x00worker", "password": "x"})
    _refused(resp, "username")


async def test_console_forms_and_cookies_get_a_chinese_page(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as browser:
        form = await browser.get("/console/login")
        csrf = html.unescape(re.search(r'name="csrf_token" value="([^"]*)"', form.text).group(1))  # type: ignore[union-attr]
        resp = await browser.post("/console/login", data={"username": "caseworker\x00", "password": "x",
                                                          "csrf_token": csrf, "next": "/console/"})
        assert resp.status_code == 422 and "text/html" in resp.headers["content-type"]
        assert "控制字符" in resp.text and "填写有误" in resp.text
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as browser:
        resp = await browser.get("/console/", headers={"cookie": 'rescue_console="\\000abc"'})
        assert resp.status_code == 422 and "控制字符" in resp.text


async def test_moments_that_cannot_have_happened(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    now = datetime.now(UTC)
    for found_at, why in (((now + timedelta(days=1)).isoformat(), "不能晚于当前时间"),
                          ("1899-05-01T08:00:00+08:00", "1900")):
        report = new_report(found_at=found_at)
        body = _refused(await api.post("/api/v1/cases", json=report, headers=caseworker), "found_at", why)
        assert body["details"][0]["loc"] == ["body", "found_at"]
        assert await _count(stack, "SELECT count(*) FROM case_reports WHERE report_id = $1", report["report_id"]) == 0

    # Death: not before the person was found, not in the future.
    found = now - timedelta(hours=2)
    case_id = await open_case(api, caseworker, channel="walk_in", found_at=found.isoformat())
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration(name="无名氏乙", birth="1950-01-01"))
    death = {"place": "站内医务室", "cause": "突发心脏病（医院认定）", "police_notified": True}
    early = _refused(await do(api, caseworker, case_id, "death", {**death, "died_at": (found - timedelta(hours=1)).isoformat()}),
                     "死亡时间不能早于发现或报告时间")
    assert early["code"] == "invalid_request"
    _refused(await do(api, caseworker, case_id, "death", {**death, "died_at": (now + timedelta(hours=3)).isoformat()}),
             "died_at", "不能晚于当前时间")
    assert (await get_case(api, caseworker, case_id))["stage"] != "closed"
    resp = await do(api, caseworker, case_id, "death", {**death, "died_at": datetime.now(UTC).isoformat()})
    assert resp.status_code == 200, resp.text
    assert (await wait_for_stage(api, caseworker, case_id, "closed"))["outcome"] == "died"


async def test_a_boarding_time_in_the_future_is_refused(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, transport = await login(api, "caseworker"), await login(api, "transport")
    case_id = await open_case(api, caseworker)
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration())
    task = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await complete(api, caseworker, task, voucher())
    task = await wait_for_task(api, transport, case_id, "boarding_confirmation")
    url = f"/api/v1/tasks/{task['task_id']}/complete"
    later = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    body = _refused(await api.post(url, json={"payload": {"boarded": True, "boarded_at": later}}, headers=transport),
                    "boarded_at", "不能晚于当前时间")
    assert body["code"] == "invalid_payload"
    assert (await api.get(f"/api/v1/tasks/{task['task_id']}", headers=transport)).json()["status"] == "open"
    await complete(api, transport, task, {"boarded": True, "boarded_at": datetime.now(UTC).isoformat()})


async def test_messages_are_chinese_and_timelines_have_no_doubled_words(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    broken = await api.post("/api/v1/cases", content=b'{"report_id": "r-1",', headers={
        **caseworker, "content-type": "application/json"})
    _no_english(_refused(broken, "JSON"))
    _no_english(_refused(await api.post("/api/v1/cases", json=[1, 2], headers=caseworker)))
    _no_english(_refused(await api.post("/api/v1/cases", json=new_report(sex=3, apparent_minor="maybe"),
                                        headers=caseworker)))
    missing = await api.get("/api/v1/no-such-thing", headers=caseworker)
    assert missing.status_code == 404 and CJK.search(missing.json()["message"])
    # One case per discovery channel: each timeline line reads without a doubled word.
    liaison = await login(api, "liaison")
    for channel, who in (("hotline", caseworker), ("patrol", caseworker), ("police", caseworker),
                         ("community", liaison), ("walk_in", caseworker)):
        case_id = await open_case(api, who, channel=channel)
        await wait_for_task(api, await login(api, "caseworker" if channel != "community" else "dh_caseworker"),
                            case_id, "registration")
        case = await get_case(api, who, case_id)
        lines = [e["summary"] for e in case["timeline"]]
        assert any("发现途径" in line for line in lines), lines
        assert [line for line in lines if DOUBLED.search(line)] == [], lines
