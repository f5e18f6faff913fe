"""The police's list registered in the background, batch by batch (MissingListImportWorkflow).

A batch registers its rows and sets each row's outcome in one transaction, then starts the
family search of every registered row whose search has not been started (once per report: a
search already started is not started again). Run twice on the same job, it changes nothing
twice: rows with an outcome are not read again and the counts come from the rows."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import asyncpg
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from db import import_jobs_repo, missing_repo
from domain.missing import MissingReportInput
from domain.missing_import import (
    FINISH_IMPORT,
    IMPORT_BATCH,
    ImportBatchInput,
    ImportCounts,
)
from domain.missing_match import FamilySearchInput
from workflows.family_search import FamilySearchWorkflow, family_search_workflow_id

STARTS_AT_ONCE = 25
"""Family searches started together (each start is one call to Temporal)."""


def _beat() -> None:
    if activity.in_activity():
        activity.heartbeat()


async def start_family_search(client: Client, task_queue: str, report_id: str, report_number: str) -> None:
    """Match a new report with the people in care (FamilySearchWorkflow, once per report)."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            FamilySearchWorkflow.run, FamilySearchInput(report_id=report_id, report_number=report_number),
            id=family_search_workflow_id(report_number), task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)


async def import_batch(pool: asyncpg.Pool, client: Client, task_queue: str, job_id: uuid.UUID,
                       size: int) -> ImportCounts:
    """Register the job's next ``size`` rows, start their family searches; the job's counts."""
    async with pool.acquire() as conn:
        job = await import_jobs_repo.job_row(conn, job_id)
        if job is None:
            return ImportCounts()
        async with conn.transaction():
            for row in await import_jobs_repo.waiting_rows(conn, job_id, size):
                body = MissingReportInput.model_validate(row["body"])
                report_id = await missing_repo.insert_report(conn, body=body, node_id=job["node_id"],
                                                             created_by=job["created_by"])
                await import_jobs_repo.set_outcome(conn, job_id, row["row_no"], report_id)
                _beat()
        waiting = await import_jobs_repo.unmatched(conn, job_id)
        for at in range(0, len(waiting), STARTS_AT_ONCE):
            chunk = waiting[at:at + STARTS_AT_ONCE]
            await asyncio.gather(*(start_family_search(client, task_queue, str(r["report_id"]),
                                                       r["report_number"]) for r in chunk))
            await import_jobs_repo.mark_matching_started(conn, job_id, [r["row_no"] for r in chunk])
            _beat()
        return await import_jobs_repo.counts(conn, job_id)


async def finish_import(pool: asyncpg.Pool, job_id: uuid.UUID) -> ImportCounts:
    """Mark the job done; its final counts."""
    async with pool.acquire() as conn:
        await import_jobs_repo.finish(conn, job_id)
        return await import_jobs_repo.counts(conn, job_id)


class MissingImportActivities:
    """The import's activities; handed the pool and the Temporal client (to start searches)."""

    def __init__(self, pool: asyncpg.Pool, client: Client, task_queue: str):
        self._pool = pool
        self._client = client
        self._task_queue = task_queue

    @activity.defn(name=IMPORT_BATCH)
    async def import_batch(self, inp: ImportBatchInput) -> ImportCounts:
        return await import_batch(self._pool, self._client, self._task_queue, uuid.UUID(inp.job_id), inp.size)

    @activity.defn(name=FINISH_IMPORT)
    async def finish_import(self, inp: ImportBatchInput) -> ImportCounts:
        return await finish_import(self._pool, uuid.UUID(inp.job_id))

    def all(self) -> list[Any]:
        return [self.import_batch, self.finish_import]
