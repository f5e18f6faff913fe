"""Starting a case's workflow: now, or through the outbox when Temporal cannot take it.

A report is recorded in PostgreSQL first (``case_reports``); if its workflow cannot be started
then, the start is stored in the outbox and the relay starts it when Temporal is back. The
workflow id is the case's business key and duplicates are rejected, so a start that is tried
twice (by the request and the relay, or by two relays) opens one workflow.
"""

from __future__ import annotations

import asyncio

import asyncpg
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.outbox.relay import NotYet, Outcome
from db import outbox_repo
from db.outbox_repo import OutboxItem
from domain.case import RescueCaseInput
from domain.enums import Stage
from workflows import search_attributes as sa
from workflows.rescue_case import RescueCaseWorkflow

KIND = "start_case"
START_TIMEOUT_SECONDS = 5.0


async def start_case_workflow(client: Client, *, task_queue: str, workflow_id: str,
                              inp: RescueCaseInput) -> None:
    """Start the case's workflow unless it exists (running or closed): idempotent."""
    try:
        await client.start_workflow(
            RescueCaseWorkflow.run, inp, id=workflow_id, task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes([
                SearchAttributePair(sa.STAGE, Stage.ADMISSION.value),
                SearchAttributePair(sa.NODE, inp.station_node_id),
                SearchAttributePair(sa.OVERDUE, False)]),
        )
    except WorkflowAlreadyStartedError:
        pass  # the case ran and closed already: the report still maps to it


async def queue_case_start(conn: asyncpg.Connection, *, task_queue: str, workflow_id: str,
                           inp: RescueCaseInput, report_id: str) -> int | None:
    """Store the start for the relay (the report itself is already recorded), unless one
    is already waiting; returns the outbox row's id (None: one was waiting)."""
    return await outbox_repo.add_once(conn, workflow_id=workflow_id, kind=KIND,
                                      name="RescueCaseWorkflow",
                                      payload={"task_queue": task_queue,
                                               "input": inp.model_dump(mode="json")},
                                      dedupe_key=report_id)


async def deliver_case_start(client: Client, conn: asyncpg.Connection, item: OutboxItem) -> Outcome:
    """The relay's deliverer for stored case starts."""
    inp = RescueCaseInput.model_validate(item.payload["input"])
    try:
        async with asyncio.timeout(START_TIMEOUT_SECONDS):
            await start_case_workflow(client, task_queue=item.payload["task_queue"],
                                      workflow_id=item.workflow_id, inp=inp)
    except (RPCError, TimeoutError, RuntimeError) as exc:
        raise NotYet(type(exc).__name__) from None
    return Outcome.DELIVERED
