"""In the browser: the auditor finds a refused read in the audit log; finance reads the
treatment money per station on a phone."""

from __future__ import annotations

import httpx
import pytest

pytest.importorskip("playwright")

from browser_support import fits_the_screen, log_in, shot  # noqa: E402
from playwright.async_api import Page, expect  # noqa: E402

from support import Stack, login, open_case  # noqa: E402


async def test_the_auditor_finds_a_refused_read(desktop: Page, stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    number = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()["case_number"]
    refused = await api.get(f"/api/v1/cases/{case_id}", headers=await login(api, "xs_liaison"))
    assert refused.status_code == 404  # outside the liaison's jurisdiction: as if it did not exist
    page = desktop
    await log_in(page, "auditor")
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="访问审计").click()
    await page.get_by_label("用户名").fill("xs_liaison")
    await page.get_by_label("对象").fill(case_id)
    await page.get_by_label("结果").select_option(label="拒绝")
    await page.get_by_role("button", name="查找").click()
    row = page.get_by_role("row").filter(has_text=f"个案 {number}")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("查看个案")
    await expect(row).to_contain_text("拒绝")
    await expect(row).to_contain_text("127.0.0.1")
    await shot(page, "40-auditor-denied-read")


async def test_finance_reads_the_money_on_a_phone(phone: Page) -> None:
    page = phone
    await log_in(page, "finance")
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="救治资金").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("救治资金")
    row = page.get_by_role("row").filter(has_text="示范市救助管理站")
    await expect(row).to_contain_text("500,000.00")
    assert await fits_the_screen(page)
    await shot(page, "41-finance-phone")
