"""Each wrong way to complete a task gets its own clear answer, and the case is unchanged."""

from __future__ import annotations

import uuid

import httpx

from support import Stack, login, new_report, registration, wait_for_task


async def _registration_task(api: httpx.AsyncClient, headers: dict[str, str], **report: object) -> dict:
    resp = await api.post("/api/v1/cases", json=new_report(**report), headers=headers)
    assert resp.status_code == 201, resp.text
    return await wait_for_task(api, headers, resp.json()["case_id"], "registration")


async def test_unknown_task_is_404(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    for task_id in (str(uuid.uuid4()), "not-a-task"):
        resp = await api.post(f"/api/v1/tasks/{task_id}/complete", json={"payload": {}}, headers=caseworker)
        assert resp.status_code == 404
        assert resp.json()["code"] == "task_not_found"


async def test_someone_elses_task_is_403(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    task = await _registration_task(api, caseworker)
    for other in ("liaison", "dh_caseworker", "police"):
        headers = await login(api, other)
        resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                              json={"payload": registration()}, headers=headers)
        assert resp.status_code == 403, other
        assert resp.json()["code"] == "task_not_yours"
        assert (await api.get(f"/api/v1/tasks/{task['task_id']}", headers=headers)).status_code == 403


async def test_wrong_payload_is_422_with_field_errors(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    task = await _registration_task(api, caseworker)
    url = f"/api/v1/tasks/{task['task_id']}/complete"

    resp = await api.post(url, json={"payload": {"person": {"name": "某人"}}}, headers=caseworker)
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "invalid_payload"
    assert ["person", "sex"] in [e["loc"] for e in body["details"]]

    bad_id = registration(birth="1968-03-12", id_number="110105196803121230")
    resp = await api.post(url, json={"payload": bad_id}, headers=caseworker)
    assert resp.status_code == 422
    assert "校验位" in resp.json()["message"]

    resp = await api.post(url, json={"wrong": 1}, headers=caseworker)
    assert resp.status_code == 422
    assert resp.json()["code"] == "invalid_request"

    # Nothing of this reached the case: the registration task is still open.
    assert (await api.get(f"/api/v1/tasks/{task['task_id']}", headers=caseworker)).json()["status"] == "open"


async def test_a_minor_cannot_get_open_rescue(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    # A boy who walked into the station himself (no escort needed).
    task = await _registration_task(api, caseworker, apparent_minor=True, channel="walk_in")
    payload = registration(name="李小明", birth="2013-07-01") | {"classification": "open"}
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", json={"payload": payload},
                          headers=caseworker)
    assert resp.status_code == 422
    assert "未成年人必须实行保护性救助" in resp.json()["message"]

    payload["classification"] = None
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", json={"payload": payload},
                          headers=caseworker)
    assert resp.status_code == 200, resp.text
    case = resp.json()["case"]
    assert case["classification"] == "protective"
    assert case["person"]["is_minor"] is True


async def test_completing_twice_is_409(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    task = await _registration_task(api, caseworker)
    url = f"/api/v1/tasks/{task['task_id']}/complete"
    first = await api.post(url, json={"payload": registration()}, headers=caseworker)
    assert first.status_code == 200, first.text
    again = await api.post(url, json={"payload": registration()}, headers=caseworker)
    assert again.status_code == 409
    assert again.json()["code"] == "task_already_done"


async def test_without_a_token_is_401(stack: Stack, api: httpx.AsyncClient) -> None:
    resp = await api.get("/api/v1/tasks")
    assert resp.status_code == 401
    assert resp.json()["code"] == "unauthorized"
    resp = await api.post("/api/v1/auth/token", data={"username": "caseworker", "password": "wrong"})
    assert resp.status_code == 401
    assert resp.json()["code"] == "invalid_credentials"
