"""Fault injection shared by the agency simulators: latency, lost requests, lost responses, outage.

Real agency systems are slow and unreliable; the workflow must survive that. The faults are
applied by an ASGI middleware to every agency endpoint, and are driven at run time through
the ``/admin`` endpoints (Bearer ``admin_token``), which are never faulted themselves.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators.errors import SimulatorError

_EXEMPT_PREFIXES = ("/admin/", "/docs", "/redoc", "/openapi.json")


class FaultConfig(BaseModel):
    """How badly the simulated agency behaves right now."""

    latency_ms: int = Field(default=0, ge=0, description="Delay added before each request")
    failure_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Share of requests failed")
    failure_mode: Literal["before", "after"] = Field(
        default="before",
        description="before: 503 without processing; after: process, then 503 (lost response)",
    )
    down: bool = Field(default=False, description="Answer 503 to everything but /admin")


class FaultState:
    """The faults in force and the seeded random source deciding which requests fail."""

    def __init__(self, config: FaultConfig, seed: int) -> None:
        self.seed = seed
        self.config = config
        self.rng = random.Random(seed)

    def reset(self) -> None:
        """No faults, and the random sequence starts over (reproducible tests)."""
        self.config = FaultConfig()
        self.rng = random.Random(self.seed)


class FaultMiddleware:
    """Applies the app's :class:`FaultState` to every request outside the exempt paths.

    ``down`` also covers ``/healthz`` (an outage is visible to health checks); latency and
    random failures only hit the agency endpoints, so health probes stay meaningful.
    """

    def __init__(self, app: ASGIApp, faults: FaultState) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        config = self.faults.config
        if config.down:
            await _unavailable("系统维护中，暂停服务 (simulated outage)")(scope, receive, send)
            return
        if path == "/healthz":
            await self.app(scope, receive, send)
            return
        if config.latency_ms:
            await asyncio.sleep(config.latency_ms / 1000)
        if config.failure_rate and self.faults.rng.random() < config.failure_rate:
            if config.failure_mode == "after":
                await self.app(scope, receive, _discard)  # state changes, response is lost
            await _unavailable("服务暂时不可用，请稍后重试 (simulated failure)")(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


async def _discard(message: Message) -> None:
    """An ASGI ``send`` that drops the response, as a broken connection would."""


def _unavailable(message: str) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content={"code": "service_unavailable", "message": message},
        headers={"Retry-After": "1"},
    )


def require_admin(request: Request) -> None:
    """Admin endpoints need ``Authorization: Bearer <admin_token>``: faults are not public."""
    expected = f"Bearer {request.app.state.config.admin_token}"
    given = request.headers.get("authorization", "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise SimulatorError(401, "unauthorized", "管理令牌缺失或无效 (admin token required)")


admin_router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@admin_router.get("/faults")
async def get_faults(request: Request) -> FaultConfig:
    """The faults in force, so an operator or a test can see what the simulator does."""
    return request.app.state.faults.config


@admin_router.put("/faults")
async def put_faults(config: FaultConfig, request: Request) -> FaultConfig:
    """Replace the faults in force (takes effect on the next request)."""
    request.app.state.faults.config = config
    return config


@admin_router.post("/reset")
async def reset(request: Request) -> dict[str, str]:
    """Forget everything issued or logged and clear the faults: a clean agency for a new run."""
    request.app.state.reset_agency()
    request.app.state.faults.reset()
    return {"status": "reset"}
