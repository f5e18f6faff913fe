"""The network's console pages in a browser-like client: the bureau's one-page overview, the
registry and a node edited through its form, the ledger form, a report submitted through its
form, a hotline call recorded by the operator; every page in Chinese, every form CSRF-checked."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from support import DEMO_PASSWORD, Stack, login


@pytest.fixture
async def browser(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    client.cookies.clear()
    form = await client.get("/console/login")
    resp = await client.post("/console/login", data={"username": username, "password": DEMO_PASSWORD,
                                                      "next": "/console/", "csrf_token": hidden(form.text, "csrf_token")})
    assert resp.status_code == 303, resp.text
    home = await client.get("/console/")
    return hidden(home.text, "csrf_token")


async def test_the_bureau_sees_the_whole_network_on_one_page(stack: Stack, browser: httpx.AsyncClient) -> None:
    await sign_in(browser, "bureau")
    resp = await browser.get("/console/overview")
    assert resp.status_code == 200, resp.text
    text = text_of(resp.text)
    assert "救助网络概况" in text and "落后的单位" in text
    assert "西山县救助管理站" in text and "四有未达标" in text  # behind: 3 staff, 12 beds, no vehicle
    assert "<svg" in resp.text and "在站人数" in text
    assert resp.headers["content-security-policy"].startswith("default-src 'none'")
    nav = (await browser.get("/console/")).text
    assert 'href="/console/network"' in nav and 'href="/console/reports"' in nav
    registry = text_of((await browser.get("/console/network")).text)
    assert "四级救助网络" in registry and "未在显要位置设置救助网点牌" in registry


async def test_the_level_above_edits_a_node_through_its_form(stack: Stack, browser: httpx.AsyncClient) -> None:
    csrf = await sign_in(browser, "township")
    page = await browser.get("/console/network/dh-t1-c1")
    assert "维护本单位情况" in page.text
    own = await browser.get("/console/network/dh-t1")
    assert "维护本单位情况" not in own.text  # the level above edits, not the node itself
    refused = await browser.post("/console/network/dh-t1-c1", data={"has_office": "true", "beds": "0"})
    assert refused.status_code == 403  # no CSRF token
    resp = await browser.post("/console/network/dh-t1-c1", data={
        "csrf_token": csrf, "address": "柳岸路1号", "phone": "0000-11111", "has_office": "true",
        "office_rooms": "1", "beds": "0", "sign_installed": "true", "sign_text": "柳岸社区救助网点 12349"})
    assert resp.status_code == 303, resp.text
    after = text_of((await browser.get(resp.headers["location"])).text)
    assert "已保存" in after and "柳岸路1号" in after and "已达到“二有”标准" in after


async def test_a_liaison_registers_a_person_through_the_form(stack: Stack, browser: httpx.AsyncClient) -> None:
    csrf = await sign_in(browser, "liaison")
    name = f"表单{uuid.uuid4().hex[:4]}"
    data = {"csrf_token": csrf, "community_node_id": "dh-t1-c1", "name": name, "sex": "male",
            "birth_date": "1950-01-02", "categories": ["abandoned_elderly", "disabled"],
            "family_situation": "独居"}
    resp = await browser.post("/console/ledger/new", data=data)
    assert resp.status_code == 303, resp.text
    page = text_of((await browser.get(resp.headers["location"])).text)
    assert "已登记到台账" in page and "遭家庭遗弃的老年人" in page and "残疾人" in page
    again = await browser.post("/console/ledger/new", data=data)
    assert "没有重复登记" in text_of((await browser.get(again.headers["location"])).text)
    empty = await browser.post("/console/ledger/new", data={"csrf_token": csrf, "name": name})
    assert empty.status_code == 422 and "排查类别" in text_of(empty.text)


async def test_a_locality_submits_its_report_through_the_form(stack: Stack, browser: httpx.AsyncClient,
                                                               api: httpx.AsyncClient) -> None:
    bureau = await login(api, "bureau")
    due = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    opened = await api.post("/api/v1/reports/open", headers=bureau,
                            json={"month": "2024-09", "locality_node_id": "dh-station", "due_at": due})
    assert opened.status_code == 200, opened.text
    csrf = await sign_in(browser, "dh_caseworker")
    report_id = "dh-station:2024-09"
    for _ in range(50):
        page = await browser.get(f"/console/reports/{report_id}")
        if page.status_code == 200:
            break
    assert "工作进展情况" in text_of(page.text)
    resp = await browser.post(f"/console/reports/{report_id}/submit",
                              data={"csrf_token": csrf, "narrative": "本月完成网点牌悬挂8处。"})
    assert resp.status_code == 303, resp.text
    done = text_of((await browser.get(resp.headers["location"])).text)
    assert "月报已报送" in done and "本月完成网点牌悬挂8处。" in done
    await sign_in(browser, "bureau")
    month = text_of((await browser.get("/console/reports?month=2024-09")).text)
    assert "东湖区救助管理站" in month and "已报送" in month and "全市合计" in month


async def test_the_operator_records_a_call_through_the_form(stack: Stack, browser: httpx.AsyncClient) -> None:
    csrf = await sign_in(browser, "hotline")
    page = await browser.get("/console/hotline")
    assert "受理来电" in text_of(page.text)
    call_id = hidden(page.text, "call_id")
    resp = await browser.post("/console/hotline", data={
        "csrf_token": csrf, "call_id": call_id, "kind": "help_request", "area_node_id": "dh-t1",
        "place": "湖滨街道公交站", "caller_phone": "13900000000"})
    assert resp.status_code == 303, resp.text
    call = text_of((await browser.get(resp.headers["location"])).text)
    assert "本人求助" in call and "湖滨街道公交站" in call


async def test_a_patrol_is_started_and_recorded_through_the_forms(stack: Stack, browser: httpx.AsyncClient) -> None:
    csrf = await sign_in(browser, "station_head")
    page = await browser.get("/console/patrols")
    assert "启动联合巡查" in text_of(page.text)
    resp = await browser.post("/console/patrols", data={"csrf_token": csrf, "area_node_id": "xs-station",
                                                        "trigger": "extreme_weather", "reason": "暴雨红色预警"})
    assert resp.status_code == 303, resp.text
    where = resp.headers["location"]
    for _ in range(100):
        page = await browser.get(where)
        if page.status_code == 200:
            break
    assert "暴雨红色预警" in text_of(page.text) and "巡查中" in text_of(page.text)
    resp = await browser.post(f"{where}/encounters", data={
        "csrf_token": csrf, "place": "青石镇汽车站", "outcome": "no_need", "note": "本地务工人员，非救助对象"})
    assert resp.status_code == 303, resp.text
    resp = await browser.post(f"{where}/finish", data={"csrf_token": csrf, "summary": "巡查3处，无需救助"})
    final = text_of((await browser.get(where)).text)
    assert "已结束" in final and "非救助对象" in final and "巡查3处，无需救助" in final


async def test_people_oversight_and_handbook_pages(stack: Stack, browser: httpx.AsyncClient) -> None:
    csrf = await sign_in(browser, "township")
    page = await browser.get("/console/people")
    assert page.status_code == 200 and "联络员业务培训" in text_of(page.text)
    staff_id = re.search(r'name="attendees" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    resp = await browser.post("/console/people/trainings", data={
        "csrf_token": csrf, "held_on": "2026-07-15", "topic": "台账填报培训", "attendees": [staff_id]})
    assert resp.status_code == 303, resp.text
    resp = await browser.post("/console/people/volunteers", data={"csrf_token": csrf, "name": "志愿者乙",
                                                                  "skills": "驾驶，法律"})
    assert resp.status_code == 303, resp.text
    page = text_of((await browser.get("/console/people")).text)
    assert "台账填报培训" in page and "志愿者乙" in page and "驾驶、法律" in page

    csrf = await sign_in(browser, "bureau")
    page = text_of((await browser.get("/console/oversight")).text)
    assert "救助保护工作领导小组" in page and "李副市长" in page
    resp = await browser.post("/console/oversight/items", data={
        "csrf_token": csrf, "title": "东湖区网点牌悬挂", "owner_node_id": "dh-station", "deadline": "2030-12-31"})
    assert resp.status_code == 303, resp.text
    assert "东湖区网点牌悬挂" in text_of((await browser.get("/console/oversight")).text)

    book = await browser.get("/console/handbook?node_id=dh-station")
    assert book.status_code == 200 and "东湖区救助管理网络手册" in text_of(book.text)
    assert "街面救助引导牌内容" in text_of(book.text)
    pdf = await browser.get("/console/handbook.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv_file = await browser.get("/console/reports/export/2024-03.csv")
    assert csv_file.status_code == 200 and csv_file.content.decode("utf-8-sig").startswith("地区,状态")
    xlsx = await browser.get("/console/reports/export/2024-03.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


async def test_every_role_gets_a_chinese_page_never_an_error(stack: Stack, browser: httpx.AsyncClient) -> None:
    pages = ["/console/overview", "/console/network", "/console/network/dh-t1-c1", "/console/ledger",
             "/console/ledger/new", "/console/reports", "/console/hotline", "/console/patrols",
             "/console/people", "/console/oversight", "/console/handbook"]
    for username in ("bureau", "station_head", "caseworker", "dh_caseworker", "township", "liaison",
                     "hotline", "police", "urban", "hospital", "finance", "operator", "auditor"):
        await sign_in(browser, username)
        for path in pages:
            resp = await browser.get(path)
            assert resp.status_code in (200, 403), (username, path, resp.status_code)
            assert "救助管理系统" in resp.text and "Traceback" not in resp.text
            if resp.status_code == 403:
                assert "无权访问" in text_of(resp.text), (username, path)
