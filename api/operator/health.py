"""Health of the parts the API depends on: database, Temporal, and a live worker.

A worker counts as live when its process refreshed its row in ``worker_heartbeats`` within
the last 15 s (three missed beats) *and* Temporal sees pollers on the task queue. Temporal
alone is not enough: it keeps listing a SIGKILLed worker's pollers for minutes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest, GetSystemInfoRequest

from api.deps import Ctx
from db import heartbeats_repo, outbox_repo

router = APIRouter(tags=["health"])

WORKER_FRESH_SECONDS = 15.0
"""A worker whose heartbeat is older than this is not counted (it beats every 5 s)."""


async def _check(coro: Any) -> tuple[bool, str]:
    try:
        async with asyncio.timeout(3):
            return await coro
    except Exception as exc:  # a health check reports, it does not raise
        return False, f"{type(exc).__name__}: {exc}"[:200]


@router.get("/healthz")
async def healthz(ctx: Ctx) -> JSONResponse:
    """200 when the database, Temporal and at least one live worker answer; 503 with each
    part's state otherwise. The outbox's backlog is reported, not judged."""

    async def database() -> tuple[bool, str]:
        async with ctx.pool.acquire() as conn:
            pending, oldest = await outbox_repo.backlog(conn)
        age = f", oldest {(datetime.now(UTC) - oldest).total_seconds():.0f}s" if oldest else ""
        return True, f"ok; outbox {pending} waiting{age}"

    async def temporal() -> tuple[bool, str]:
        await ctx.temporal.workflow_service.get_system_info(GetSystemInfoRequest())
        return True, "ok"

    async def worker() -> tuple[bool, str]:
        async with ctx.pool.acquire() as conn:
            live = await heartbeats_repo.live_workers(
                conn, task_queue=ctx.settings.task_queue, within_seconds=WORKER_FRESH_SECONDS)
        resp = await ctx.temporal.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=ctx.settings.temporal_namespace,
            task_queue=TaskQueue(name=ctx.settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))
        pollers = len(resp.pollers)
        detail = (f"{live} live worker(s) (heartbeat within {WORKER_FRESH_SECONDS:.0f}s), "
                  f"{pollers} poller(s) known to Temporal on {ctx.settings.task_queue}")
        return live > 0 and pollers > 0, detail

    results = dict(zip(("database", "temporal", "worker"),
                       await asyncio.gather(_check(database()), _check(temporal()), _check(worker())),
                       strict=True))
    ok = all(r[0] for r in results.values())
    body = {"status": "ok" if ok else "degraded",
            **{k: {"ok": v[0], "detail": v[1]} for k, v in results.items()}}
    headers = None if ok else {"Retry-After": "5"}
    return JSONResponse(body, status_code=200 if ok else 503, headers=headers)
