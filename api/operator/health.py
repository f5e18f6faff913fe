"""Health of the parts the API depends on: database, Temporal, and a polling worker."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest, GetSystemInfoRequest

from api.deps import Ctx

router = APIRouter(tags=["health"])


async def _check(coro: Any) -> tuple[bool, str]:
    try:
        async with asyncio.timeout(3):
            return await coro
    except Exception as exc:  # a health check reports, it does not raise
        return False, f"{type(exc).__name__}: {exc}"[:200]


@router.get("/healthz")
async def healthz(ctx: Ctx) -> JSONResponse:
    """200 when the database, Temporal and at least one worker answer; 503 with each part's
    state otherwise."""

    async def database() -> tuple[bool, str]:
        await ctx.pool.fetchval("SELECT 1")
        return True, "ok"

    async def temporal() -> tuple[bool, str]:
        await ctx.temporal.workflow_service.get_system_info(GetSystemInfoRequest())
        return True, "ok"

    async def worker() -> tuple[bool, str]:
        resp = await ctx.temporal.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=ctx.settings.temporal_namespace,
            task_queue=TaskQueue(name=ctx.settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))
        n = len(resp.pollers)
        return n > 0, f"{n} poller(s) on {ctx.settings.task_queue}"

    results = dict(zip(("database", "temporal", "worker"),
                       await asyncio.gather(_check(database()), _check(temporal()), _check(worker())),
                       strict=True))
    ok = all(r[0] for r in results.values())
    body = {"status": "ok" if ok else "degraded",
            **{k: {"ok": v[0], "detail": v[1]} for k, v in results.items()}}
    return JSONResponse(body, status_code=200 if ok else 503)
