"""The Temporal UI behind the console's login, in Chromium: an operator signed in to the
console reads a case's history decoded (and masked for the role); anyone else is refused."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
from browser_support import log_in, shot
from playwright.async_api import Page, expect

from support import Stack, login, new_report, wait_for_task
from workflows.ids import case_workflow_id

PLACE = "示范市解放路立交桥下东侧"


async def _a_case(api: httpx.AsyncClient) -> str:
    caseworker = await login(api, "caseworker")
    resp = await api.post("/api/v1/cases", json=new_report(place=PLACE), headers=caseworker)
    assert resp.status_code == 201, resp.text
    task = await wait_for_task(api, caseworker, resp.json()["case_id"], "registration")
    return case_workflow_id(task["case_number"])


async def test_an_operator_reads_the_decoded_history(stack: Stack, api: httpx.AsyncClient,
                                                     desktop: Page) -> None:
    workflow_id = await _a_case(api)
    address = f"/console/temporal/namespaces/default/workflows/{quote(workflow_id, safe='')}"
    await desktop.goto(address)  # nobody signed in: the console's login first
    await expect(desktop).to_have_url(re.compile(r"/console/login\?next="))
    await log_in(desktop, "operator")
    decoded: list[int] = []
    desktop.on("response", lambda r: decoded.append(r.status) if "/console/codec/decode" in r.url else None)
    await desktop.goto(address)
    await expect(desktop.get_by_text(PLACE).first).to_be_visible(timeout=30_000)
    await shot(desktop, "temporal-ui-operator")
    assert decoded and set(decoded) == {200}
    assert "binary/encrypted-aesgcm" not in await desktop.content()


async def test_others_are_refused(stack: Stack, desktop: Page) -> None:
    await log_in(desktop, "caseworker")
    resp = await desktop.goto("/console/temporal/")
    assert resp is not None and resp.status == 403
    await expect(desktop.get_by_text("只有运维人员可以查看 Temporal 界面")).to_be_visible()
    codec = await desktop.request.post("/console/codec/decode", data={"payloads": []},
                                       headers={"content-type": "application/json"})
    assert codec.status == 403


async def test_the_ui_is_read_only_even_for_an_operator(stack: Stack, api: httpx.AsyncClient,
                                                        desktop: Page) -> None:
    workflow_id = quote(await _a_case(api), safe="")
    await log_in(desktop, "operator")
    signal = await desktop.request.post(
        f"/console/temporal/api/v1/namespaces/default/workflows/{workflow_id}/signal/dna_result",
        data={"input": None})
    assert signal.status == 403
    terminate = await desktop.request.post(
        f"/console/temporal/api/v1/namespaces/default/workflows/{workflow_id}/terminate", data={})
    assert terminate.status == 403
    assert (await desktop.request.post("/console/codec/encode", data={"payloads": []})).status == 404
