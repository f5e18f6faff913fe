"""Callbacks from a simulated agency to the rescue API: answers that arrive later, on their own.

A real agency calls back days or months after the request (a DNA comparison, a discharge);
the simulator does it in a background task when an admin endpoint (or its config) says so.
Delivery retries a few times while the API is unreachable or answers 5xx/429, then gives up;
a 4xx refusal is final. Bodies are never logged (personal data), only ids and statuses.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from simulators.errors import SimulatorError
from simulators.faults import require_admin

log = logging.getLogger("simulators.callbacks")

CALLBACK_PREFIX = "/api/v1/agency"


class Delivery(BaseModel):
    """One send of one callback as the simulator tracked it (for tests and the operator)."""

    callback_id: str
    path: str
    outcome: Literal["pending", "delivered", "refused", "gave_up"] = "pending"
    attempts: int = 0
    status_code: int | None = None
    """The API's last answer, or null when it could not be reached."""
    finished_at: datetime | None = None


class CallbackSender:
    """Sends callbacks to ``callback_url`` with ``X-Agency-Key: callback_key`` in the background."""

    def __init__(
        self,
        callback_url: str | None,
        callback_key: str | None,
        *,
        attempts: int,
        retry_pause_ms: int,
    ) -> None:
        self.callback_url = callback_url.rstrip("/") if callback_url else None
        self.callback_key = callback_key
        self.attempts = attempts
        self.retry_pause = retry_pause_ms / 1000
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def require_configured(self) -> None:
        """Refuse an admin trigger when there is nowhere to send the callback."""
        if not self.callback_url:
            raise SimulatorError(
                409, "callback_not_configured", "未配置回调地址 (start with --callback-url)"
            )

    def send(
        self, path: str, body: dict[str, Any], *, delay_ms: int = 0, repeat: int = 1
    ) -> list[Delivery]:
        """Schedule ``repeat`` sends of the same body (same callback id) after ``delay_ms``.

        Returns at once; the sends happen one after another in a background task.
        """
        self.require_configured()
        deliveries = [
            Delivery(callback_id=str(body["callback_id"]), path=path) for _ in range(repeat)
        ]
        self.deliveries.extend(deliveries)
        task = asyncio.create_task(self._run(path, body, delay_ms, deliveries))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return deliveries

    async def _run(
        self, path: str, body: dict[str, Any], delay_ms: int, deliveries: list[Delivery]
    ) -> None:
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        headers = {"X-Agency-Key": self.callback_key} if self.callback_key else {}
        url = f"{self.callback_url}{CALLBACK_PREFIX}{path}"
        async with httpx.AsyncClient(timeout=10) as client:
            for delivery in deliveries:
                await self._deliver(client, url, body, headers, delivery)

    async def _deliver(
        self,
        client: httpx.AsyncClient,
        url: str,
        body: dict[str, Any],
        headers: dict[str, str],
        delivery: Delivery,
    ) -> None:
        for attempt in range(1, self.attempts + 1):
            delivery.attempts = attempt
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                delivery.status_code = None
                log.warning(
                    "callback %s to %s failed (attempt %d): %s",
                    delivery.callback_id,
                    delivery.path,
                    attempt,
                    type(exc).__name__,
                )
            else:
                delivery.status_code = response.status_code
                if response.is_success:
                    self._finish(delivery, "delivered")
                    return
                if response.status_code < 500 and response.status_code != 429:
                    log.warning(
                        "callback %s to %s refused: %d",
                        delivery.callback_id,
                        delivery.path,
                        response.status_code,
                    )
                    self._finish(delivery, "refused")
                    return
            if attempt < self.attempts:
                await asyncio.sleep(self.retry_pause * attempt)
        log.error(
            "callback %s to %s given up after %d attempts",
            delivery.callback_id,
            delivery.path,
            self.attempts,
        )
        self._finish(delivery, "gave_up")

    @staticmethod
    def _finish(delivery: Delivery, outcome: Literal["delivered", "refused", "gave_up"]) -> None:
        delivery.outcome = outcome
        delivery.finished_at = datetime.now(UTC)

    def reset(self) -> None:
        """Forget the deliveries and stop the ones still pending."""
        for task in list(self._tasks):
            task.cancel()
        self.deliveries = []

    async def aclose(self) -> None:
        """Stop pending deliveries (at shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def callbacks_router() -> APIRouter:
    """``GET /admin/callbacks``: every delivery and its outcome, oldest first."""
    router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])

    @router.get("/callbacks")
    async def list_deliveries(request: Request) -> list[Delivery]:
        """What the simulator sent back to the rescue API and how it went."""
        return list(request.app.state.callbacks.deliveries)

    return router
