"""Browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``; ``.ci/run``
installs it with apt, Playwright's own browser download is never used) against the real
stack. Set RESCUE_SCREENSHOTS=<dir> to keep a screenshot of each step."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support import Stack

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

try:
    from playwright.async_api import Browser, Page, async_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    async_playwright = None  # type: ignore[assignment]


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    if async_playwright is None or not CHROMIUM.exists():
        message = "Chromium (/usr/bin/chromium) or playwright missing; .ci/run installs them"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is a broken run, not a skip
        pytest.skip(message)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def _page(chromium: Browser, stack: Stack, viewport: dict[str, int], **extra: object) -> AsyncIterator[Page]:
    context = await chromium.new_context(base_url=stack.api_url, viewport=viewport, locale="zh-CN",
                                         timezone_id="Asia/Shanghai", **extra)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()


@pytest.fixture
async def desktop(chromium: Browser, stack: Stack) -> AsyncIterator[Page]:
    async for page in _page(chromium, stack, DESKTOP):
        yield page


@pytest.fixture
async def phone(chromium: Browser, stack: Stack) -> AsyncIterator[Page]:
    async for page in _page(chromium, stack, PHONE, is_mobile=True, has_touch=True,
                            device_scale_factor=2):
        yield page


@pytest.fixture(params=["desktop", "phone"])
async def screen(request: pytest.FixtureRequest, chromium: Browser, stack: Stack) -> AsyncIterator[Page]:
    """The same test at desktop and at phone width."""
    extra: dict[str, object] = ({} if request.param == "desktop"
                                else {"is_mobile": True, "has_touch": True, "device_scale_factor": 2})
    async for page in _page(chromium, stack, DESKTOP if request.param == "desktop" else PHONE, **extra):
        yield page
