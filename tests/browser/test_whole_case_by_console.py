"""A whole case by the console alone, as each person involved would do it: a citizen's 12349
call, the station on duty going out, the hotline calling back, admission, the ticket voucher
(printed), boarding at the railway station, the handover receipt (printed) and the community's
first follow-up visit, whose referral reaches the township. No API call, no id typed."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest

pytest.importorskip("playwright")

from browser_support import case_number_in, fits_the_screen, log_in, log_out, shot  # noqa: E402
from playwright.async_api import Locator, Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

CHINA = timezone(timedelta(hours=8))


async def row_on_worktable(page: Page, *texts: str, timeout: float = 60) -> Locator:
    """Reload the worktable until a row with all these words shows (work arrives by itself)."""
    for _ in range(int(timeout * 2)):
        await page.goto("/console/")
        row = page.get_by_role("row")
        for text in texts:
            row = row.filter(has_text=text)
        if await row.count():
            return row.first
        await page.wait_for_timeout(500)
    raise AssertionError(f"no worktable row with {texts}")


async def printed(page: Page, link_name: str) -> str:
    """Print a document from the case page: the PDF's text."""
    href = await page.get_by_role("link", name=link_name).get_attribute("href")
    assert href
    resp = await page.request.get(href)
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(await resp.body())).pages)


async def test_a_whole_case_by_console_alone(desktop: Page, phone: Page) -> None:
    page = desktop
    # 1. A citizen calls 12349: the hotline operator records the call, dispatched to the station
    await log_in(page, "hotline")
    await page.get_by_role("navigation", name="主导航").get_by_role("link", name="12349热线").click()
    await page.get_by_label("来电类型").select_option(label="群众反映发现流浪人员")
    await page.get_by_label("发生地所属单位").select_option(label="湖滨街道柳岸社区救助网点")
    await page.get_by_label("具体地点").fill("柳岸社区菜市场东门")
    await page.get_by_label("来电内容").fill("一名中年男子在门口过夜，衣着单薄")
    await page.get_by_label("来电号码（用于回访）").fill("13900002222")
    await page.get_by_role("button", name="受理并派单").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("柳岸社区")
    for _ in range(20):  # dispatched in a moment to the station on duty for the place
        if "东湖区救助管理站" in await page.locator("#main").inner_text():
            break
        await page.wait_for_timeout(250)
        await page.reload()
    await expect(page.locator("#main")).to_contain_text("东湖区救助管理站")
    await shot(page, "60-e2e-call-recorded")
    await log_out(page)

    # 2. The station on duty sees the dispatch with its arrival deadline, goes, finds him
    await log_in(page, "dh_caseworker")
    await expect(page.locator("[data-pulse]")).to_contain_text("派单")
    dispatch = page.get_by_role("region", name=re.compile("12349热线派单")).get_by_role("row").filter(
        has_text="柳岸社区菜市场东门")
    await expect(dispatch).to_contain_text("赶到现场")
    await shot(page, "61-e2e-dispatch-on-worktable")
    await dispatch.get_by_role("link", name=re.compile("办理")).click()
    await page.get_by_role("button", name="确认已到场").click()
    await page.get_by_role("radio", name=re.compile("找到（建立个案）")).check()
    await page.get_by_label("人员状况").select_option(label="能自行前往（引导到站）")
    await page.get_by_label("现场情况").fill("本人自称张建国，同意到救助站")
    await page.get_by_role("button", name="登记现场处置结果").click()
    await page.get_by_role("link", name=re.compile("个案 JZ")).click()
    number = case_number_in(await page.get_by_role("heading", level=1).inner_text())
    await log_out(page)

    # 3. The hotline tells the caller (its pending call-backs are on its worktable)
    await log_in(page, "hotline")
    callback = page.get_by_role("region", name=re.compile("待回访来电")).get_by_role("row").filter(
        has_text="柳岸社区菜市场东门")
    await expect(callback).to_contain_text(number)
    await callback.get_by_role("link", name=re.compile("回访")).click()
    await page.get_by_label(re.compile("回访情况")).fill("已告知来电群众：救助站已到场，该男子已受助")
    await page.get_by_role("button", name="已回访来电群众").click()
    await expect(page.locator("#main")).to_contain_text("已告知来电群众")
    await log_out(page)

    # 4. Admission at the station: registration with an explicit civil capacity
    await log_in(page, "dh_caseworker")
    row = await row_on_worktable(page, number, "入站登记与分类")
    await expect(row).to_contain_text("东湖区救助管理站")
    await row.get_by_role("link", name=re.compile("办理")).click()
    await page.get_by_label("姓名", exact=True).fill("张建国")
    await page.get_by_label("性别").select_option(label="男")
    await page.get_by_label("出生日期").fill("1968-03-12")
    await page.get_by_label("民事行为能力").select_option(label="完全民事行为能力")
    await page.get_by_label("救助类型").select_option(label="开放性救助")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")

    # 5. The police found his household: the voucher, then print it
    row = await row_on_worktable(page, number, "开具换票凭证")
    await row.get_by_role("link", name=re.compile("办理")).click()
    await page.get_by_label("目的地车站").fill("东湖站")
    await page.get_by_label("乘车日期").fill((date.today() + timedelta(days=1)).isoformat())
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    for _ in range(60):  # the ticket exchange runs by itself
        if await page.get_by_role("link", name=re.compile("乘车凭证")).count():
            break
        await page.wait_for_timeout(500)
        await page.reload()
    voucher = await printed(page, "乘车凭证（换票凭证）（PDF）")
    assert "换票凭证" in voucher and "张建国" in voucher and "东湖站" in voucher and number in voucher
    await shot(page, "62-e2e-voucher-printed")
    await log_out(page)

    # 6. The railway station confirms boarding: an explicit yes, a time not in the future
    await log_in(page, "transport")
    row = await row_on_worktable(page, number, "确认乘车")
    await row.get_by_role("link", name=re.compile("办理")).click()
    for answer in ("是", "否"):  # no answer is given beforehand: an untouched form says nothing
        await expect(page.get_by_role("radio", name=answer)).not_to_be_checked()
    await page.get_by_role("radio", name="是").check()
    later = datetime.now(CHINA) + timedelta(hours=2)
    await page.get_by_label("上车时间").fill(later.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("alert")).to_contain_text("不能晚于")
    await page.get_by_label("上车时间").fill((datetime.now(CHINA) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    await log_out(page)

    # 7. The origin community's liaison, on a phone: print the handover receipt, fill it in
    page = phone
    await log_in(page, "liaison")
    row = await row_on_worktable(page, number, "流出地交接回执")
    await expect(row).to_contain_text("东湖区救助管理站")
    await row.get_by_role("link", name=number, exact=True).click()
    receipt = await printed(page, "交接回执（PDF）")
    assert "交接回执" in receipt and "张建国" in receipt and "柳岸社区" in receipt
    row = await row_on_worktable(page, number, "流出地交接回执")
    await row.get_by_role("link", name=re.compile("办理")).click()
    await page.get_by_label("接收人").fill("张妻")
    await page.get_by_label(re.compile("与受助人员关系")).fill("配偶")
    await page.get_by_label("交接日期").fill(date.today().isoformat())
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    assert await fits_the_screen(page)
    await shot(page, "63-e2e-handed-over-phone")

    # 8. The first follow-up visit, with one referral ticked
    row = await row_on_worktable(page, number, "跟踪随访")
    await row.get_by_role("link", name=re.compile("办理")).click()
    await page.get_by_label("随访日期").fill(date.today().isoformat())
    group = page.get_by_role("group", name=re.compile("是否见到本人"))
    await group.get_by_role("radio", name="是").check()
    group = page.get_by_role("group", name=re.compile("是否联系到家属"))
    await group.get_by_role("radio", name="是").check()
    await page.get_by_label("生活状况").fill("与妻子同住，生活困难")
    await page.get_by_role("checkbox", name="低保").check()
    assert await fits_the_screen(page)
    await shot(page, "64-e2e-follow-up-visit-phone")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    steps = page.get_by_role("navigation", name="办理进度")
    await expect(steps.locator("[aria-current=step]")).to_contain_text("跟踪随访")
    await expect(page.get_by_text(re.compile("第1次随访：见到本人"))).to_be_visible()
    await log_out(page)

    # 9. The referral reaches the township, as its own item
    page = desktop
    await log_in(page, "township")
    row = await row_on_worktable(page, number, "随访转介")
    await expect(row).to_contain_text("低保")
    await shot(page, "65-e2e-referral-at-township")
