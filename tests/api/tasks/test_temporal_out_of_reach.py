"""Temporal out of reach: a case is read from the read model at once, open tasks included;
a completion whose answer Temporal lost is checked against the read model before answering."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RetryConfig

from api.app import create_app
from api.context import AppContext
from db.pool import create_pool
from rescue.codec import data_converter
from stack.temporal_server import free_port
from support import Stack, login, new_report, registration, wait_for_stage, wait_for_task

NO_RETRY = RetryConfig(initial_interval_millis=50, max_retries=1, max_elapsed_time_millis=500)


@pytest.fixture
async def cut_off(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """The API on the suite's database whose Temporal client reaches nobody."""
    client = await Client.connect(
        f"127.0.0.1:{free_port()}", lazy=True, retry_config=NO_RETRY,
        data_converter=data_converter([stack.settings.resolved_payload_key()]))
    pool = await create_pool(stack.database_url)
    try:
        app = create_app(stack.settings, context=AppContext(stack.settings, pool, client))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://api", timeout=60) as api:
            yield api
    finally:
        await pool.close()


async def _registration(api: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, dict]:
    r = await api.post("/api/v1/cases", json=new_report(), headers=headers)
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    return case_id, await wait_for_task(api, headers, case_id, "registration")


async def test_a_case_is_read_from_the_read_model_with_its_open_tasks(
    api: httpx.AsyncClient, cut_off: httpx.AsyncClient
) -> None:
    caseworker = await login(api, "caseworker")
    case_id, task = await _registration(api, caseworker)
    started = time.monotonic()
    r = await cut_off.get(f"/api/v1/cases/{case_id}", headers=caseworker)
    seconds = time.monotonic() - started
    print(f"\ncase read without Temporal in {seconds:.2f} s from the read model")
    assert r.status_code == 200 and r.json()["source"] == "read_model"
    assert [t["task_id"] for t in r.json()["open_tasks"]] == [task["task_id"]]


async def test_a_completion_temporal_failed_to_answer_is_checked(
    api: httpx.AsyncClient, cut_off: httpx.AsyncClient
) -> None:
    caseworker = await login(api, "caseworker")
    # Nothing happened: "may be done, refresh" (the read model still has it open).
    _, task = await _registration(api, caseworker)
    r = await cut_off.post(f"/api/v1/tasks/{task['task_id']}/complete",
                           json={"payload": registration()}, headers=caseworker)
    assert (r.status_code, r.json()["code"]) == (503, "completion_unknown"), r.text
    assert r.headers["retry-after"] and "可能已办理" in r.json()["message"]
    # The update went through although the answer was an error (here: the same completion
    # lands through a process that reaches Temporal while this one checks): 200, once.
    case_id, task = await _registration(api, caseworker)
    lost = asyncio.create_task(cut_off.post(f"/api/v1/tasks/{task['task_id']}/complete",
                                            json={"payload": registration()},
                                            headers=caseworker))
    await asyncio.sleep(0.3)
    landed = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                            json={"payload": registration()}, headers=caseworker)
    assert landed.status_code == 200, landed.text
    r = await lost
    assert r.status_code == 200, r.text
    assert r.json()["case"]["stage"] != "admission"  # the read model: registered, moving on


async def test_a_closed_case_is_read_as_its_workflow_left_it(
    api: httpx.AsyncClient, cut_off: httpx.AsyncClient
) -> None:
    """A closed case's state is the one its workflow wrote when it closed: read without asking
    Temporal (which would replay the closed workflow's whole history on a worker)."""
    caseworker = await login(api, "caseworker")
    case_id, task = await _registration(api, caseworker)
    r = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                       json={"payload": registration()}, headers=caseworker)
    assert r.status_code == 200, r.text
    left = await api.post(f"/api/v1/cases/{case_id}/actions/departure",
                          json={"declaration_signed": True}, headers=caseworker)
    assert left.status_code == 200, left.text
    closed = await wait_for_stage(api, caseworker, case_id, "closed")
    r = await cut_off.get(f"/api/v1/cases/{case_id}", headers=caseworker)
    assert r.status_code == 200 and r.json()["source"] == "closed", r.text
    read = r.json()
    assert read["outcome"] == "left_voluntarily" and read["open_tasks"] == []
    assert read["classification"] == "open" and read["identity_known"] is True
    assert read == closed
