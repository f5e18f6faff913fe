"""What every agency simulator shares: its configuration, the API-key check and the app shell.

Each simulator is one FastAPI app with its own in-memory state; :func:`build_app` gives it
the error shape, the fault middleware, ``/healthz`` and the ``/admin`` endpoints.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from simulators.callbacks import CallbackSender, callbacks_router
from simulators.errors import SimulatorError, install_error_handlers
from simulators.faults import FaultConfig, FaultMiddleware, FaultState, admin_router


class SimulatorConfig(BaseModel):
    """Start-up configuration of one simulator process (the same for all three agencies)."""

    api_key: str = Field(default="demo-agency-key", description="Expected X-Api-Key header")
    admin_token: str = Field(default="demo-sim-admin", description="Bearer token for /admin")
    faults: FaultConfig = Field(default_factory=FaultConfig, description="Faults at start-up")
    seed: int = Field(default=0, description="Seed of the random source deciding failures")
    callback_url: str | None = Field(
        default=None, description="Rescue API base URL the agency calls back (None: no callbacks)"
    )
    callback_key: str | None = Field(
        default=None, description="Sent as X-Agency-Key on callbacks (the API's key for us)"
    )
    callback_attempts: int = Field(default=5, ge=1, description="Sends of one callback at most")
    callback_retry_pause_ms: int = Field(
        default=200, ge=0, description="Pause before retry n is n times this"
    )
    auto_dna_result_after_ms: int | None = Field(
        default=None, ge=0, description="Police: send a DNA result this long after each sample"
    )
    auto_dna_match: bool = Field(
        default=False, description="Police: whether automatic DNA results are matches"
    )


def require_api_key(request: Request) -> None:
    """Agency endpoints need ``X-Api-Key``: the agencies only answer known partners."""
    given = request.headers.get("x-api-key", "")
    expected = request.app.state.config.api_key
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise SimulatorError(401, "unauthorized", "接口密钥缺失或无效 (X-Api-Key required)")


def require_idempotency_key(value: str | None) -> str:
    """Issuing endpoints need an ``Idempotency-Key`` so that a retried call issues nothing new."""
    key = (value or "").strip()
    if not key or len(key) > 200:
        raise SimulatorError(
            422, "missing_idempotency_key", "缺少 Idempotency-Key 请求头 (1..200 characters)"
        )
    return key


def build_app(
    agency: str, title: str, config: SimulatorConfig, reset_agency: Callable[[], None]
) -> FastAPI:
    """The shell of a simulator; the agency module adds its routes to what this returns.

    ``reset_agency`` forgets the agency's own state; ``POST /admin/reset`` calls it (and
    forgets the callbacks sent). ``app.state.callbacks`` sends callbacks to the rescue API.
    """
    callbacks = CallbackSender(
        config.callback_url,
        config.callback_key,
        attempts=config.callback_attempts,
        retry_pause_ms=config.callback_retry_pause_ms,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await callbacks.aclose()

    def reset() -> None:
        reset_agency()
        callbacks.reset()

    app = FastAPI(title=title, version="0.1.0", lifespan=lifespan)
    app.state.agency = agency
    app.state.config = config
    app.state.faults = FaultState(config.faults.model_copy(), config.seed)
    app.state.callbacks = callbacks
    app.state.reset_agency = reset
    install_error_handlers(app)
    app.add_middleware(FaultMiddleware, faults=app.state.faults)
    app.include_router(admin_router)
    app.include_router(callbacks_router())

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness probe for the stack launcher (fails only when the agency is ``down``)."""
        return {"status": "ok", "agency": agency}

    return app
