"""In the browser: a 12349 hotline operator files a report, the station's caseworker registers
the person it opened a case for; and a caseworker on a phone takes in a walk-in."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")

from browser_support import case_number_in, fits_the_screen, log_in, log_out, shot  # noqa: E402
from playwright.async_api import Page, expect  # noqa: E402


async def test_a_hotline_report_becomes_a_registered_case(desktop: Page) -> None:
    page = desktop
    await log_in(page, "hotline")
    await expect(page.locator("header")).to_contain_text("何接线员")
    await expect(page.locator("header")).to_contain_text("12349热线接线员")
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="登记发现报告").click()
    await expect(page.get_by_label("发现途径")).to_have_value("hotline")  # the hotline's own channel
    await shot(page, "01-hotline-report-form")
    await expect(page.get_by_label("发现地点")).to_have_attribute("required", "")
    await page.get_by_label("发现地点").fill("示范市人民公园东门长椅")
    await page.get_by_label("姓名").fill("张建国")
    await page.get_by_label("性别").select_option(label="男")
    await page.get_by_label("外貌、状况等描述").fill("市民来电：中年男性，衣着单薄，能自行走动")
    await page.get_by_role("button", name="提交报告").click()
    await expect(page.get_by_role("status")).to_contain_text("发现报告已登记，个案已建立")
    number = case_number_in(await page.get_by_role("heading", level=1).inner_text())
    await shot(page, "02-hotline-case-opened")
    await log_out(page)

    await log_in(page, "caseworker")
    row = page.get_by_role("row").filter(has_text=number).filter(has_text="入站登记与分类")
    await expect(row).to_be_visible()
    await shot(page, "03-caseworker-dashboard")
    await row.get_by_role("link", name=re.compile("办理")).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("入站登记与分类")
    await expect(page.locator("#main")).to_contain_text("发现途径12349热线")  # the report's context
    await page.get_by_label("姓名", exact=True).fill("张建国")
    await page.get_by_label("性别").select_option(label="男")
    await page.get_by_label("出生日期").fill("1968-03-12")
    await page.get_by_label("救助类型").select_option(label="开放性救助")
    await page.get_by_role("button", name="提交").click()
    # an adult's civil capacity is asked, never assumed
    await expect(page.get_by_role("alert")).to_contain_text("成年人请选择民事行为能力")
    await page.get_by_label("民事行为能力").select_option(label="完全民事行为能力")
    await shot(page, "04-registration-form")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    await expect(page.get_by_text("刘社工完成任务：入站登记与分类")).to_be_visible()
    await expect(page.locator(".tags")).to_contain_text("开放性救助")
    await shot(page, "05-case-registered")


async def test_a_caseworker_takes_in_a_walk_in_on_a_phone(phone: Page) -> None:
    page = phone
    await log_in(page, "dh_caseworker")
    assert await fits_the_screen(page)
    await shot(page, "10-phone-dashboard")
    await page.get_by_role("link", name="登记发现报告").first.click()
    await page.get_by_label("发现途径").select_option(label="主动求助")
    await page.get_by_label("发现地点").fill("东湖区救助管理站接待大厅")
    await page.get_by_label("性别").select_option(label="女")
    assert await fits_the_screen(page)
    await page.get_by_role("button", name="提交报告").click()
    await expect(page.get_by_role("status")).to_contain_text("发现报告已登记")
    await page.get_by_role("link", name=re.compile("办理")).first.click()
    await page.get_by_label("姓名", exact=True).fill("王小红")
    await page.get_by_label("性别").select_option(label="女")
    await page.get_by_label("估计年龄").fill("12")
    await page.get_by_label("救助类型").select_option(label="开放性救助")
    await page.get_by_role("button", name="提交").click()
    # the rules of the case speak Chinese, in the summary and next to the field
    await expect(page.get_by_role("alert")).to_contain_text("未成年人必须实行保护性救助")
    assert await fits_the_screen(page)
    await shot(page, "11-phone-registration-error")
    await page.get_by_label("救助类型").select_option(label="保护性救助")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    await expect(page.locator(".tags")).to_contain_text("保护性救助")
    assert await fits_the_screen(page)
    await shot(page, "12-phone-case-page")
