"""PostgreSQL down: every endpoint, JSON and console, answers 503 ``database_unavailable``
with Retry-After and a Chinese message, logs no traceback, and works again once it is back.

The API here has an embedded PostgreSQL of its own (the session's must stay up), the
session's Temporal, and the real app with every route."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

from api.app import create_app
from api.context import AppContext
from db.migrate import apply_migrations
from db.pool import create_pool
from db.seed import load_demo
from stack.postgres import EmbeddedPostgres, ensure_database
from support import DEMO_PASSWORD, Stack

DUMMY = {"case_id": str(uuid.uuid4()), "task_id": str(uuid.uuid4()), "node_id": "dh-t1-c1",
         "month": "2026-11", "call_id": "c1", "patrol_id": str(uuid.uuid4())}


class Outage:
    def __init__(self, pg: EmbeddedPostgres, api: httpx.AsyncClient, token: str,
                 routes: list[object]) -> None:
        self.pg, self.api, self.token, self.routes = pg, api, token, routes


@pytest.fixture(scope="module")
async def outage(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Outage]:
    data = Path(str(tmp_path_factory.mktemp("outage-pg")))
    pg = EmbeddedPostgres(data / "pg")  # the test stops it and expects its data back
    try:
        url = await ensure_database(await asyncio.to_thread(pg.start), "rescue")
        await apply_migrations(url)
        await load_demo(url, stack.settings)
        pool = await create_pool(url)
        try:
            app = create_app(stack.settings,
                             context=AppContext(stack.settings, pool, stack.client))
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://api") as api:
                r = await api.post("/api/v1/auth/token",
                                   data={"username": "caseworker", "password": DEMO_PASSWORD})
                assert r.status_code == 200, r.text
                yield Outage(pg, api, r.json()["access_token"], list(app.routes))
        finally:
            await pool.close()
    finally:
        pg.delete_on_stop = True
        pg.stop()


def _api_routes(routes: list[object], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, through the routers the app includes."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            found += _api_routes(route.original_router.routes,
                                 prefix + route.include_context.prefix)
    return found


def _routes(app_routes: list[object]) -> list[tuple[str, str]]:
    """(method, concrete path) of every API and console route, path parameters filled in."""
    found = []
    for path, route in _api_routes(app_routes):
        for name, value in DUMMY.items():
            path = path.replace("{" + name + "}", value)
        if "{" in path:
            path = path.split("{", 1)[0] + "x"  # any other parameter: a value of its own
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, path))
    return found


async def test_every_endpoint_answers_503_while_the_database_is_down(
    outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    api = outage.api
    await asyncio.to_thread(outage.pg.stop)
    caplog.clear()
    caplog.set_level(logging.INFO)
    try:
        routes = _routes(outage.routes)
        headers = {"Authorization": f"Bearer {outage.token}", "X-Agency-Key": "x"}
        api.cookies.set("rescue_console", outage.token)
        answers: dict[tuple[str, str], httpx.Response] = {}
        for method, path in routes:
            r = await api.request(method, path, headers=headers,
                                  json={} if method == "POST" else None)
            answers[(method, path)] = r
        touched = {k: r for k, r in answers.items() if r.status_code == 503}
        # Nothing breaks: each answer is a 503 with the code, or one that needs no database.
        for (method, path), r in answers.items():
            assert r.status_code != 500, (method, path, r.text[:300])
            if r.status_code == 503 and path != "/healthz":
                assert r.headers["retry-after"] == "5", (method, path)
                if path.startswith("/console"):
                    assert "数据库暂时无法访问" in r.text, (method, path)
                else:
                    assert r.json()["code"] == "database_unavailable", (method, path, r.text)
                    assert "数据库暂时无法访问" in r.json()["message"]
        others = sorted(f"{m} {p} {r.status_code}" for (m, p), r in answers.items()
                        if r.status_code != 503)
        print(f"\n{len(touched)} of {len(answers)} routes answered 503; the rest: {others}")
        # Whatever touches the database says so; these surely do.
        login = await api.post("/api/v1/auth/token",
                               data={"username": "caseworker", "password": DEMO_PASSWORD})
        assert (login.status_code, login.json()["code"]) == (503, "database_unavailable")
        for must in (("GET", "/api/v1/cases"),
                     ("GET", "/api/v1/tasks"), ("GET", "/console/"), ("GET", "/console/cases")):
            assert answers[must].status_code == 503, (must, answers[must].text[:300])
        # A callback well formed (an empty body is refused at the edge, before any database).
        dna = await api.post("/api/v1/agency/police/dna-results", headers=headers, json={
            "callback_id": "cb-outage", "case_number": "JZ2026-000001", "sample_id": "S-1",
            "matched": False, "compared_at": "2026-01-01T00:00:00+08:00"})
        assert dna.status_code == 503, dna.text[:300]
        # No traceback of ours; asyncpg's pool warns with one, which rescue.logs turns into a
        # line in the processes (tests/stack/test_processes.py).
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR
                    or r.exc_info and r.name != "asyncpg.pool"]
        assert [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
    finally:
        api.cookies.clear()
        await asyncio.to_thread(outage.pg.restart)
    # Back: the pool reconnects by itself.
    for _ in range(50):
        r = await api.post("/api/v1/auth/token",
                           data={"username": "caseworker", "password": DEMO_PASSWORD})
        if r.status_code == 200:
            break
        await asyncio.sleep(0.2)
    assert r.status_code == 200, r.text
    r = await api.get("/api/v1/cases", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert r.status_code == 200, r.text
