"""Prometheus metrics of the API: requests by route template and status, and their latency.

Served on their own port (``RESCUE_API_METRICS_PORT``, loopback by default), never on the
public API port; the worker's come from the Temporal SDK on ``RESCUE_WORKER_METRICS_PORT``.
Labels carry the route's template (``/api/v1/cases/{case_id}``), never an id or a query.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("rescue_api_requests_total", "API requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("rescue_api_request_seconds", "API request latency", ["method", "route"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def _route(scope: Scope) -> str:
    """The template of the matching route, or "other" (no raw paths: they hold ids)."""
    route = scope.get("route")
    if route is not None and getattr(route, "path", None):
        return str(route.path)
    app: Any = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", []):
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            return str(getattr(candidate, "path", "other"))
    return "other"


class RequestMetrics:
    """Pure ASGI middleware (no body buffering) counting and timing each HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route, method = _route(scope), scope.get("method", "GET")
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)
