"""The system as ``scripts/run`` runs it (``run_up``: embedded PostgreSQL, the Temporal dev
server on a SQLite file, simulators, worker and API as separate processes under the
supervisor), on free ports in a temporary data directory, for the fault tests."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fault_system import System

from rescue.settings import Settings
from stack.temporal_server import free_port
from stack.up import run_up


@pytest.fixture(scope="module")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[System]:
    data_dir = Path(str(tmp_path_factory.mktemp("faults"))).resolve() / "data"
    settings = Settings(
        data_dir=data_dir, temporal_port=free_port(), temporal_ui_port=free_port(),
        api_port=free_port(), worker_metrics_port=free_port(), api_metrics_port=free_port(),
        police_url=f"http://127.0.0.1:{free_port()}",
        hospital_url=f"http://127.0.0.1:{free_port()}",
        transport_url=f"http://127.0.0.1:{free_port()}",
        policy="compressed", activity_timeout_seconds=5,
        jwt_secret="test-secret-that-is-long-enough-for-hs256")
    console, stop = io.StringIO(), asyncio.Event()
    run = asyncio.create_task(run_up(settings, stop=stop, console=console))
    for _ in range(1800):
        if "Ctrl-C" in console.getvalue() or run.done():
            break
        await asyncio.sleep(0.1)
    assert "Ctrl-C" in console.getvalue(), console.getvalue()[-3000:]
    system = System(settings, console, data_dir)
    await system.healthy()
    try:
        yield system
    finally:
        stop.set()
        assert await asyncio.wait_for(run, 120) == 0
