"""Fixtures for the simulator tests: a factory of clients, each on a fresh simulator app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from rescue.simulators import create_simulator_app
from rescue.simulators.common import SimulatorConfig

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    """``await make_client("transport", seed=1)``: a client (with the API key) on a new app."""
    async with AsyncExitStack() as stack:

        async def make(agency: str, **config: Any) -> httpx.AsyncClient:
            app = create_simulator_app(agency, SimulatorConfig(**config))
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://sim",
                headers={"X-Api-Key": SimulatorConfig().api_key},
            )
            return await stack.enter_async_context(client)

        yield make
