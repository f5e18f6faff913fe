"""The API application: JSON under /api/v1 (OpenAPI at /openapi.json), health, console."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from api import docs as api_docs
from api.agency import callbacks as agency_callbacks
from api.agency import views as agency_views
from api.audit import routes as audit_routes
from api.audit import views as audit_views
from api.auth import routes as auth_routes
from api.auth import views as auth_views
from api.cases import action_views as case_action_views
from api.cases import actions as case_actions
from api.cases import list_views as case_list_views
from api.cases import routes as case_routes
from api.cases import views as case_views
from api.charts import views as chart_views
from api.console import STATIC_PATH, fallback, static_files
from api.context import AppContext
from api.dashboard import views as dashboard_views
from api.documents import views as document_views
from api.edge import EdgeLimits
from api.errors import declare_common_errors, install_error_handlers
from api.finance import routes as finance_routes
from api.finance import views as finance_views
from api.guard import guard_input
from api.handbook import routes as handbook_routes
from api.handbook import views as handbook_views
from api.hotline import routes as hotline_routes
from api.hotline import views as hotline_views
from api.ledger import routes as ledger_routes
from api.ledger import views as ledger_views
from api.missing import routes as missing_routes
from api.missing import views as missing_views
from api.missing.import_jobs import IMPORT_MAX_BYTES
from api.network import routes as network_routes
from api.network import views as network_views
from api.operator import codec, health, history_views, metrics, temporal_ui
from api.operator import routes as operator_routes
from api.operator import views as operator_views
from api.outbox.deliverers import DELIVERERS
from api.outbox.relay import Relay
from api.oversight import routes as oversight_routes
from api.oversight import views as oversight_views
from api.patrols import routes as patrol_routes
from api.patrols import views as patrol_views
from api.people import routes as people_routes
from api.people import views as people_views
from api.photos import routes as photo_routes
from api.photos import views as photo_views
from api.reports import routes as report_routes
from api.reports import views as report_views
from api.search import views as search_views
from api.tasks import routes as task_routes
from api.tasks import views as task_views
from api.tasks.inbox_signals import InboxSignals
from api.worktable import views as worktable_views
from db.pool import create_pool
from rescue.settings import Settings
from rescue.temporal_client import connect


def freeze_startup_heap() -> None:
    """Leave what startup built (modules, routes, models, the clients: some 360,000 objects)
    out of the garbage collector's full passes. Each full pass walked all of them: 180-250 ms
    on this 2-core machine under load, inside whichever request was running. Such passes are
    rare (none during the bench's 400 reads; they come as surviving objects accumulate), but
    each stalled one request by a fifth of a second (README, "Performance"). Objects made
    later are collected as before; frozen ones are still freed by reference counting."""
    gc.collect()
    gc.freeze()


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
        relay_task = None
        inbox = InboxSignals(settings.database_url)
        inbox_task = asyncio.create_task(inbox.run(), name="inbox-signals")
        try:
            client = await connect(settings)
            relay = Relay(pool, client, DELIVERERS)  # this process's share of the outbox
            relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
            app.state.context = AppContext(settings=settings, pool=pool, temporal=client,
                                           relay=relay, inbox=inbox)
            freeze_startup_heap()
            yield
        finally:
            for task in (relay_task, inbox_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await pool.close()

    public_docs = settings.environment == "development"  # else behind the login (api/docs.py)
    app = FastAPI(
        docs_url="/docs" if public_docs else None, redoc_url="/redoc" if public_docs else None,
        openapi_url="/openapi.json" if public_docs else None,
        title="救助管理系统 Rescue management API",
        version="0.1.0",
        description="流浪乞讨人员救助管理：个案、任务、协作单位。Errors: {code, message, details}.",
        lifespan=lifespan,
        dependencies=[Depends(guard_input)],  # first: nothing reads or writes unchecked input
    )
    if context is not None:
        app.state.context = context
    install_error_handlers(app)
    declare_common_errors(app)
    for json_routes in (auth_routes, case_routes, case_actions, task_routes, agency_callbacks,
                        health, codec, audit_routes, finance_routes, operator_routes,
                        network_routes, ledger_routes, report_routes, hotline_routes,
                        patrol_routes, people_routes, oversight_routes, handbook_routes,
                        photo_routes, missing_routes):
        app.include_router(json_routes.router)
    # The Temporal UI is served from this origin (its proxy), so no CORS door is opened for it.
    # Pages, tables and exports travel compressed (a case list is mostly repeated markup), at
    # zlib's fastest level: an inbox of 100 tasks (40 KB of JSON) takes 0.4 ms instead of 1.3
    # ms at level 6 for 13 % more bytes (6.3 KB instead of 5.6 KB).
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=1)
    # Multipart uploads get the largest ceiling of the endpoints that take files (they check
    # their own); every other body the general one.
    app.add_middleware(EdgeLimits, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=max(settings.photo_max_bytes, IMPORT_MAX_BYTES) + 64 * 1024)
    app.add_middleware(metrics.RequestMetrics)  # outermost: counts every answer
    if not public_docs:
        app.include_router(api_docs.router)
        app.include_router(api_docs.pages)
    app.mount(STATIC_PATH, static_files(), name="console-static")  # before the catch-all
    for pages in (network_views, ledger_views, report_views, hotline_views, patrol_views,
                  people_views, oversight_views, handbook_views, auth_views, dashboard_views,
                  case_list_views, worktable_views, search_views, case_action_views, document_views,
                  chart_views, photo_views, missing_views,
                  case_views, history_views, task_views,
                  agency_views,
                  finance_views, operator_views, audit_views):
        app.include_router(pages.router)
    app.include_router(codec.console_router)  # the Temporal UI's codec calls (console cookie)
    app.include_router(temporal_ui.router)  # the Temporal UI behind the console's login
    app.include_router(fallback.router)  # last: any other /console/ address is a Chinese 404
    return app
