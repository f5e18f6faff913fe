"""The whole system inside one asyncio process, on free ports: embedded PostgreSQL (or
RESCUE_DATABASE_URL) with a scratch database, a Temporal dev server (or an external address),
the three simulators and the API on uvicorn, and the worker. For the test suite and the
benchmarks, which need the real parts without the supervisor of ``rescue up``."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from temporalio.client import Client

from api.app import create_app
from db.migrate import apply_migrations
from db.seed import load_demo
from rescue.settings import TEMPORAL_UI_PATH, Settings
from rescue.temporal_client import connect
from simulators import create_simulator_app
from simulators.common import SimulatorConfig
from stack.postgres import EmbeddedPostgres, drop_database, ensure_database
from stack.temporal_server import TemporalDevServer, ensure_search_attributes, free_port
from worker import build_worker


@dataclass
class RunningStack:
    settings: Settings
    client: Client
    database_url: str
    api_url: str
    data_dir: Path | None = None


async def serve(app: Any, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Serve an ASGI app on 127.0.0.1:port in this loop; returns once it accepts connections."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    return server, task


@contextlib.asynccontextmanager
async def running_stack(*, external_database_url: str | None = None,
                        external_temporal_address: str | None = None,
                        temporal_db_file: bool = False, temporal_ui: bool = False,
                        **overrides: Any) -> AsyncIterator[RunningStack]:
    """Start everything, yield its handles, stop everything (data is thrown away).
    ``temporal_db_file``: the dev server keeps its state in ``<data_dir>/temporal.sqlite``;
    ``temporal_ui``: it serves its UI (on loopback) for the API's proxy, with the codec."""
    # Not under a private tmp dir: embedded PostgreSQL runs as its own system user.
    data_dir = Path(tempfile.mkdtemp(prefix="rescue-run-"))
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(shutil.rmtree, data_dir, True)  # runs last
        db_name = f"rescue_run_{uuid.uuid4().hex[:8]}"
        if external_database_url:
            database_url = await ensure_database(external_database_url, db_name)
            stack.push_async_callback(drop_database, external_database_url, db_name)
        else:
            pg = EmbeddedPostgres(data_dir / "pg", delete_on_stop=True)
            admin = await asyncio.to_thread(pg.start)
            stack.callback(pg.stop)
            database_url = await ensure_database(admin, "rescue")
        api_port = free_port()
        ui_port = free_port() if temporal_ui and not external_temporal_address else None
        temporal_address = external_temporal_address
        if not temporal_address:
            server = TemporalDevServer(
                port=free_port(), ui_port=ui_port, log_file=data_dir / "temporal.log",
                db_file=data_dir / "temporal.sqlite" if temporal_db_file else None,
                codec_endpoint=f"http://127.0.0.1:{api_port}/console/codec",
                ui_public_path=TEMPORAL_UI_PATH)
            temporal_address = await server.start()
            stack.push_async_callback(server.stop)
        if ui_port is not None:
            overrides.setdefault("temporal_ui_port", ui_port)

        sim_ports = {name: free_port() for name in ("police", "hospital", "transport")}
        settings = Settings(**{
            "data_dir": data_dir, "database_url": database_url,
            "temporal_address": temporal_address, "task_queue": f"rescue-{uuid.uuid4().hex[:8]}",
            "api_port": api_port, **{f"{n}_url": f"http://127.0.0.1:{p}" for n, p in sim_ports.items()},
            **overrides})
        await apply_migrations(database_url)
        await load_demo(database_url, settings)

        servers = []
        for name, port in sim_ports.items():
            config = SimulatorConfig(api_key=settings.agency_api_key,
                                     admin_token=settings.simulator_admin_token,
                                     callback_url=f"http://127.0.0.1:{api_port}",
                                     callback_key=getattr(settings, f"{name}_callback_key"))
            servers.append(await serve(create_simulator_app(name, config), port))
        client = await connect(settings)
        if external_temporal_address:
            await ensure_search_attributes(client, settings.temporal_namespace)
        worker = await stack.enter_async_context(build_worker(settings, client, database_url))
        worker_task = asyncio.create_task(worker.run())
        servers.append(await serve(create_app(settings), api_port))
        try:
            yield RunningStack(settings=settings, client=client, database_url=database_url,
                               api_url=f"http://127.0.0.1:{api_port}", data_dir=data_dir)
        finally:
            for server_, task in reversed(servers):
                server_.should_exit = True
                await task
            await worker.shutdown()
            with contextlib.suppress(asyncio.CancelledError):
                await worker_task
