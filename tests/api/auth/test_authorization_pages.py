"""Deny by default on every endpoint and page: nothing answers an anonymous caller but the
login and health; every console page per demo user; finance's money and the operator's view
of stuck cases, each for its own role only."""

from __future__ import annotations

import asyncio
import html
import re
import uuid

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.app import create_app
from db.seed import DEMO_USERS
from db.seed_finance import CITY_BUDGET_FEN, COUNTY_BUDGET_FEN
from support import DEMO_PASSWORD, Stack, complete, login, open_case, registration, wait_for_task

PUBLIC = {("POST", "/api/v1/auth/token"), ("GET", "/healthz"), ("GET", "/console/login"),
          ("POST", "/console/login")}
EVERYONE = {u.username for u in DEMO_USERS}
PAGES = {
    "/console/": EVERYONE,
    "/console/password": EVERYONE,
    "/console/cases": EVERYONE - {"finance", "auditor"},
    "/console/police": {"police"},
    "/console/hospital": {"hospital"},
    "/console/transport": {"transport"},
    "/console/finance": {"finance", "bureau"},
    "/console/operator": {"operator"},
    "/console/audit": {"auditor"},
}


def api_routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """(path, methods) of every endpoint, also through routers included lazily."""
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, route.methods))
        for context in getattr(route, "effective_route_contexts", list)():
            if isinstance(context.original_route, APIRoute):
                found.append((context.path, context.original_route.methods))
    return found


async def test_every_route_refuses_the_anonymous(stack: Stack, api: httpx.AsyncClient) -> None:
    app = create_app(stack.settings)  # only to list the routes; the stack serves the same app
    checked = 0
    for route_path, methods in api_routes(app):
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), route_path)
        for method in sorted(methods - {"HEAD"}):
            if (method, route_path) in PUBLIC:
                continue
            resp = await api.request(method, path)
            checked += 1
            where = f"{method} {route_path}"
            if route_path in ("/docs", "/redoc"):  # the docs live behind the console's login
                assert resp.status_code == 303 and resp.headers["location"] == f"/console{route_path}"
            elif route_path.startswith("/console/codec/"):  # the Temporal UI's JSON calls
                assert resp.status_code == 401, where
            elif route_path == "/console/{rest:path}":
                assert resp.status_code == 404, where  # the Chinese 404 of unknown addresses
            elif route_path.startswith("/console/"):
                assert resp.status_code == 303, where
                assert resp.headers["location"].startswith("/console/login"), where
            else:
                assert resp.status_code == 401, f"{where}: {resp.status_code} {resp.text[:200]}"
    assert checked > 30


async def _console(stack: Stack, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=stack.api_url, timeout=60)
    form = await client.get("/console/login")
    csrf = html.unescape(re.search(r'name="csrf_token" value="([^"]*)"', form.text).group(1))  # type: ignore[union-attr]
    resp = await client.post("/console/login", data={"username": username, "password": DEMO_PASSWORD,
                                                     "csrf_token": csrf, "next": "/console/"})
    assert resp.status_code == 303, resp.text
    return client


@pytest.mark.parametrize("username", sorted(EVERYONE))
async def test_console_pages_per_role(stack: Stack, username: str) -> None:
    client = await _console(stack, username)
    try:
        for path, allowed in PAGES.items():
            resp = await client.get(path)
            expected = 200 if username in allowed else 403
            assert resp.status_code == expected, f"{username} {path}: {resp.status_code}"
            assert '<html lang="zh-CN">' in resp.text
            if expected == 403:
                assert "无权访问" in resp.text
        home = await client.get("/console/")
        for path, allowed in PAGES.items():
            if path not in ("/console/", "/console/password", "/console/cases"):
                shown = f'href="{path}"' in home.text
                assert shown == (username in allowed), f"{username} sees a link to {path}: {shown}"
    finally:
        await client.aclose()


async def test_finance_sees_money_per_station(stack: Stack, api: httpx.AsyncClient) -> None:
    resp = await api.get("/api/v1/finance/treatment", headers=await login(api, "finance"))
    assert resp.status_code == 200, resp.text
    report = resp.json()
    stations = {s["node_id"]: s for s in report["stations"]}
    assert set(stations) == {"city-station", "dh-station", "xs-station"}
    assert stations["city-station"]["budget_fen"] == CITY_BUDGET_FEN
    assert stations["xs-station"]["budget_fen"] == COUNTY_BUDGET_FEN
    for s in report["stations"]:
        assert s["remaining_fen"] == s["budget_fen"] - s["committed_fen"] - s["paid_fen"]
    assert report["total"]["budget_fen"] == CITY_BUDGET_FEN + 2 * COUNTY_BUDGET_FEN
    assert (await api.get("/api/v1/finance/treatment", headers=await login(api, "bureau"))).status_code == 200
    for name in ("caseworker", "hospital", "auditor", "station_head"):
        refused = await api.get("/api/v1/finance/treatment", headers=await login(api, name))
        assert refused.status_code == 403, name


async def test_the_operator_finds_a_call_failing_again_and_again(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, operator = await login(api, "caseworker"), await login(api, "operator")
    assert (await api.get("/api/v1/operator/stuck-cases", headers=caseworker)).status_code == 403
    admin = stack.sim_admin()
    async with httpx.AsyncClient() as http:
        await http.put(f"{stack.sim_url('police')}/admin/faults", json={"down": True}, headers=admin)
        try:
            case_id = await open_case(api, caseworker, channel="walk_in")
            task = await wait_for_task(api, caseworker, case_id, "registration")
            await complete(api, caseworker, task, registration())
            failing = []
            for _ in range(300):
                resp = await api.get("/api/v1/operator/stuck-cases", headers=operator)
                assert resp.status_code == 200, resp.text
                failing = [f for f in resp.json()["failing_calls"] if f["case_id"] == case_id]
                if failing:
                    break
                await asyncio.sleep(0.1)
        finally:
            await http.put(f"{stack.sim_url('police')}/admin/faults", json={}, headers=admin)
    assert failing, "the failing lookup never showed"
    call = failing[0]
    assert call["activity"] == "lookup_household" and call["activity_label"] == "公安户籍查询"
    assert call["attempt"] >= stack.settings.operator_min_attempts and call["last_error"]
    assert call["workflow_url"].endswith(f"/namespaces/default/workflows/rescue-case%3A{call['case_number']}")
    # the police system is back: the case moves on by itself
    await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=60)
