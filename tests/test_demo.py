"""The demo command drives a case along each named path over the API and says so."""

from __future__ import annotations

import pytest

from rescue.demo import PATHS, run_demo
from support import Stack


@pytest.mark.parametrize("path", list(PATHS))
async def test_demo_path(stack: Stack, capsys: pytest.CaptureFixture[str], path: str) -> None:
    assert await run_demo(stack.settings, api_url=stack.api_url, path=path) == 0
    out = capsys.readouterr().out
    assert "演示失败" not in out
    assert "110105" not in out and "110121" not in out  # no identity numbers printed
    if path != "lost-contact":
        assert "个案已办结" in out
