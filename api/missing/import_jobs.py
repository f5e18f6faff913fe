"""Imports of the police's missing-person list as jobs: the upload checks every row (rejected
ones reported with their row number and reason), stores the job, its good rows and the start of
its MissingListImportWorkflow in one transaction, and answers at once; the workflow registers
the rows batch by batch, and the job's progress is read from its rows (db/import_jobs_repo.py).
The start goes through the outbox, so a job stored while Temporal is away starts when it is
back."""

from __future__ import annotations

import asyncio
import re
import uuid

import asyncpg
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.audit.trail import audit
from api.auth.network_access import within
from api.context import AppContext
from api.errors import ApiError
from api.missing import imports
from api.missing.service import IMPORTS
from api.outbox.relay import NotYet, Outcome
from db import import_jobs_repo, outbox_repo
from db.outbox_repo import OutboxItem
from db.users_repo import UserRecord
from domain.missing_import import ImportJob, MissingListImportInput, import_workflow_id
from workflows.missing_import import MissingListImportWorkflow

IMPORT_MAX_BYTES = 10 * 1024 * 1024
"""The largest police list read in one upload."""

_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Controls (PostgreSQL refuses NUL) and lone surrogates are left out of the file name and the
reasons (which quote the cell refused) stored with the job."""


def _clean(text: str) -> str:
    return _NOT_IN_NAME.sub("", text)

KIND = "start_missing_import"
"""Outbox kind of a stored import's workflow start."""
START_WAIT_SECONDS = 4.0
START_TIMEOUT_SECONDS = 5.0


def require_imports(user: UserRecord) -> None:
    if user.role not in IMPORTS:
        raise ApiError(403, "forbidden", "公安失踪人员名单由公安或救助站导入")


async def import_list(ctx: AppContext, user: UserRecord, data: bytes, filename: str,
                      client: str | None) -> ImportJob:
    """Check the list and store it as a job whose rows the workflow registers."""
    require_imports(user)
    if len(data) > IMPORT_MAX_BYTES:
        raise ApiError(413, "file_too_large", "文件过大（不超过10 MB），请分批导入")
    total, refused, good = await asyncio.to_thread(imports.checked_rows, data, filename)
    rejected = [imports.rejection(r.row, _clean(r.reason)) for r in refused]
    job_id = uuid.uuid4()
    workflow_id = import_workflow_id(str(job_id))
    async with ctx.pool.acquire() as conn:
        async with conn.transaction():
            await import_jobs_repo.create_job(conn, job_id=job_id, node_id=user.node_id,
                                              created_by=user.username, filename=_clean(filename)[:200],
                                              total=total, rejected=rejected, rows=good)
            outbox_id = await outbox_repo.add(
                conn, workflow_id=workflow_id, kind=KIND, name="MissingListImportWorkflow",
                payload={"task_queue": ctx.settings.task_queue, "job_id": str(job_id)},
                dedupe_key=str(job_id))
        await audit(conn, user, action="import_missing_reports", subject=f"node:{user.node_id}",
                    allowed=True, client=client,
                    detail=f"job={job_id} rows={total} valid={len(good)} rejected={len(rejected)}")
    from api.outbox.deliverers import relay_of  # the deliverers import this module

    await relay_of(ctx).deliver_now(workflow_id, outbox_id, START_WAIT_SECONDS)
    return await get_import(ctx, user, str(job_id))


async def get_import(ctx: AppContext, user: UserRecord, job_id: str) -> ImportJob:
    """The job and how far it has come (only within the caller's subtree)."""
    require_imports(user)
    try:
        jid = uuid.UUID(job_id)
    except ValueError:
        raise ApiError(404, "import_not_found", "找不到该名单导入") from None
    async with ctx.pool.acquire() as conn:
        row = await import_jobs_repo.job_row(conn, jid)
        if row is None or not within(user, row["node_path"]):
            raise ApiError(404, "import_not_found", "找不到该名单导入")
        return import_jobs_repo.job_of(row, await import_jobs_repo.counts(conn, jid))


async def start_import_workflow(client: Client, *, task_queue: str, job_id: str) -> None:
    """Start the job's workflow unless it exists (running or closed): idempotent."""
    try:
        await client.start_workflow(
            MissingListImportWorkflow.run, MissingListImportInput(job_id=job_id),
            id=import_workflow_id(job_id), task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        pass


async def deliver_import_start(client: Client, conn: asyncpg.Connection, item: OutboxItem) -> Outcome:
    """The relay's deliverer for stored import starts."""
    try:
        async with asyncio.timeout(START_TIMEOUT_SECONDS):
            await start_import_workflow(client, task_queue=item.payload["task_queue"],
                                        job_id=item.payload["job_id"])
    except (RPCError, TimeoutError, RuntimeError) as exc:
        raise NotYet(type(exc).__name__) from None
    return Outcome.DELIVERED
