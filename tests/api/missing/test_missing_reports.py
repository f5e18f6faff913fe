"""Missing-person reports (寻人登记) on the real stack: the hotline registers one, a repeated
police reference is one report, bad input is refused in Chinese, the police's list comes in as
CSV and as XLSX with the rejected rows reported, and the console's pages speak Chinese."""

from __future__ import annotations

import asyncio
import html
import io
import re
import uuid
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from domain.missing_import import import_workflow_id
from support import DEMO_PASSWORD, Stack, login, replay_and_maybe_record


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


async def console_as(client: httpx.AsyncClient, username: str) -> str:
    """Log in as a browser would; answers the session's CSRF token."""
    client.cookies.clear()
    form = await client.get("/console/login")
    resp = await client.post("/console/login", data={
        "username": username, "password": DEMO_PASSWORD, "next": "/console/",
        "csrf_token": hidden(form.text, "csrf_token")})
    assert resp.status_code == 303, resp.text
    return hidden((await client.get("/console/")).text, "csrf_token")


def report(**fields: Any) -> dict[str, Any]:
    body = {"name": "王秀兰", "aliases": ["兰兰"], "sex": "female", "birth_year": 1950, "height_cm": 152,
            "origin": "河南省周口市", "dialect": "河南口音", "last_seen_on": "2025-10-01",
            "last_seen_place": "河南省郑州市火车站", "conditions": ["dementia"], "marks": "左脸有黑痣",
            "contact_name": "王强", "contact_phone": "13900000001"}
    body.update(fields)
    return body


@pytest.fixture
async def browser(stack: Stack):
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client


async def test_the_hotline_registers_a_report_and_reads_it_back(stack: Stack, api: httpx.AsyncClient) -> None:
    hotline = await login(api, "hotline")
    resp = await api.post("/api/v1/missing/reports", json=report(), headers=hotline)
    assert resp.status_code == 201, resp.text
    made = resp.json()
    assert made["report_number"].startswith("XR") and made["status"] == "open"
    shown = await api.get(f"/api/v1/missing/reports/{made['report_id']}", headers=hotline)
    assert shown.status_code == 200 and shown.json()["name"] == "王秀兰"
    listed = await api.get("/api/v1/missing/reports", headers=hotline)
    assert made["report_id"] in [r["report_id"] for r in listed.json()]
    # Another station's staff do not see what the hotline registered; a stranger role cannot.
    xs = await login(api, "xs_caseworker")
    assert (await api.get(f"/api/v1/missing/reports/{made['report_id']}", headers=xs)).status_code == 404
    finance = await login(api, "finance")
    assert (await api.post("/api/v1/missing/reports", json=report(), headers=finance)).status_code == 403


async def test_a_police_reference_is_one_report_and_bad_input_is_refused(stack: Stack, api: httpx.AsyncClient) -> None:
    police = await login(api, "police")
    ref = f"SZ-{uuid.uuid4().hex[:8]}"
    first = await api.post("/api/v1/missing/reports", json=report(external_ref=ref, reported_by="police"),
                           headers=police)
    again = await api.post("/api/v1/missing/reports", json=report(external_ref=ref, reported_by="police"),
                           headers=police)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["report_id"] == again.json()["report_id"]
    nobody = await api.post("/api/v1/missing/reports", headers=police,
                            json=report(name=None, aliases=[], marks=None))
    assert nobody.status_code == 422 and "姓名" in nobody.text
    future = await api.post("/api/v1/missing/reports", json=report(last_seen_on="2999-01-01"), headers=police)
    assert future.status_code == 422


CSV_HEAD = "编号,姓名,性别,出生年份,走失日期,走失地点,健康状况,联系人,联系电话\n"


async def imported(api: httpx.AsyncClient, headers: dict[str, str], name: str, data: bytes,
                   kind: str = "text/csv") -> dict[str, Any]:
    """Upload a list (answered 202 at once), then follow the job until it is done."""
    resp = await api.post("/api/v1/missing/imports", headers=headers, files={"file": (name, data, kind)})
    assert resp.status_code == 202, resp.text
    job = resp.json()
    assert resp.headers["location"] == f"/api/v1/missing/imports/{job['job_id']}"
    for _ in range(600):  # a few seconds here; the bound only keeps a broken worker from hanging
        if job["status"] == "done":
            break
        await asyncio.sleep(0.2)
        polled = await api.get(resp.headers["location"], headers=headers)
        assert polled.status_code == 200, polled.text
        job = polled.json()
    assert job["status"] == "done" and job["processed"] == job["total"]
    return job


async def test_the_police_list_is_imported_from_csv_and_xlsx_with_rejected_rows(
        stack: Stack, api: httpx.AsyncClient) -> None:
    police = await login(api, "police")
    tag = uuid.uuid4().hex[:6]
    csv_text = (CSV_HEAD + f"{tag}-1,李建军,男,1975,2025-05-01,四川省成都市,,李梅,13800000002\n"
                f"{tag}-2,赵小花,女,1980,2025-06-01,四川省绵阳市,老年痴呆,赵军,13800000003\n"
                f"{tag}-3,钱多多,未知,1990,2025-06-01,成都,,钱父,13800000004\n"
                f"{tag}-4,孙悟,男,1990,,成都,,孙父,13800000005\n")
    result = await imported(api, police, "list.csv", csv_text.encode("utf-8-sig"))
    assert (result["total"], result["imported"], result["duplicates"]) == (4, 2, 0)
    reasons = {r["row"]: r["reason"] for r in result["rejected"]}
    assert "性别" in reasons[4] and "走失日期" in reasons[5]
    await replay_and_maybe_record(stack, import_workflow_id(result["job_id"]), "n12_missing_list_import")
    # The same list again registers nobody twice.
    again = await imported(api, police, "list.csv", csv_text.encode())
    assert (again["imported"], again["duplicates"]) == (0, 2)
    # Another station's staff do not see the job; an unknown job is not found either.
    xs = await login(api, "xs_caseworker")
    assert (await api.get(f"/api/v1/missing/imports/{result['job_id']}", headers=xs)).status_code == 404
    unknown = await api.get(f"/api/v1/missing/imports/{uuid.uuid4()}", headers=police)
    assert unknown.status_code == 404 and unknown.json()["code"] == "import_not_found"

    book = Workbook()
    sheet = book.active
    sheet.append(CSV_HEAD.strip().split(","))
    sheet.append([f"{tag}-x1", "周大福", "男", 1960, "2025-01-02", "湖北省武汉市", "", "周子", "13800000006"])
    sheet.append([f"{tag}-x2", "", "", "", "2025-01-02", "武汉", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    xlsx = await imported(api, police, "list.xlsx", out.getvalue(),
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert xlsx["imported"] == 1 and [r["row"] for r in xlsx["rejected"]] == [3]
    # A control character in a refused cell (quoted in the reason) is left out of the reason.
    bell = await imported(api, police, "bell.csv", (CSV_HEAD + f"{tag}-b,孙悟,\x07男,1990,2025-06-01,成都,,孙父,"
                                                  "13800000005\n").encode())
    assert bell["total"] == 1 and "性别“男”" in bell["rejected"][0]["reason"]
    wrong = await api.post("/api/v1/missing/imports", headers=police,
                           files={"file": ("list.txt", b"hello", "text/plain")})
    assert wrong.status_code == 422 and "CSV" in wrong.json()["message"]
    # A column named otherwise (最后见到日期 for 走失日期) is refused by name, before any row is
    # read: its values would be dropped unseen and every row rejected as missing the date.
    misnamed = CSV_HEAD.replace("走失日期", "最后见到日期")
    renamed = await api.post("/api/v1/missing/imports", headers=police, files={"file": (
        "list.csv", (misnamed + f"{tag}-r,李建军,男,1975,2025-05-01,成都,,李梅,13800000002\n").encode(),
        "text/csv")})
    body = renamed.json()
    assert renamed.status_code == 422 and body["code"] == "unknown_columns"
    assert "最后见到日期" in body["message"] and "走失日期" in body["message"]
    sheet.delete_rows(1, 3)
    sheet.append(["编号", "姓名", "备注"])
    out = io.BytesIO()
    book.save(out)
    extra = await api.post("/api/v1/missing/imports", headers=police, files={"file": (
        "list.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert extra.status_code == 422 and "备注" in extra.json()["message"]


async def test_the_console_registers_and_shows_a_report_in_chinese(stack: Stack, browser: httpx.AsyncClient) -> None:
    csrf = await console_as(browser, "caseworker")
    listing = await browser.get("/console/missing")
    assert listing.status_code == 200 and "登记走失人员" in text_of(listing.text)
    assert "导入公安失踪人员名单" in text_of(listing.text)
    bad = await browser.post("/console/missing", data={"csrf_token": csrf, "last_seen_on": "2025-01-01",
                                                       "last_seen_place": "火车站", "contact_name": "家属",
                                                       "contact_phone": "13800000000"})
    assert bad.status_code == 422 and "请至少填写姓名" in text_of(bad.text)
    made = await browser.post("/console/missing", data={
        "csrf_token": csrf, "name": "刘德福", "sex": "male", "birth_year": "1948", "last_seen_on": "2025-02-01",
        "last_seen_place": "西山汽车站", "conditions": "dementia", "contact_name": "刘女士",
        "contact_phone": "13800000009"})
    assert made.status_code == 303, made.text
    shown = await browser.get(made.headers["location"])
    words = text_of(shown.text)
    assert "刘德福" in words and "老年痴呆" in words and "寻找中" in words and "dementia" not in words
    result = await browser.post("/console/missing/import", data={"csrf_token": csrf}, files={
        "file": ("l.csv", (CSV_HEAD + "c-1,,男,1970,2025-01-01,成都,,,\n"
                           f"c-{uuid.uuid4().hex[:8]},陈大山,男,1970,2025-01-01,成都,,陈父,13800000010\n").encode(),
                 "text/csv")})
    assert result.status_code == 303, result.text
    assert re.fullmatch(r"/console/missing/imports/[0-9a-f-]{36}", result.headers["location"])
    for _ in range(600):
        shown = await browser.get(result.headers["location"])
        assert shown.status_code == 200
        words = text_of(shown.text)
        if "正在导入" not in words:
            break
        assert re.search(r"正在导入：已处理 \d+ / 2 行", words) and "<progress" in shown.text
        assert 'http-equiv="refresh"' in shown.text
        await asyncio.sleep(0.2)
    assert "导入结果" in words and 'http-equiv="refresh"' not in shown.text
    assert "第2行" in words and "名单行数 2" in words and "新登记 1" in words
    assert "running" not in words and "done" not in words and result.headers["location"][-36:] not in words
