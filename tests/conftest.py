"""The real stack for the suite, started once per session: embedded PostgreSQL (or
RESCUE_DATABASE_URL), a Temporal dev server (or RESCUE_TEMPORAL_ADDRESS), the three agency
simulators over HTTP, the worker, and the API served by uvicorn. Fixtures are lazy: unit
tests of pure rules start nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from stack.inprocess import running_stack
from support import TEST_PAYLOAD_KEY, Stack

# Every worker the suite starts (in process or as a child process) re-imports our workflow
# code in the sandbox, so a clock, random number or I/O in it fails the test at once.
os.environ.setdefault("RESCUE_STRICT_SANDBOX", "1")

_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # The Temporal SDK sometimes aborts at interpreter exit after all work is done; every
    # service is stopped by now, so leave with the real status before that can happen.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


@pytest.fixture(scope="session")
async def stack() -> AsyncIterator[Stack]:
    async with running_stack(
        external_database_url=os.environ.get("RESCUE_DATABASE_URL"),
        external_temporal_address=os.environ.get("RESCUE_TEMPORAL_ADDRESS"),
        policy="compressed", payload_key=TEST_PAYLOAD_KEY,
        jwt_secret="test-secret-that-is-long-enough-for-hs256",
        activity_timeout_seconds=5, allow_policy_overrides=True,
        temporal_ui=True,  # the UI on loopback, for the console's proxy (tests/browser)
    ) as running:
        yield Stack(settings=running.settings, client=running.client,
                    database_url=running.database_url, api_url=running.api_url)


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client
