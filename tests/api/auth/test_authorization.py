"""The authorisation matrix on the real stack: every demo user × two cases × read, list,
history, act on the case and complete its task, each cell with the exact status expected.

Case A is at the city station (示范市救助管理站); its person comes from 柳岸社区 (dh-t1-c1),
found by the police lookup, so 东湖区's staff see it through the origin. Case B is at the
西山县 station, waiting for registration. Denied reads leave denied lines in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from db.seed import DEMO_USERS
from support import (
    Stack,
    complete,
    login,
    open_case,
    registration,
    wait_for_task,
)

USERS = [u.username for u in DEMO_USERS]

# (case A, case B) for each demo user. 200: allowed; 404: refused, exactly as a case that does
# not exist (out of jurisdiction must not reveal that the case exists).
READ = {
    "bureau": (200, 200), "station_head": (200, 200), "caseworker": (200, 200),
    "dh_caseworker": (200, 404), "xs_caseworker": (404, 200), "township": (200, 404),
    "liaison": (200, 404), "xs_liaison": (404, 404), "hotline": (200, 200),
    "police": (404, 404), "urban": (404, 404), "hospital": (404, 404), "transport": (404, 404),
    "finance": (404, 404), "operator": (200, 200), "auditor": (404, 404),
    # the county heads see their county (A through its origin in 东湖区); the other townships
    # and communities see neither case
    "dh_head": (200, 404), "xs_head": (404, 200),
    "dh_t2_township": (404, 404), "xs_t1_township": (404, 404), "xs_t2_township": (404, 404),
    "dh_t1_c2_liaison": (404, 404), "dh_t2_c1_liaison": (404, 404), "dh_t2_c2_liaison": (404, 404),
    "xs_t1_c2_liaison": (404, 404), "xs_t2_c1_liaison": (404, 404), "xs_t2_c2_liaison": (404, 404),
}
HISTORY_ROLES = {"bureau", "station_head", "caseworker", "dh_caseworker", "xs_caseworker", "operator",
                 "dh_head", "xs_head"}
ACT = {"caseworker": (200, 403), "station_head": (200, 403), "xs_caseworker": (404, 200),
       "xs_head": (404, 200)}
"""Case actions (here: recording a meal): only the staff of the case's own station (403 to
those who may read the case, 404 to those who may not even know it exists)."""
COMPLETE = {"caseworker": (422, 403), "xs_caseworker": (403, 422)}
"""Completing the open task with an empty payload: its assignee gets 422 (the payload is
checked, nothing is done), everyone else 403 task_not_yours."""


@dataclass
class Cases:
    a: str
    b: str
    a_number: str
    b_number: str
    task_a: str
    task_b: str
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
async def cases(stack: Stack) -> AsyncIterator[Cases]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        headers = {u: await login(api, u) for u in USERS}
        a = await open_case(api, headers["caseworker"], channel="walk_in")
        task = await wait_for_task(api, headers["caseworker"], a, "registration")
        await complete(api, headers["caseworker"], task, registration())
        voucher = await wait_for_task(api, headers["caseworker"], a, "ticket_voucher", timeout=60)
        b = await open_case(api, headers["xs_caseworker"], channel="walk_in")
        reg_b = await wait_for_task(api, headers["xs_caseworker"], b, "registration")
        case_a = (await api.get(f"/api/v1/cases/{a}", headers=headers["caseworker"])).json()
        assert case_a["origin_node_id"] == "dh-t1-c1" and case_a["station_node_id"] == "city-station"
        yield Cases(a=a, b=b, a_number=voucher["case_number"], b_number=reg_b["case_number"],
                    task_a=voucher["task_id"], task_b=reg_b["task_id"], headers=headers)


def _pick(pair: tuple[int, int], which: str) -> int:
    return pair[0] if which == "a" else pair[1]


CELLS = [(u, w) for u in USERS for w in ("a", "b")]


@pytest.mark.parametrize(("username", "which"), CELLS)
async def test_read(cases: Cases, api: httpx.AsyncClient, username: str, which: str) -> None:
    case_id = getattr(cases, which)
    resp = await api.get(f"/api/v1/cases/{case_id}", headers=cases.headers[username])
    assert resp.status_code == _pick(READ[username], which), resp.text
    if resp.status_code == 404:  # the very answer of a case that does not exist
        missing = await api.get(f"/api/v1/cases/{uuid.uuid4()}", headers=cases.headers[username])
        assert (missing.status_code, missing.content) == (404, resp.content)


@pytest.mark.parametrize(("username", "which"), CELLS)
async def test_list_agrees_with_read(cases: Cases, api: httpx.AsyncClient, username: str,
                                     which: str) -> None:
    number = getattr(cases, f"{which}_number")
    resp = await api.get("/api/v1/cases", params={"q": number}, headers=cases.headers[username])
    if username in ("finance", "auditor"):  # they list no cases at all
        assert resp.status_code == 403, resp.text
        return
    assert resp.status_code == 200, resp.text
    listed = [c["case_number"] for c in resp.json()["items"]]
    assert listed == ([number] if _pick(READ[username], which) == 200 else [])


@pytest.mark.parametrize(("username", "which"), CELLS)
async def test_history(cases: Cases, api: httpx.AsyncClient, username: str, which: str) -> None:
    case_id = getattr(cases, which)
    resp = await api.get(f"/api/v1/cases/{case_id}/history", headers=cases.headers[username])
    readable = _pick(READ[username], which) == 200
    expected = 403 if username not in HISTORY_ROLES else 200 if readable else 404
    assert resp.status_code == expected, resp.text


@pytest.mark.parametrize(("username", "which"), CELLS)
async def test_act_on_the_case(cases: Cases, api: httpx.AsyncClient, username: str, which: str) -> None:
    case_id = getattr(cases, which)
    resp = await api.post(f"/api/v1/cases/{case_id}/actions/care", json={"service": "meals"},
                          headers=cases.headers[username])
    readable = _pick(READ[username], which) == 200
    assert resp.status_code == _pick(ACT.get(username, (403 if readable else 404,) * 2), which), resp.text


@pytest.mark.parametrize(("username", "which"), CELLS)
async def test_complete_the_task(cases: Cases, api: httpx.AsyncClient, username: str, which: str) -> None:
    task_id = getattr(cases, f"task_{which}")
    resp = await api.post(f"/api/v1/tasks/{task_id}/complete", json={"payload": {}},
                          headers=cases.headers[username])
    expected = _pick(COMPLETE.get(username, (403, 403)), which)
    assert resp.status_code == expected, resp.text
    assert resp.json()["code"] == {403: "task_not_yours", 422: "invalid_payload"}[expected]


async def test_denials_are_in_the_audit_trail(cases: Cases, api: httpx.AsyncClient) -> None:
    auditor = cases.headers["auditor"]
    denied = await api.get("/api/v1/cases/" + cases.a, headers=cases.headers["xs_caseworker"])
    assert denied.status_code == 404
    page = await api.get("/api/v1/audit", headers=auditor, params={
        "username": "xs_caseworker", "subject": cases.a_number, "action": "read_case",
        "outcome": "denied"})
    assert page.status_code == 200, page.text
    rows: list[dict[str, Any]] = page.json()["items"]
    assert rows and all(r["subject"] == f"case:{cases.a}" and not r["allowed"] for r in rows)
    assert rows[0]["role"] == "caseworker" and rows[0]["node_id"] == "xs-station"
    assert rows[0]["client"] == "127.0.0.1"
    # an allowed read is on record too, and the writes (case actions) with it
    allowed = await api.get("/api/v1/audit", headers=auditor, params={
        "username": "caseworker", "subject": f"case:{cases.a}", "outcome": "allowed"})
    actions = {r["action"] for r in allowed.json()["items"]}
    assert {"read_case", "case_action:record_care", "complete_task"} <= actions
    # only the auditor reads the log; a refusal there is recorded as well
    for username in ("caseworker", "operator", "bureau"):
        resp = await api.get("/api/v1/audit", headers=cases.headers[username])
        assert resp.status_code == 403
    refused = await api.get("/api/v1/audit", headers=auditor, params={
        "action": "read_audit", "outcome": "denied", "username": "operator"})
    assert refused.json()["items"]


async def test_the_audit_log_cannot_be_rewritten(stack: Stack) -> None:
    import asyncpg

    conn = await asyncpg.connect(stack.database_url)
    try:
        for statement in ("UPDATE audit_log SET allowed = true", "DELETE FROM audit_log",
                          "TRUNCATE audit_log"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute(statement)
    finally:
        await conn.close()
