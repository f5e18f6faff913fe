"""The API application: JSON under /api/v1 (OpenAPI at /openapi.json), health, console."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from rescue.api import (
    agency_callbacks,
    audit,
    auth,
    case_actions,
    cases,
    codec_server,
    console,
    console_network,
    finance,
    handbook,
    health,
    hotline,
    ledger,
    network,
    operator,
    oversight,
    patrols,
    people,
    reports,
    tasks,
)
from rescue.api.context import AppContext
from rescue.api.errors import install_error_handlers
from rescue.db.pool import create_pool
from rescue.settings import Settings
from rescue.temporal_client import connect


def create_app(settings: Settings, *, context: AppContext | None = None) -> FastAPI:
    """Build the app; without a context, the lifespan opens the pool and the Temporal client."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if context is not None:
            app.state.context = context
            yield
            return
        if not settings.database_url:
            raise RuntimeError("RESCUE_DATABASE_URL is required for the API")
        pool = await create_pool(settings.database_url)
        try:
            client = await connect(settings)
            app.state.context = AppContext(settings=settings, pool=pool, temporal=client)
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="救助管理系统 Rescue management API",
        version="0.1.0",
        description="流浪乞讨人员救助管理：个案、任务、协作单位。Errors: {code, message, details}.",
        lifespan=lifespan,
    )
    if context is not None:
        app.state.context = context
    install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(cases.router)
    app.include_router(case_actions.router)
    app.include_router(tasks.router)
    app.include_router(agency_callbacks.router)
    app.include_router(health.router)
    app.include_router(codec_server.router)
    # The Temporal UI calls the codec endpoint from the browser, from its own origin.
    app.add_middleware(CORSMiddleware, allow_origins=[settings.temporal_ui],
                       allow_credentials=True, allow_methods=["POST"],
                       allow_headers=["Authorization", "Content-Type", "X-Namespace"])
    for gate_part in (audit, finance, operator):  # issue 4: auditor, finance, operator
        app.include_router(gate_part.router)
    for part in (network, ledger, reports, hotline, patrols, people, oversight, handbook):  # issue 5: the network around the cases
        app.include_router(part.router)
    app.include_router(console_network.router)  # before the console's catch-all
    app.mount(console.STATIC_PATH, console.static_files(), name="console-static")  # before the catch-all
    app.include_router(console.router)
    return app
