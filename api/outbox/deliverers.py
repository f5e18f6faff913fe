"""The relay's deliverers, by outbox kind."""

from __future__ import annotations

from api.agency import delivery
from api.cases import starter
from api.context import AppContext
from api.missing import import_jobs
from api.outbox.relay import Deliverer, Relay

DELIVERERS: dict[str, Deliverer] = {
    delivery.KIND: delivery.deliver_signal,
    starter.KIND: starter.deliver_case_start,
    import_jobs.KIND: import_jobs.deliver_import_start,
}


def relay_of(ctx: AppContext) -> Relay:
    """The process's relay, or one for this context (a context built by hand, in tests)."""
    return ctx.relay or Relay(ctx.pool, ctx.temporal, DELIVERERS)
