"""One person, one record, in the console: a case whose person sounds like an earlier case's
is shown as a likely duplicate with the reasons; the caseworker merges them (the person view
then lists both), splits them again (undone), or keeps them apart (not proposed again); every
step is audited."""

from __future__ import annotations

import asyncio
import html
import re

import asyncpg
import httpx
import pytest

from support import DEMO_PASSWORD, Stack, complete, login, open_case, wait_for_task


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


@pytest.fixture
async def browser(stack: Stack):
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        client.cookies.clear()
        form = await client.get("/console/login")
        resp = await client.post("/console/login", data={
            "username": "caseworker", "password": DEMO_PASSWORD, "next": "/console/",
            "csrf_token": hidden(form.text, "csrf_token")})
        assert resp.status_code == 303
        yield client


async def admitted(api: httpx.AsyncClient, caseworker: dict[str, str], person: dict[str, object]) -> str:
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {"person": {"sex": "male", **person}})
    await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    return case_id


async def case_page_banner(browser: httpx.AsyncClient, case_id: str, *, present: bool) -> str:
    """The case page's intake banner once it is (or is not) there: the flag is written by the
    worker's activity a moment after the identity task opens, so poll a few seconds."""
    for _ in range(100):
        page = await browser.get(f"/console/cases/{case_id}")
        assert page.status_code == 200
        banner = re.search(r'<p class="warning same-person">入站比对.*?</p>', page.text, re.S)
        if bool(banner) == present:
            return banner.group(0) if banner else text_of(page.text)
        await asyncio.sleep(0.2)
    raise AssertionError(f"the intake banner is {'missing' if present else 'still shown'} on case {case_id}")


async def test_a_likely_duplicate_is_merged_split_and_kept_apart(
        stack: Stack, api: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    first = await admitted(api, caseworker, {"name": "欧阳德华", "birth_date": "1955-05-05"})
    second = await admitted(api, caseworker, {"name": "欧阳德化", "estimated_age": 71})
    # At intake (the identity search starts) the worker flags the earlier case: the case page
    # says so at once, naming the earlier case, and leads to the person view.
    flagged = await case_page_banner(browser, second, present=True)
    assert "可能与 1 个已有个案为同一人" in flagged and f"/console/cases/{second}/person" in flagged
    assert "可能与" not in (await case_page_banner(browser, first, present=False))
    page = await browser.get(f"/console/cases/{second}/person")
    words = text_of(page.text)
    assert "可能是同一人的其他个案" in words and "姓名读音相同（同音字）" in words
    csrf = hidden(page.text, "csrf_token")

    merged = await browser.post(f"/console/cases/{second}/person/links",
                                data={"csrf_token": csrf, "other_case_id": first, "decision": "same"})
    assert merged.status_code == 303
    page = await browser.get(f"/console/cases/{second}/person")
    words = text_of(page.text)
    assert "是同一人（已合并）" in words and "受助次数 2 次" in words
    await case_page_banner(browser, second, present=False)  # decided: no longer flagged
    assert "可能是同一人的其他个案" not in words
    again = await browser.post(f"/console/cases/{second}/person/links",
                               data={"csrf_token": csrf, "other_case_id": first, "decision": "same"})
    assert again.status_code == 409

    link_id = re.search(r"/person/links/([0-9a-f-]{36})/undo", page.text).group(1)
    split = await browser.post(f"/console/cases/{second}/person/links/{link_id}/undo", data={"csrf_token": csrf})
    assert split.status_code == 303
    words = text_of((await browser.get(f"/console/cases/{second}/person")).text)
    assert "受助次数 1 次" in words and "可能是同一人的其他个案" in words

    apart = await browser.post(f"/console/cases/{second}/person/links",
                               data={"csrf_token": csrf, "other_case_id": first, "decision": "apart"})
    assert apart.status_code == 303
    words = text_of((await browser.get(f"/console/cases/{second}/person")).text)
    assert "不是同一人（已分开）" in words and "可能是同一人的其他个案" not in words
    await case_page_banner(browser, second, present=False)

    conn = await asyncpg.connect(stack.database_url)
    try:
        actions = [r["action"] for r in await conn.fetch(
            "SELECT action FROM audit_log WHERE subject = $1 AND action LIKE 'person_%' ORDER BY audit_id",
            f"case:{second}")]
    finally:
        await conn.close()
    # The merge, its split and the "keep apart" are each a line of the audit log, in order.
    decisions = [a for a in actions if a in ("person_merge", "person_split", "person_keep_apart")]
    assert decisions == ["person_merge", "person_split", "person_keep_apart"]
