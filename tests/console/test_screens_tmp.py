"""TEMPORARY: screenshots of the console for a human look. Delete before finishing."""

from __future__ import annotations

import httpx
from playwright.async_api import async_playwright

from support import Stack, login, new_report, registration, wait_for_task

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


async def shot(page, path: str, phone: bool) -> None:
    await page.screenshot(path=path + ".png", full_page=True)
    if phone:
        height = await page.evaluate("document.documentElement.scrollHeight")
        for i in range(min(4, (height + 899) // 900)):
            await page.screenshot(path=f"{path}-part{i + 1}.png", full_page=True,
                                  clip={"x": 0, "y": i * 900, "width": 390, "height": min(900, height - i * 900)})


async def test_screens(stack: Stack, api: httpx.AsyncClient) -> None:
    cw = await login(api, "caseworker")
    # one case moved on, one waiting for registration, one minor
    c1 = (await api.post("/api/v1/cases", json=new_report(person_name="王某"), headers=cw)).json()
    t1 = await wait_for_task(api, cw, c1["case_id"], "registration")
    r = await api.post(f"/api/v1/tasks/{t1['task_id']}/complete", json={"payload": registration()}, headers=cw)
    assert r.status_code == 200, r.text
    c2 = (await api.post("/api/v1/cases", json=new_report(sex="female", channel="hotline"), headers=cw)).json()
    t2 = await wait_for_task(api, cw, c2["case_id"], "registration")
    dh = await login(api, "dh_caseworker")
    await api.post("/api/v1/cases", json=new_report(), headers=dh)
    import asyncio
    await asyncio.sleep(3)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
            ctx = await browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = await ctx.new_page()
            await page.goto(f"{stack.api_url}/console/")
            await shot(page, f"/tmp/screens/login-{name}", name == "phone")
            await page.fill("#username", "caseworker")
            await page.fill("#password", "Rescue-Demo-2026")
            await page.click("button[type=submit]")
            await page.wait_for_url("**/console/")
            await shot(page, f"/tmp/screens/dashboard-{name}", name == "phone")
            await page.goto(f"{stack.api_url}/console/cases/{c1['case_id']}")
            await shot(page, f"/tmp/screens/case-{name}", name == "phone")
            await page.goto(f"{stack.api_url}/console/tasks/{t2['task_id']}")
            await shot(page, f"/tmp/screens/task-{name}", name == "phone")
            # submit with the sex missing and a minor classified as open
            await page.fill("#f-person-name", "小红")
            await page.fill("#f-person-birth-date", "2016-05-01")
            await page.select_option("#f-classification", "open")
            await page.evaluate("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
            await page.click("form.form button[type=submit]")
            await page.wait_for_load_state()
            await shot(page, f"/tmp/screens/task-errors-{name}", name == "phone")
            await page.goto(f"{stack.api_url}/console/cases/new")
            await shot(page, f"/tmp/screens/new-report-{name}", name == "phone")
            await page.goto(f"{stack.api_url}/console/cases")
            await shot(page, f"/tmp/screens/cases-{name}", name == "phone")
            await page.goto(f"{stack.api_url}/console/cases/{c1['case_id']}/history")
            await shot(page, f"/tmp/screens/history-{name}", name == "phone")
            await page.goto(f"{stack.api_url}/console/tasks/00000000-0000-0000-0000-000000000000")
            await shot(page, f"/tmp/screens/notfound-{name}", name == "phone")
            await ctx.close()
        await browser.close()
