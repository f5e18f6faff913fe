"""In the browser: a police officer finds an escort on the police desk and completes it; an
operator finds a case stuck on a police system that keeps failing, with its last error."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest

pytest.importorskip("playwright")

from browser_support import log_in, shot  # noqa: E402
from playwright.async_api import Page, expect  # noqa: E402

from support import Stack, complete, login, open_case, registration, wait_for_task  # noqa: E402


async def test_the_police_complete_an_escort(desktop: Page, stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    case_id = await open_case(api, caseworker, condition="elderly", place="人民桥下涵洞")
    task = await wait_for_task(api, police, case_id, "escort")
    page = desktop
    await log_in(page, "police")
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="本单位业务").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("公安工作台")
    group = page.get_by_role("heading", name=re.compile("护送到站"))
    await expect(group).to_be_visible()
    await shot(page, "20-police-desk")
    row = page.get_by_role("row").filter(has_text=task["case_number"])
    await expect(row).to_contain_text("老年人（护送）")
    await row.get_by_role("link", name=re.compile("办理")).click()
    await page.get_by_label("护送人员及单位").fill("林警官（站前派出所）")
    arrived = datetime.now(timezone(timedelta(hours=8))) - timedelta(minutes=10)
    await page.get_by_label("送达时间").fill(arrived.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("交接对象").fill("示范市救助管理站值班室")
    await shot(page, "21-police-escort-form")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    await expect(page.get_by_text("林警官（站前派出所）护送到站，交接给示范市救助管理站值班室")).to_be_visible()
    # the police read the cases they work on, but list only the cases they reported
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="个案列表").click()
    await expect(page.get_by_text(task["case_number"])).to_have_count(0)
    await shot(page, "22-police-case-list")


async def test_an_operator_finds_a_stuck_case(desktop: Page, stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    admin = stack.sim_admin()
    async with httpx.AsyncClient() as http:
        await http.put(f"{stack.sim_url('police')}/admin/faults", json={"down": True}, headers=admin)
        try:
            case_id = await open_case(api, caseworker, channel="walk_in")
            task = await wait_for_task(api, caseworker, case_id, "registration")
            await complete(api, caseworker, task, registration())
            page = desktop
            await log_in(page, "operator")
            await page.get_by_role("navigation", name="主导航").get_by_role("link", name="运行监控").click()
            row = page.get_by_role("row").filter(has_text=task["case_number"])
            for _ in range(30):  # the lookup fails every second or two; reload until it shows
                if await row.count():
                    break
                await page.wait_for_timeout(500)
                await page.reload()
            await expect(row).to_contain_text("公安户籍查询")
            await expect(row.locator(".error-text")).not_to_be_empty()
            temporal = row.get_by_role("link", name=re.compile("Temporal"))
            assert (await temporal.get_attribute("href") or "").endswith(
                f"/namespaces/default/workflows/rescue-case%3A{task['case_number']}")
            await shot(page, "30-operator-stuck-case")
            await row.get_by_role("link", name="流程历史").click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text(task["case_number"])
            await expect(page.get_by_text("公安户籍查询").first).to_be_visible()
            await expect(page.get_by_text("lookup_household")).to_have_count(0)
            await shot(page, "31-operator-history")
        finally:
            await http.put(f"{stack.sim_url('police')}/admin/faults", json={}, headers=admin)
    await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=60)
