"""The demo command drives a case from report to closed over the API and says so."""

from __future__ import annotations

import pytest

from rescue.demo import run_demo
from support import Stack


async def test_demo_closes_a_case(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo(stack.settings, api_url=stack.api_url) == 0
    out = capsys.readouterr().out
    assert "个案已办结" in out
    assert "绿色通道换票成功" in out
    assert "110105" not in out  # no identity numbers in what the demo prints
