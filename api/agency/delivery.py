"""Delivering a stored agency callback to its workflow: the relay's deliverer for signals."""

from __future__ import annotations

import asyncio

import asyncpg
from pydantic import BaseModel
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.outbox.relay import NotYet, Outcome
from db.callbacks_repo import mark_signalled
from db.outbox_repo import OutboxItem
from domain.callbacks import (
    SIGNAL_DNA_RESULT,
    SIGNAL_HOSPITAL_DISCHARGE,
    SIGNAL_SETTLEMENT_VOUCHER,
    DnaResult,
    HospitalDischarge,
    SettlementVoucher,
)

KIND = "signal"
SEND_TIMEOUT_SECONDS = 3.0
"""One attempt's limit; the relay tries again later, so no request waits long for Temporal."""

SIGNAL_AGENCY = {SIGNAL_DNA_RESULT: "police", SIGNAL_HOSPITAL_DISCHARGE: "hospital",
                 SIGNAL_SETTLEMENT_VOUCHER: "hospital"}
"""Whose callback each signal carries (callback ids are scoped per agency)."""

SIGNAL_MODELS: dict[str, type[BaseModel]] = {
    SIGNAL_DNA_RESULT: DnaResult,
    SIGNAL_HOSPITAL_DISCHARGE: HospitalDischarge,
    SIGNAL_SETTLEMENT_VOUCHER: SettlementVoucher,
}


async def deliver_signal(client: Client, conn: asyncpg.Connection, item: OutboxItem) -> Outcome:
    """Signal the workflow; a workflow that does not exist or has closed is an outcome, any
    other failure is :class:`NotYet`. The callback's dedupe row is marked signalled."""
    body = SIGNAL_MODELS[item.name].model_validate(item.payload)
    handle = client.get_workflow_handle(item.workflow_id)
    try:
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            await handle.signal(item.name, body)
        await mark_signalled(conn, agency=SIGNAL_AGENCY[item.name],
                             callback_id=item.payload["callback_id"])
        return Outcome.DELIVERED
    except (TimeoutError, RuntimeError) as exc:  # RuntimeError: the client cannot (re)connect
        raise NotYet(type(exc).__name__) from None
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise NotYet(f"{exc.status.name if exc.status else 'rpc'}: {exc.message}") from None
    try:  # not found: no such workflow, or it has closed
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            await handle.describe()
    except (TimeoutError, RuntimeError) as exc:
        raise NotYet(type(exc).__name__) from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return Outcome.UNKNOWN_CASE
        raise NotYet(f"{exc.status.name if exc.status else 'rpc'}: {exc.message}") from None
    return Outcome.CASE_CLOSED
