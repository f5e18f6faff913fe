"""The real stack for the suite, started once per session: embedded PostgreSQL (or
RESCUE_DATABASE_URL), a Temporal dev server (or RESCUE_TEMPORAL_ADDRESS), the three agency
simulators over HTTP, the worker, and the API served by uvicorn. Fixtures are lazy: unit
tests of pure rules start nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from rescue.api.app import create_app
from rescue.db.migrate import apply_migrations
from rescue.db.seed import load_demo
from rescue.settings import Settings
from rescue.simulators import create_simulator_app
from rescue.simulators.common import SimulatorConfig
from rescue.stack.postgres import EmbeddedPostgres, drop_database, ensure_database
from rescue.stack.temporal_server import TemporalDevServer, ensure_search_attributes, free_port
from rescue.temporal_client import connect
from rescue.worker import build_worker
from support import TEST_PAYLOAD_KEY, Stack

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


async def _serve(app: object, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    return server, task


@pytest.fixture(scope="session")
async def stack() -> AsyncIterator[Stack]:
    # Not under pytest's tmp dir: that one is private to root, and embedded PostgreSQL runs
    # as its own system user, which must reach its data directory.
    data_dir = Path(tempfile.mkdtemp(prefix="rescue-test-"))
    async with contextlib.AsyncExitStack() as stack_:
        stack_.callback(shutil.rmtree, data_dir, True)  # runs last
        external_db = os.environ.get("RESCUE_DATABASE_URL")
        db_name = f"rescue_test_{uuid.uuid4().hex[:8]}"
        if external_db:
            database_url = await ensure_database(external_db, db_name)
            stack_.push_async_callback(drop_database, external_db, db_name)
        else:
            pg = EmbeddedPostgres(data_dir / "pg", delete_on_stop=True)
            admin = await asyncio.to_thread(pg.start)
            stack_.callback(pg.stop)
            database_url = await ensure_database(admin, "rescue")

        temporal_address = os.environ.get("RESCUE_TEMPORAL_ADDRESS")
        if not temporal_address:
            server = TemporalDevServer(port=free_port(), ui_port=None, db_file=None,
                                       log_file=data_dir / "temporal.log")
            temporal_address = await server.start()
            stack_.push_async_callback(server.stop)

        sim_ports = {name: free_port() for name in ("police", "hospital", "transport")}
        api_port = free_port()
        settings = Settings(
            data_dir=data_dir, database_url=database_url, temporal_address=temporal_address,
            task_queue=f"rescue-test-{uuid.uuid4().hex[:8]}", policy="compressed",
            api_port=api_port, payload_key=TEST_PAYLOAD_KEY, jwt_secret="test-secret-that-is-long-enough-for-hs256",
            police_url=f"http://127.0.0.1:{sim_ports['police']}",
            hospital_url=f"http://127.0.0.1:{sim_ports['hospital']}",
            transport_url=f"http://127.0.0.1:{sim_ports['transport']}",
            activity_timeout_seconds=5, allow_policy_overrides=True,
        )
        await apply_migrations(database_url)
        await load_demo(database_url, settings)

        servers = []
        for name, port in sim_ports.items():
            config = SimulatorConfig(api_key=settings.agency_api_key,
                                     admin_token=settings.simulator_admin_token,
                                     callback_url=f"http://127.0.0.1:{api_port}",
                                     callback_key=getattr(settings, f"{name}_callback_key"))
            servers.append(await _serve(create_simulator_app(name, config), port))

        client = await connect(settings)
        if os.environ.get("RESCUE_TEMPORAL_ADDRESS"):
            await ensure_search_attributes(client, settings.temporal_namespace)
        worker_cm = build_worker(settings, client, database_url)
        worker = await stack_.enter_async_context(worker_cm)
        worker_task = asyncio.create_task(worker.run())

        servers.append(await _serve(create_app(settings), api_port))
        try:
            yield Stack(settings=settings, client=client, database_url=database_url,
                        api_url=f"http://127.0.0.1:{api_port}")
        finally:
            for server, task in reversed(servers):
                server.should_exit = True
                await task
            await worker.shutdown()
            with contextlib.suppress(asyncio.CancelledError):
                await worker_task


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client
