"""In the browser, at desktop and phone widths: the case page (stepper, actions with their
rules' messages, the family-search notice, documents printed as PDF), the worktable rows that
say what to do, supervision in words, the lists behind the counts, search and the person view,
charts, exports, the operator's history and the audit page in words."""

from __future__ import annotations

import asyncio
import io
import re
import uuid

import httpx
import pytest

pytest.importorskip("playwright")

from browser_support import fits_the_screen, log_in, shot  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.async_api import Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from support import (  # noqa: E402
    Stack,
    complete,
    get_case,
    kinds,
    login,
    open_case,
    registration,
    wait_for_task,
)

RAW = re.compile(r"\b(seed|system|overdue_kind|police-city|MARKER_RECORDED|sync_case|rows=\d)\b|"
                 r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+ days?, ")


async def no_raw_words(page: Page) -> None:
    """No code, id or English value where a person, unit or step belongs (the visible text)."""
    text = await page.locator("body").inner_text()
    found = RAW.search(text)
    assert found is None, f"raw word on {page.url}: {found.group(0)!r}"


async def pdf_of(page: Page, href: str) -> PdfReader:
    resp = await page.request.get(href)
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    return PdfReader(io.BytesIO(await resp.body()))


async def pdf_text(page: Page, href: str) -> str:
    return "".join(p.extract_text() for p in (await pdf_of(page, href)).pages)


async def minor_in_search(api: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    """A registered minor whose identity search is under way (a DNA sample task for police)."""
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in", sex="female")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {"person": {"name": "林小雨", "sex": "female", "estimated_age": 10},
                                           "classification": "protective"})
    return case_id, caseworker


def width_of(page: Page) -> str:
    return "phone" if (page.viewport_size or {"width": 0})["width"] < 500 else "desktop"


async def test_the_case_page_as_the_work_is_done(screen: Page, api: httpx.AsyncClient) -> None:
    page, width = screen, width_of(screen)
    case_id, _ = await minor_in_search(api)
    await wait_for_task(api, await login(api, "police"), case_id, "dna_sample")
    caseworker = await login(api, "caseworker")
    photo = io.BytesIO()
    Image.new("RGB", (60, 80), (90, 120, 150)).save(photo, format="PNG")
    uploaded = await api.post(f"/api/v1/cases/{case_id}/photos", headers=caseworker,
                              files={"file": ("photo.png", photo.getvalue(), "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    for _ in range(200):  # the notice goes out a moment after the search starts
        if "notice_published" in kinds(await get_case(api, caseworker, case_id)):
            break
        await asyncio.sleep(0.1)
    await log_in(page, "caseworker")
    await page.goto(f"/console/cases/{case_id}")
    stepper = page.get_by_role("navigation", name="办理进度")
    await expect(stepper.locator("[aria-current=step]")).to_contain_text("寻亲")
    await expect(stepper).to_contain_text("下一步")
    # the family-search notice names the station, not its id
    await expect(page.get_by_role("heading", name="寻亲公告")).to_be_visible(timeout=20_000)
    await expect(page.locator(".notice-text")).to_contain_text("示范市救助管理站受助")
    await no_raw_words(page)
    assert await fits_the_screen(page)
    await shot(page, f"50-case-page-{width}")

    # a protective case cannot leave on its own: the rule answers in Chinese, next to the form
    await page.get_by_role("link", name="自行离站").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("自行离站")
    await page.get_by_role("radio", name="否").check()
    await page.get_by_role("button", name=re.compile("登记离站")).click()
    await expect(page.get_by_role("alert")).to_contain_text("保护性救助人员不能自行离站")
    assert await fits_the_screen(page)
    await shot(page, f"51-departure-refused-{width}")

    # a care service is recorded on the case
    await page.goto(f"/console/cases/{case_id}/actions/care")
    await page.get_by_label("服务内容").select_option(label="提供衣物")
    await page.get_by_label("说明").fill("冬衣一套")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已办理")
    await expect(page.get_by_text("站内服务：提供衣物（冬衣一套）")).to_be_visible()

    # documents print as PDF with the case's facts, in Chinese
    form = await pdf_text(page, await page.get_by_role("link", name="入站登记表（PDF）").get_attribute("href"))
    assert "入站登记表" in form and "林小雨" in form and "未成年人（按年龄认定）" in form
    notice = await pdf_of(page, await page.get_by_role("link", name="寻亲公告（PDF）").get_attribute("href"))
    text = "".join(p.extract_text() for p in notice.pages)
    assert "寻亲公告" in text and "12349" in text and "受助人员照片" in text
    assert len(notice.pages[0].images) == 1  # the admission photo, printed with the notice
    summary = await pdf_text(page, await page.get_by_role("link", name="个案摘要（PDF）").get_attribute("href"))
    assert "提供衣物" in summary


async def test_worktables_say_what_to_do(desktop: Page, phone: Page, stack: Stack,
                                         api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, condition="elderly", place="人民桥下涵洞", person_name="王桂兰",
                              policy_overrides={"task_deadlines": {"escort": 1}, "escalation_repeat": 3600})
    minor_id, _ = await minor_in_search(api)
    police = await login(api, "police")
    escort = await wait_for_task(api, police, case_id, "escort")
    await wait_for_task(api, police, minor_id, "dna_sample")
    head = await login(api, "station_head")
    await wait_for_task(api, head, case_id, "supervision")

    # the police: the escort says from where to which station; the DNA sample names the child
    page = phone
    await log_in(page, "police")
    row = page.get_by_role("row").filter(has_text=escort["case_number"])
    await expect(row).to_contain_text("人民桥下涵洞")
    await expect(row).to_contain_text("护送到示范市救助管理站")
    await expect(row).to_contain_text("王桂兰（据报告")  # the reporter's name, before registration
    dna = page.get_by_role("row").filter(has_text="采集DNA样本").filter(has_text="林小雨")
    await expect(dna.first).to_contain_text("未成年人")
    assert await fits_the_screen(page)
    await no_raw_words(page)
    await shot(page, "52-police-worktable-phone")

    # the station head: the supervision task says what is late, since when, who holds it
    page = desktop
    await log_in(page, "station_head")
    await expect(page.locator("[data-pulse]")).to_contain_text("督办")
    row = page.get_by_role("row").filter(has_text="超期督办").filter(has_text=escort["case_number"])
    await expect(row).to_contain_text("护送到站")
    await expect(row).to_contain_text("示范市公安局·公安")
    await expect(row).to_contain_text("超期时间")
    await no_raw_words(page)
    await shot(page, "53-supervision-in-words")
    # every count opens the list that shows exactly that count
    figure = page.locator("a.figure").filter(has_text="已超期任务")
    count = int(await figure.locator(".n").inner_text())
    await figure.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("已超期任务")
    await expect(page.locator("table.work tbody tr")).to_have_count(count)
    await no_raw_words(page)
    await shot(page, "54-overdue-list")
    # before registration the case page names the person as the report did, and says so
    await page.goto(f"/console/cases/{case_id}")
    await expect(page.locator("dd").filter(has_text="王桂兰")).to_contain_text("据报告")


async def test_search_person_charts_exports_and_history(screen: Page, api: httpx.AsyncClient) -> None:
    page, width = screen, width_of(screen)
    name = "钟再来" + {"desktop": "甲", "phone": "乙"}[width]  # one person per run
    caseworker = await login(api, "caseworker")
    first = await open_case(api, caseworker, channel="walk_in")
    await complete(api, caseworker, await wait_for_task(api, caseworker, first, "registration"),
                   registration(name=name, birth="1970-05-06"))
    again = await open_case(api, caseworker, channel="walk_in")
    await complete(api, caseworker, await wait_for_task(api, caseworker, again, "registration"),
                   registration(name=name, birth="1970-05-06"))

    hotline = await login(api, "hotline")
    reported = await api.post("/api/v1/hotline/calls", headers=hotline, json={
        "call_id": f"call-{width}-{uuid.uuid4().hex[:8]}", "kind": "consultation", "area_node_id": "xs-t1-c1",
        "place": "青石镇石桥村", "description": "咨询救助站的地址"})
    assert reported.status_code in (200, 201, 202), reported.text

    await log_in(page, "caseworker")
    await page.get_by_role("search", name="查找受助人员或个案").get_by_role("searchbox").fill(name)
    await page.get_by_role("search", name="查找受助人员或个案").get_by_role("button", name="查找").click()
    await expect(page.get_by_role("heading", name=re.compile("查找结果"))).to_be_visible()
    await page.get_by_role("link", name=re.compile("此人的全部个案")).first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    await expect(page.get_by_role("region", name="历次个案（最早的在前）").locator("tbody tr")).to_have_count(2)
    assert await fits_the_screen(page)
    await shot(page, f"55-person-view-{width}")

    await page.get_by_role("link", name="统计图表").click()
    chart = page.locator("#funnel img")
    svg = await page.request.get(await chart.get_attribute("src"))  # drawn on the server
    assert svg.status == 200 and svg.headers["content-type"] == "image/svg+xml"
    await expect(chart).to_be_visible(timeout=30_000)  # the first drawing loads matplotlib
    calls = page.locator("#hotline-per-month")  # this month's call is counted and drawn
    await expect(calls.locator("img")).to_be_visible()
    assert int((await calls.locator("tbody tr").last.locator("td.num").text_content() or "0").replace(",", "")) >= 1
    assert await fits_the_screen(page)
    await shot(page, f"56-charts-{width}")

    await page.goto("/console/cases?stage=identity_search")
    href = await page.get_by_role("link", name="Excel").get_attribute("href")
    assert href and "stage=identity_search" in href
    book = load_workbook(io.BytesIO(await (await page.request.get(href)).body()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "个案编号" and all(r[4] == "寻亲（身源查询）" for r in rows[1:])

    await page.goto(f"/console/cases/{again}/history")
    await expect(page.get_by_text("同步个案记录").first).to_be_visible()
    await expect(page.get_by_role("link", name="入站登记与分类").first).to_be_visible()
    await no_raw_words(page)
    assert await fits_the_screen(page)
    await shot(page, f"57-history-{width}")


async def test_the_audit_page_speaks_chinese(desktop: Page, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    number = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()["case_number"]
    page = desktop
    await log_in(page, "auditor")
    await page.goto(f"/console/audit?subject={case_id}")
    row = page.get_by_role("row").filter(has_text="登记发现报告").first
    await expect(row).to_contain_text(f"个案 {number}")
    await expect(row).to_contain_text("刘社工")
    await page.goto("/console/audit?action=list_cases")
    await no_raw_words(page)
    await shot(page, "58-audit-in-words")
