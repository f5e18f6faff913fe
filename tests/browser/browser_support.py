"""What the browser tests share: logging in and out through the pages, screenshots, and
checks a person would make (the page fits a phone's screen)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.async_api import Page, expect

from support import DEMO_PASSWORD


async def log_in(page: Page, username: str) -> None:
    """Log in through the login page, as a person would."""
    await page.goto("/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("heading", name="工作台")).to_be_visible()


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="退出登录").click()
    await expect(page.get_by_text("您已退出登录")).to_be_visible()


async def shot(page: Page, name: str) -> None:
    """Keep a full-page screenshot when RESCUE_SCREENSHOTS names a directory."""
    folder = os.environ.get("RESCUE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


async def fits_the_screen(page: Page) -> bool:
    """No sideways scrolling: the page is no wider than the window."""
    return bool(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def case_number_in(text: str) -> str:
    found = re.search(r"JZ\d{4}-\d{6}", text)
    assert found, "no case number on the page"
    return found.group(0)
