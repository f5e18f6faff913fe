"""In the browser: a family's report, registered by the 12349 hotline on the console, is
matched to an unidentified woman in care; within a minute her caseworker has a task to contact
and verify the family, and the case's family-search page says why, field by field, in Chinese."""

from __future__ import annotations

import re

import httpx
import pytest

pytest.importorskip("playwright")

from browser_support import log_in, log_out, shot  # noqa: E402
from playwright.async_api import Page, expect  # noqa: E402

from support import complete, get_case, login, open_case, wait_for_task  # noqa: E402


async def test_a_family_report_on_the_console_reaches_the_caseworker_with_its_reasons(
        desktop: Page, api: httpx.AsyncClient) -> None:
    # She came in on her own and gave a name the police do not know: the search goes on.
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in", sex="female",
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {"person": {"name": "欧阳秀芝", "sex": "female",
                                                       "estimated_age": 74}})
    await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    number = (await get_case(api, caseworker, case_id))["case_number"]

    page = desktop
    await log_in(page, "hotline")
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="寻人登记").click()
    await page.get_by_label("姓名", exact=True).fill("欧阳秀枝")  # the family's spelling
    await page.get_by_label("曾用名、小名、别称（用逗号分隔）").fill("秀秀")
    await page.get_by_label("性别").select_option(label="女")
    await page.get_by_label("出生年份（日期不详时）").fill("1951")
    await page.get_by_label("籍贯或户籍地").fill("湖南省邵阳市某村")
    await page.get_by_label("最后一次见到的日期").fill("2025-10-01")
    await page.get_by_label("最后一次见到的地点").fill("湖南省邵阳市汽车站")
    await page.get_by_label("老年痴呆").check()
    await page.get_by_label("联系人", exact=True).fill("欧阳军")
    await page.get_by_label("联系电话").fill("13900000077")
    await shot(page, "40-hotline-family-report")
    await page.get_by_role("button", name="登记并比对").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("寻人登记：欧阳秀枝")
    await log_out(page)

    # Her caseworker: the verification task arrives by itself (within a minute).
    await log_in(page, "caseworker")
    row = (page.get_by_role("row").filter(has_text=number).filter(has_text="联系并核实家属")
           .filter(has_text="寻人登记XR"))  # what found the family, not "DNA"
    for _ in range(30):
        if await row.count():
            break
        await page.wait_for_timeout(2000)
        await page.reload()
    await expect(row).to_be_visible()
    await expect(row).not_to_contain_text("DNA")
    await shot(page, "41-caseworker-verification-task")
    await page.goto(f"/console/cases/{case_id}")
    await page.get_by_role("link", name="寻亲比对").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("寻亲比对")
    await expect(page.locator(".crumbs")).to_contain_text(number)  # which case, in its own words
    best = page.locator("article.candidate").first
    await expect(best).to_contain_text("欧阳秀枝")
    await expect(best).to_contain_text(re.compile("可能性"))
    await expect(best).to_contain_text("性别相同")
    for raw in ("female", "name", "sex", "verifying", "proposed"):  # no English on the page
        await expect(page.locator("#main")).not_to_contain_text(re.compile(rf"\b{raw}\b"))
    await shot(page, "42-case-family-search-reasons")
