"""Fixtures for the simulator tests: a factory of clients, each on a fresh simulator app, and a
real HTTP receiver (uvicorn on a free port) standing in for the rescue API's callback endpoints.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sim_support import Received, Receiver

from simulators import create_simulator_app
from simulators.common import SimulatorConfig
from stack.temporal_server import free_port

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
            stack.push_async_callback(app.state.callbacks.aclose)
            return await stack.enter_async_context(client)

        yield make


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A tiny stand-in of the rescue API's callback endpoints, served over real HTTP."""
    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}")
    app = FastAPI()

    @app.post("/api/v1/agency/{agency}/{kind}")
    async def receive(agency: str, kind: str, request: Request) -> JSONResponse:
        body = await request.json()
        if state.fail_next > 0:
            state.fail_next -= 1
            return JSONResponse({"code": "temporal_unavailable"}, status_code=503)
        state.received.append(Received(request.url.path, request.headers.get("x-agency-key"), body))
        return JSONResponse({"status": "accepted"}, status_code=state.status)

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield state
    finally:
        server.should_exit = True
        await task
