"""An inbox kept open waits for a notification instead of polling: with the version of its
last answer (X-Inbox-Version) and ``wait``, it is answered when a task arrives for its
organisation and role, with a new version; with nothing new, the version stays."""

from __future__ import annotations

import asyncio

import httpx

from support import Stack, login, new_report


async def _version(api: httpx.AsyncClient, who: dict[str, str]) -> str:
    for _ in range(50):  # the API process starts listening just after it starts answering
        resp = await api.get("/api/v1/tasks", headers=who)
        assert resp.status_code == 200, resp.text
        if "X-Inbox-Version" in resp.headers:
            return resp.headers["X-Inbox-Version"]
        await asyncio.sleep(0.1)
    raise AssertionError("the inbox never gave a version")


async def test_an_inbox_kept_open_is_answered_with_the_task_that_arrives(
        stack: Stack, api: httpx.AsyncClient) -> None:
    xs = await login(api, "xs_caseworker")
    version = await _version(api, xs)
    waiting = asyncio.create_task(api.get("/api/v1/tasks", headers=xs,
                                          params={"since": version, "wait": 20}))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # nothing new yet: it waits
    made = await api.post("/api/v1/cases", headers=xs, json=new_report(channel="walk_in"))
    assert made.status_code == 201, made.text
    answer = await waiting
    assert answer.status_code == 200
    assert answer.headers["X-Inbox-Version"] != version  # woken by the notification
    case_id = made.json()["case_id"]
    assert any(t["case_id"] == case_id and t["kind"] == "registration" for t in answer.json())


async def test_a_wait_with_an_old_version_is_answered_at_once(stack: Stack, api: httpx.AsyncClient) -> None:
    xs = await login(api, "xs_caseworker")
    version = await _version(api, xs)
    stale = await api.get("/api/v1/tasks", headers=xs, params={"since": int(version) - 1, "wait": 25})
    assert stale.status_code == 200 and stale.headers["X-Inbox-Version"] == version
    bad = await api.get("/api/v1/tasks", headers=xs, params={"since": version, "wait": 99})
    assert bad.status_code == 422
