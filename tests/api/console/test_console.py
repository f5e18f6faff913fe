"""The console against the real stack: login, the dashboard, reports, the registration form,
CSRF and access, and the JSON case list it shares with the API."""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from support import DEMO_PASSWORD, Stack, login, new_report, wait_for_task


@pytest.fixture
async def browser(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps cookies like a browser and does not follow redirects by itself."""
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def text_of(page: str) -> str:
    """The page without tags, to look for words as a reader sees them."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def console_login(client: httpx.AsyncClient, username: str,
                        password: str = DEMO_PASSWORD, next_: str = "/console/") -> httpx.Response:
    client.cookies.clear()  # a fresh browser: no earlier session
    form = await client.get("/console/login")
    assert form.status_code == 200
    return await client.post("/console/login", data={
        "username": username, "password": password, "next": next_,
        "csrf_token": hidden(form.text, "csrf_token")})


async def logged_in(client: httpx.AsyncClient, username: str) -> str:
    """Log in and answer the CSRF token of the session (from the dashboard's logout form)."""
    resp = await console_login(client, username)
    assert resp.status_code == 303, resp.text
    home = await client.get("/console/")
    assert home.status_code == 200, home.text
    return hidden(home.text, "csrf_token")


async def registration_task(api: httpx.AsyncClient, **report: Any) -> dict[str, Any]:
    """A new case at the city station and its open registration task."""
    caseworker = await login(api, "caseworker")
    created = await api.post("/api/v1/cases", json=new_report(**report), headers=caseworker)
    assert created.status_code == 201, created.text
    return await wait_for_task(api, caseworker, created.json()["case_id"], "registration")


def person_form(csrf: str, **fields: str) -> dict[str, str]:
    data = {"csrf_token": csrf, "person.name": "张建国", "person.sex": "male",
            "person.birth_date": "1968-03-12", "person.has_civil_capacity": "true"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- login ------------------------------------------------------------------------------------


async def test_login_failure_says_so(browser: httpx.AsyncClient) -> None:
    resp = await console_login(browser, "caseworker", password="wrong-password")
    assert resp.status_code == 422
    assert "用户名或密码错误" in resp.text
    assert hidden(resp.text, "next") == "/console/"
    assert 'value="caseworker"' in resp.text  # the username stays typed in
    assert "rescue_console=" not in resp.headers.get("set-cookie", "")


async def test_login_shows_the_header_and_sets_a_safe_cookie(browser: httpx.AsyncClient) -> None:
    resp = await console_login(browser, "caseworker")
    assert resp.status_code == 303 and resp.headers["location"] == "/console/"
    cookie = resp.headers["set-cookie"].lower()
    assert "rescue_console=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/console" in cookie
    home = await browser.get("/console/")
    assert home.status_code == 200
    assert '<html lang="zh-CN">' in home.text
    words = text_of(home.text)
    assert "刘社工" in words and "救助站工作人员" in words and "示范市救助管理站" in words
    assert "退出登录" in words and "登记发现报告" in words
    assert home.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    css = await browser.get("/console/static/console.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


async def test_without_a_session_every_page_goes_to_login(browser: httpx.AsyncClient) -> None:
    for path in ("/console/", "/console/cases?stage=admission", f"/console/tasks/{uuid.uuid4()}"):
        resp = await browser.get(path)
        assert resp.status_code == 303, path
        assert resp.headers["location"].startswith("/console/login?next=/console/")
    resp = await browser.get("/console/cases?stage=admission")
    assert resp.headers["location"] == "/console/login?next=/console/cases%3Fstage%3Dadmission"
    # after login the user lands where they wanted to go, never on another site
    login = await console_login(browser, "caseworker", next_="/console/cases?stage=admission")
    assert login.headers["location"] == "/console/cases?stage=admission"
    # already logged in, the login page sends the user on
    assert (await browser.get("/console/login?next=/console/cases")).headers["location"] == "/console/cases"
    evil = await console_login(browser, "caseworker", next_="https://evil.example/")
    assert evil.headers["location"] == "/console/"


async def test_logout_ends_the_session(browser: httpx.AsyncClient) -> None:
    csrf = await logged_in(browser, "caseworker")
    refused = await browser.post("/console/logout", data={})
    assert refused.status_code == 403
    resp = await browser.post("/console/logout", data={"csrf_token": csrf})
    assert resp.status_code == 303 and resp.headers["location"].startswith("/console/login")
    assert (await browser.get("/console/")).status_code == 303
    assert "您已退出登录" in (await browser.get(resp.headers["location"])).text


async def test_unknown_pages_are_chinese_404s(browser: httpx.AsyncClient) -> None:
    assert "找不到" in (await browser.get("/console/no-such-page")).text
    await logged_in(browser, "caseworker")
    for path in ("/console/no-such-page", f"/console/cases/{uuid.uuid4()}", "/console/cases/not-a-uuid",
                 f"/console/tasks/{uuid.uuid4()}"):
        resp = await browser.get(path)
        assert resp.status_code == 404, path
        assert "找不到" in resp.text and "刘社工" in resp.text


# --- discovery reports --------------------------------------------------------------------------


async def test_a_report_submitted_twice_is_one_case(browser: httpx.AsyncClient) -> None:
    await logged_in(browser, "caseworker")
    form = await browser.get("/console/cases/new")
    assert form.status_code == 200
    words = text_of(form.text)
    for label in ("发现途径", "发现地点", "发现时间", "姓名", "性别", "看起来是未成年人",
                  "报告人联系电话", "负责救助站", "12349热线", "联合巡查"):
        assert label in words, label
    report_id = hidden(form.text, "report_id")
    assert report_id.startswith("console-")
    data = {"csrf_token": hidden(form.text, "csrf_token"), "report_id": report_id,
            "channel": "walk_in", "place": "示范市救助管理站接待大厅", "sex": "female",
            "found_at": "2026-11-28T02:40", "description": "中年女性，自行来站求助"}
    first, second = [await browser.post("/console/cases/new", data=data) for _ in range(2)]
    assert first.status_code == second.status_code == 303
    case_url = first.headers["location"].split("?")[0]
    assert second.headers["location"].split("?")[0] == case_url
    assert first.headers["location"].endswith("notice=reported")
    assert second.headers["location"].endswith("notice=existing")
    page = await browser.get(second.headers["location"])
    assert page.status_code == 200
    words = text_of(page.text)
    assert "没有重复建案" in words
    assert "发现途径：主动求助，发现地点：示范市救助管理站接待大厅" in words
    assert "刘社工" in words


async def test_report_errors_keep_the_input(browser: httpx.AsyncClient) -> None:
    await logged_in(browser, "caseworker")
    form = await browser.get("/console/cases/new")
    data = {"csrf_token": hidden(form.text, "csrf_token"), "report_id": hidden(form.text, "report_id"),
            "channel": "", "place": "", "person_name": "李某某", "sex": "male"}
    resp = await browser.post("/console/cases/new", data=data)
    assert resp.status_code == 422
    assert re.search(r'id="f-channel-error">[^<]*必填', resp.text)
    assert re.search(r'id="f-place-error">[^<]*必填', resp.text)
    assert 'value="李某某"' in resp.text
    assert hidden(resp.text, "report_id") == data["report_id"]  # same id: a fixed resubmit is one case


async def test_those_who_do_not_report_cannot_open_the_form(browser: httpx.AsyncClient) -> None:
    await logged_in(browser, "bureau")
    resp = await browser.get("/console/cases/new")
    assert resp.status_code == 403 and "不能登记发现报告" in resp.text


# --- the registration task ---------------------------------------------------------------------


async def test_registration_form_has_the_nested_person(browser: httpx.AsyncClient,
                                                       api: httpx.AsyncClient) -> None:
    task = await registration_task(api)
    await logged_in(browser, "caseworker")
    page = await browser.get(f"/console/tasks/{task['task_id']}")
    assert page.status_code == 200
    assert re.search(r"<legend>受助人员信息</legend>", page.text)
    assert 'name="person.sex"' in page.text and 'name="person.birth_date"' in page.text
    assert re.search(r'<input type="date" id="f-person-birth-date"', page.text)
    # civil capacity is asked, never pre-ticked: a minor's follows from the age
    assert re.search(r'<select id="f-person-has-civil-capacity"', page.text)
    assert not re.search(r'<option value="true" selected>完全民事行为能力', page.text)
    words = text_of(page.text)
    for label in ("性别", "出生日期", "估计年龄", "身份证号码", "民事行为能力", "未成年人不选", "是否享受低保",
                  "救助类型", "开放性救助", "保护性救助", "帮扶性救助", "男", "女", "不详", "备注",
                  "发现地点", "示范市火车站广场东侧地下通道", "联合巡查"):
        assert label in words, label
    assert re.search(r'<label for="f-person-sex">性别 <span class="req"', page.text)


async def test_registration_errors_land_next_to_their_fields(browser: httpx.AsyncClient,
                                                            api: httpx.AsyncClient) -> None:
    task = await registration_task(api)
    csrf = await logged_in(browser, "caseworker")
    url = f"/console/tasks/{task['task_id']}"
    missing_sex = await browser.post(url, data=person_form(csrf, **{"person.sex": ""}))
    assert missing_sex.status_code == 422
    assert re.search(r'id="f-person-sex-error">必填<', missing_sex.text)
    assert 'aria-describedby="f-person-sex-error"' in missing_sex.text
    assert 'value="张建国"' in missing_sex.text and 'value="1968-03-12"' in missing_sex.text
    assert '<a href="#f-person-sex">性别：必填</a>' in missing_sex.text

    minor = await browser.post(url, data=person_form(
        csrf, **{"person.birth_date": "2016-05-01", "classification": "open"}))
    assert minor.status_code == 422
    assert "未成年人必须实行保护性救助" in minor.text
    assert re.search(r'id="f-classification-error">未成年人必须实行保护性救助', minor.text)
    assert re.search(r'<option value="open" selected>开放性救助</option>', minor.text)

    nothing_known = await browser.post(url, data=person_form(csrf, **{"person.birth_date": ""}))
    assert nothing_known.status_code == 422
    assert re.search(r'id="g-person-error">请填写出生日期、估计年龄或身份证号码', nothing_known.text)

    done = await browser.post(url, data=person_form(csrf, classification="open"))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/console/cases/{task['case_id']}?notice=submitted"
    case = await browser.get(done.headers["location"])
    words = text_of(case.text)
    assert "已提交" in words and "张建国" in words
    assert "开放性救助" in words
    assert "刘社工完成任务：入站登记与分类" in words
    # the same form sent again (a double click) lands on the case, not on an error
    again = await browser.post(url, data=person_form(csrf, classification="open"))
    assert again.status_code == 303 and again.headers["location"].endswith("notice=done")


async def test_the_liaison_cannot_open_the_caseworkers_task(browser: httpx.AsyncClient,
                                                            api: httpx.AsyncClient) -> None:
    task = await registration_task(api)
    csrf = await logged_in(browser, "liaison")
    page = await browser.get(f"/console/tasks/{task['task_id']}")
    assert page.status_code == 403
    assert "无权访问" in page.text and "不属于您" in page.text and "吴联络员" in page.text
    post = await browser.post(f"/console/tasks/{task['task_id']}", data=person_form(csrf))
    assert post.status_code == 403
    case = await browser.get(f"/console/cases/{task['case_id']}")
    assert case.status_code == 404 and "找不到该个案" in case.text  # as if it did not exist


async def test_posts_without_the_csrf_token_are_refused(browser: httpx.AsyncClient,
                                                        api: httpx.AsyncClient) -> None:
    task = await registration_task(api)
    csrf = await logged_in(browser, "caseworker")
    url = f"/console/tasks/{task['task_id']}"
    no_token = person_form(csrf)
    del no_token["csrf_token"]
    for data in (no_token, {**no_token, "csrf_token": "0" * 64}):
        resp = await browser.post(url, data=data)
        assert resp.status_code == 403
        assert "页面已过期或请求来源不明" in resp.text
    refused = await browser.post("/console/cases/new", data={"channel": "patrol", "place": "桥洞",
                                                             "report_id": "console-x"})
    assert refused.status_code == 403
    # the task is still open: nothing was done
    assert 'name="person.sex"' in (await browser.get(url)).text


async def test_the_case_page_and_history(browser: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
    task = await registration_task(api)
    await logged_in(browser, "caseworker")
    case = await browser.get(f"/console/cases/{task['case_id']}")
    assert f'href="/console/tasks/{task["task_id"]}"' in case.text
    words = text_of(case.text)
    for label in ("受助人员", "待办任务", "办理经过", "时间", "内容", "办理人", "协作单位", "流程历史",
                  "示范市救助管理站"):
        assert label in words, label
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", words)
    history = await browser.get(f"/console/cases/{task['case_id']}/history")
    assert history.status_code == 200
    assert "流程启动" in history.text and "个案流程" in history.text and task["case_number"] in history.text
    # the hotline operator may read the case (same station) but not its raw history
    await logged_in(browser, "hotline")
    case = await browser.get(f"/console/cases/{task['case_id']}")
    assert case.status_code == 200 and "流程历史" not in case.text
    assert f'href="/console/tasks/{task["task_id"]}"' not in case.text  # not the operator's task
    assert (await browser.get(f"/console/cases/{task['case_id']}/history")).status_code == 403


# --- case lists ---------------------------------------------------------------------------------


async def _wait_listed(api: httpx.AsyncClient, headers: dict[str, str], ids: set[str]) -> None:
    for _ in range(300):
        resp = await api.get("/api/v1/cases", params={"limit": 200}, headers=headers)
        assert resp.status_code == 200, resp.text
        if ids <= {c["case_id"] for c in resp.json()["items"]}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("cases never reached the read model")


async def test_case_list_pages_and_subtrees(stack: Stack, api: httpx.AsyncClient) -> None:
    city = await login(api, "caseworker")
    dh = await login(api, "dh_caseworker")
    liaison = await login(api, "xs_liaison")

    async def open_case(headers: dict[str, str], **report: Any) -> str:
        resp = await api.post("/api/v1/cases", json=new_report(**report), headers=headers)
        assert resp.status_code == 201, resp.text
        return str(resp.json()["case_id"])

    dh_ids = {await open_case(dh) for _ in range(3)}
    city_ids = {await open_case(city) for _ in range(2)}
    reported = await open_case(liaison, channel="community")  # goes to the 西山县 station
    await _wait_listed(api, city, dh_ids | city_ids | {reported})

    # the city station is above the county stations: its caseworker pages through all of them
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await api.get("/api/v1/cases", params=params, headers=city)).json()
        assert len(page["items"]) <= 2
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    keys = [(c["updated_at"], c["case_id"]) for c in seen]
    assert len({k[1] for k in keys}) == len(keys), "a case appeared on two pages"
    assert all(_key(a) > _key(b) for a, b in zip(keys, keys[1:], strict=False))
    assert dh_ids | city_ids | {reported} <= {c["case_id"] for c in seen}
    one = next(c for c in seen if c["case_id"] in city_ids)
    assert one["station_name"] == "示范市救助管理站" and one["stage_label"]
    assert one["stage_label"] != one["stage"]  # a Chinese label, not the code

    # the 东湖区 caseworker sees the 东湖区 cases and none of the city station's
    dh_list = (await api.get("/api/v1/cases", params={"limit": 200}, headers=dh)).json()["items"]
    dh_seen = {c["case_id"] for c in dh_list}
    assert dh_ids <= dh_seen and not (city_ids & dh_seen) and reported not in dh_seen
    # the liaison sees the case they reported, though it lies outside their community
    mine = (await api.get("/api/v1/cases", headers=liaison)).json()["items"]
    assert reported in {c["case_id"] for c in mine}

    admission = (await api.get("/api/v1/cases", params={"stage": "admission", "limit": 200},
                               headers=dh)).json()["items"]
    assert all(c["stage"] == "admission" for c in admission)
    closed = (await api.get("/api/v1/cases", params={"stage": "closed", "limit": 200},
                            headers=dh)).json()["items"]
    assert not (dh_ids & {c["case_id"] for c in closed})

    police = await login(api, "police")
    assert (await api.get("/api/v1/cases", headers=police)).json() == {"items": [], "next_cursor": None}
    bad = await api.get("/api/v1/cases", params={"cursor": "not-a-cursor"}, headers=city)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"
    assert (await api.get("/api/v1/cases", params={"limit": 201}, headers=city)).status_code == 422
    assert (await api.get("/api/v1/cases")).status_code == 401


def _key(k: tuple[str, str]) -> tuple[Any, ...]:
    from datetime import datetime

    return (datetime.fromisoformat(k[0].replace("Z", "+00:00")), k[1])


async def test_console_case_list_filters_by_stage(browser: httpx.AsyncClient,
                                                  api: httpx.AsyncClient) -> None:
    task = await registration_task(api)
    await logged_in(browser, "caseworker")
    page = await browser.get("/console/cases", params={"stage": "admission"})
    assert page.status_code == 200
    assert re.search(r'<option value="admission" selected>入站登记</option>', page.text)
    for _ in range(100):  # the read model follows the workflow
        if task["case_number"] in page.text:
            break
        await asyncio.sleep(0.1)
        page = await browser.get("/console/cases", params={"stage": "admission"})
    assert task["case_number"] in page.text
    closed = await browser.get("/console/cases", params={"stage": "closed"})
    assert task["case_number"] not in closed.text
    home = await browser.get("/console/")
    assert task["case_number"] in home.text and "入站登记与分类" in home.text
    assert (await browser.get("/console/cases", params={"cursor": "garbage"})).status_code == 422
