"""The edge of the API: bounded bodies and texts, no caching of personal data, no query
strings in the access log, the API docs behind the login (outside development)."""

from __future__ import annotations

import logging

import httpx

from rescue.logs import PathOnly, setup_logging
from rescue.settings import Settings
from support import DEMO_PASSWORD, Stack, login

CALLBACK = "/api/v1/agency/police/dna-results"


def _dna(sample_id: str) -> dict[str, object]:
    return {"callback_id": "edge-1", "case_number": "JZ2026-000001", "sample_id": sample_id,
            "matched": False, "compared_at": "2026-01-01T00:00:00Z"}


async def test_bodies_and_texts_are_bounded(stack: Stack, api: httpx.AsyncClient) -> None:
    police = {"X-Agency-Key": stack.settings.police_callback_key}
    big = await api.post(CALLBACK, json=_dna("S" * (5 * 1024 * 1024)), headers=police)
    assert big.status_code == 413 and big.json()["code"] == "payload_too_large"
    assert "请求内容过大" in big.json()["message"]
    anonymous = await api.post("/api/v1/cases", content=b"x" * (2 * 1024 * 1024),
                               headers={"content-type": "application/json"})
    assert anonymous.status_code == 413

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 65536

    streamed = await api.post("/api/v1/cases", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    long_text = await api.post(CALLBACK, json=_dna("S" * 6000), headers=police)
    assert long_text.status_code == 422 and "内容过长" in long_text.json()["message"]
    narrower = await api.post(CALLBACK, json=_dna("S" * 200), headers=police)
    assert narrower.status_code == 422
    caseworker = await login(api, "caseworker")
    query = await api.get("/api/v1/cases", params={"q": "张" * 6000}, headers=caseworker)
    assert query.status_code == 422


async def test_answers_with_personal_data_are_not_cached(api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    for path in ("/api/v1/cases", "/api/v1/auth/me", "/console/login"):
        resp = await api.get(path, headers=caseworker)
        assert resp.headers.get("cache-control") == "no-store", path
    assert (await api.get("/api/v1/cases/not-a-case", headers=caseworker)).headers["cache-control"] == "no-store"


def test_the_access_log_keeps_the_path_without_the_query(caplog) -> None:  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:  # what `python -m api` does at start: uvicorn's access lines get the filter
        setup_logging(Settings(), "api")
        assert any(isinstance(f, PathOnly) for f in logging.getLogger("uvicorn.access").filters)
    finally:
        root.handlers[:], level = kept
        root.setLevel(level)
    access = logging.getLogger("uvicorn.access.test")
    access.addFilter(PathOnly())
    with caplog.at_level(logging.INFO, logger="uvicorn.access.test"):
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    "/api/v1/cases?q=110105196803121237", "1.1", 200)
    assert caplog.messages == ['127.0.0.1:5000 - "GET /api/v1/cases HTTP/1.1" 200']


async def test_the_api_docs_want_a_login_outside_development(stack: Stack, api: httpx.AsyncClient) -> None:
    assert stack.settings.environment == "production"
    assert (await api.get("/openapi.json")).status_code == 401
    for path in ("/docs", "/redoc"):
        moved = await api.get(path)
        assert moved.status_code == 303 and moved.headers["location"] == f"/console{path}"
        assert (await api.get(f"/console{path}")).headers["location"].startswith("/console/login")
    schema = await api.get("/openapi.json", headers=await login(api, "transport"))
    assert schema.status_code == 200 and "/api/v1/cases" in schema.json()["paths"]
    token = (await api.post("/api/v1/auth/token", data={"username": "transport",
                                                        "password": DEMO_PASSWORD})).json()
    async with httpx.AsyncClient(base_url=stack.api_url) as browser:  # signed in to the console
        browser.cookies.set("rescue_console", token["access_token"], path="/console")
        page = await browser.get("/console/docs")
        assert page.status_code == 200 and "/console/openapi.json" in page.text
        assert (await browser.get("/console/openapi.json")).json()["paths"] == schema.json()["paths"]
    assert Settings(environment="development").environment == "development"
