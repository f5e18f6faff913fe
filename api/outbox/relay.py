"""The relay: delivers what the API stored in the outbox to the workflows, until Temporal
takes it.

Every API process runs one relay (see ``api.app``). Rows of one workflow go in order: only the
oldest pending row of a workflow is ever fetched, and a failed one is retried (with backoff)
before the next is tried. Several relays share the table through ``FOR UPDATE SKIP LOCKED``,
so a row is in one relay's hands at a time. A row delivered but not yet marked (the process
died in between) is delivered again: the workflows ignore a callback id they have seen, and a
case workflow is started with reject-duplicate ids, so nothing happens twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum

import asyncpg
from prometheus_client import Counter, Gauge
from temporalio.client import Client

from db import outbox_repo
from db.outbox_repo import OutboxItem

log = logging.getLogger("rescue.outbox")

DELIVERED = Counter("rescue_outbox_delivered_total",
                    "Outbox messages finished, by kind and outcome", ["kind", "outcome"])
DEFERRED = Counter("rescue_outbox_deferred_total",
                   "Delivery attempts that failed and will be retried", ["kind"])
BACKLOG = Gauge("rescue_outbox_pending", "Outbox messages not yet delivered")

MAX_BACKOFF_SECONDS = 30.0


class Outcome(StrEnum):
    """How a message ended."""

    DELIVERED = "delivered"  # the workflow has it
    UNKNOWN_CASE = "unknown_case"  # no such workflow: never deliverable
    CASE_CLOSED = "case_closed"  # the workflow has ended: never deliverable


class NotYet(Exception):
    """Temporal (or the worker) cannot take the message now: try again later."""


Deliverer = Callable[[Client, asyncpg.Connection, OutboxItem], Awaitable[Outcome]]
"""Sends one message; returns its outcome or raises :class:`NotYet`. Given the relay's
connection (inside the transaction holding the row) for bookkeeping of its own."""


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: 1, 2, 4 … 30."""
    return min(2.0 ** attempts, MAX_BACKOFF_SECONDS)


class Relay:
    """Delivers due outbox rows with the deliverer registered for their kind."""

    def __init__(self, pool: asyncpg.Pool, client: Client, deliverers: Mapping[str, Deliverer],
                 *, batch: int = 20, poll_seconds: float = 1.0) -> None:
        self._pool = pool
        self._client = client
        self._deliverers = dict(deliverers)
        self._batch = batch
        self._poll = poll_seconds
        self._wake = asyncio.Event()
        self._last_warning = 0.0

    def wake(self) -> None:
        """Look at the outbox now (something was just stored)."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled; a database or Temporal outage only slows it down."""
        while True:
            try:
                while await self.deliver_due() > 0:
                    pass  # rows finished: the next row of the same workflows may be due now
                async with self._pool.acquire() as conn:
                    pending, _ = await outbox_repo.backlog(conn)
                BACKLOG.set(pending)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the relay outlives any outage
                self._warn(f"outbox relay paused: {type(exc).__name__}")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            except TimeoutError:
                pass

    async def deliver_due(self, *, workflow_id: str | None = None) -> int:
        """One round: lock the due rows (the first pending of each workflow), deliver each;
        return how many finished. With ``workflow_id``, that workflow's only."""
        finished = 0
        async with self._pool.acquire() as conn, conn.transaction():
            items = await outbox_repo.lock_due(conn, limit=self._batch, workflow_id=workflow_id)
            for item in items:
                deliver = self._deliverers.get(item.kind)
                try:
                    if deliver is None:
                        raise NotYet(f"no deliverer for kind {item.kind}")
                    outcome = await deliver(self._client, conn, item)
                except NotYet as exc:
                    DEFERRED.labels(item.kind).inc()
                    await outbox_repo.retry_later(conn, outbox_id=item.outbox_id,
                                                  error=str(exc) or "temporal unavailable",
                                                  delay_seconds=backoff(item.attempts))
                    continue
                await outbox_repo.finish(conn, outbox_id=item.outbox_id, outcome=outcome.value)
                DELIVERED.labels(item.kind, outcome.value).inc()
                where = {"outbox_id": item.outbox_id, "workflow_id": item.workflow_id}
                if outcome is Outcome.DELIVERED:
                    log.info("outbox message delivered after %d failed attempt(s)",
                             item.attempts, extra=where)
                else:
                    log.warning("outbox message undeliverable: %s", outcome.value, extra=where)
                finished += 1
        return finished

    async def deliver_now(self, workflow_id: str, outbox_id: int,
                          timeout: float) -> outbox_repo.OutboxState | None:  # noqa: ASYNC109
        """Try to deliver ``workflow_id``'s rows up to ``outbox_id`` within ``timeout`` s (the
        request that stored it waits this long); return the row's state then."""
        try:
            async with asyncio.timeout(timeout):
                for _ in range(20):  # earlier rows of the case first, one per round
                    async with self._pool.acquire() as conn:
                        state = await outbox_repo.get(conn, outbox_id=outbox_id)
                    if state is None or state.finished_at is not None:
                        return state
                    if await self.deliver_due(workflow_id=workflow_id) == 0:
                        break  # held by another relay, or not due: leave it to the loop
        except TimeoutError:
            pass
        async with self._pool.acquire() as conn:
            return await outbox_repo.get(conn, outbox_id=outbox_id)

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if now - self._last_warning > 10:
            self._last_warning = now
            log.warning(message)
