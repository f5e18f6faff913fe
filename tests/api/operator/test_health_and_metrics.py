"""/healthz tells the truth about workers, and the worker and API serve Prometheus metrics.

A real worker process (``python -m worker``) on a task queue of its own: health counts it by
its heartbeat row; after a SIGKILL it stops counting within seconds, although Temporal still
lists its pollers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import generate_latest

from api.app import create_app
from api.context import AppContext
from db.pool import create_pool
from rescue.settings import Settings
from stack.children import child_env
from stack.temporal_server import free_port
from support import Stack

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def own_queue(stack: Stack, tmp_path: Path) -> AsyncIterator[tuple[Settings, httpx.AsyncClient]]:
    settings = stack.settings.model_copy(update={
        "task_queue": f"health-{uuid.uuid4().hex[:8]}", "worker_metrics_port": free_port(),
        "data_dir": tmp_path})
    pool = await create_pool(stack.database_url)
    try:
        app = create_app(settings, context=AppContext(settings, pool, stack.client))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://api") as api:
            yield settings, api
    finally:
        await pool.close()


async def _worker_ok(api: httpx.AsyncClient) -> tuple[bool, str]:
    body = (await api.get("/healthz")).json()
    return body["worker"]["ok"], body["worker"]["detail"]


async def test_a_killed_worker_stops_counting_and_the_sdk_metrics_are_served(
    stack: Stack, own_queue: tuple[Settings, httpx.AsyncClient]
) -> None:
    settings, api = own_queue
    ok, detail = await _worker_ok(api)
    assert not ok and detail.startswith("0 live worker(s)")
    env = child_env(settings, stack.database_url, stack.settings.temporal_address or "")
    env["RESCUE_WORKER_METRICS_PORT"] = str(settings.worker_metrics_port)
    worker = subprocess.Popen([sys.executable, "-m", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            ok, detail = await _worker_ok(api)
            if ok:
                break
            await asyncio.sleep(0.1)
        assert ok, detail
        async with httpx.AsyncClient(trust_env=False) as http:
            metrics = (await http.get(
                f"http://127.0.0.1:{settings.worker_metrics_port}/metrics")).text
        assert "temporal_" in metrics and "task_queue=\"" + settings.task_queue in metrics
        os.kill(worker.pid, signal.SIGKILL)
        killed = time.monotonic()
        while ok and time.monotonic() - killed < 60:
            await asyncio.sleep(0.5)
            ok, detail = await _worker_ok(api)
        seconds = time.monotonic() - killed
        print(f"\nSIGKILLed worker no longer counted after {seconds:.1f} s ({detail})")
        assert not ok, f"a killed worker still counted after 60 s: {detail}"
        assert (await api.get("/healthz")).status_code == 503
    finally:
        worker.kill()
        worker.wait()


async def test_request_metrics_name_the_route_not_the_ids(api: httpx.AsyncClient) -> None:
    case_id = str(uuid.uuid4())
    await api.get(f"/api/v1/cases/{case_id}")
    text = generate_latest().decode()
    assert 'rescue_api_requests_total{method="GET",route="/api/v1/cases/{case_id}",status="401"}' in text
    assert case_id not in text
