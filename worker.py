"""The Temporal worker: case workflows and the activities that reach PostgreSQL and agencies.

Run as ``python worker.py`` (or ``rescue worker``); it exits through ``os._exit`` with its real status once
shut down, because the SDK sometimes aborts at interpreter exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import httpx
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.case_store import CaseStoreActivities
from activities.family_search import FamilySearchActivities
from activities.hospital import HospitalActivities, HttpHospitalAdapter
from activities.hotline_store import HotlineStoreActivities
from activities.missing_import import MissingImportActivities
from activities.network_store import NetworkStoreActivities
from activities.patrol_store import PatrolStoreActivities
from activities.police import HttpPoliceAdapter, PoliceActivities
from activities.reports_store import ReportsStoreActivities
from activities.transport import HttpTransportAdapter, TransportActivities
from db import heartbeats_repo
from db.pool import create_pool
from rescue.logs import setup_logging
from rescue.settings import Settings, load_settings
from rescue.temporal_client import connect
from workflows.family_search import FamilySearchWorkflow
from workflows.follow_up_workflow import FollowUpWorkflow
from workflows.hotline_report import HotlineReportWorkflow
from workflows.missing_import import MissingListImportWorkflow
from workflows.monthly_report import MonthlyReportWorkflow
from workflows.monthly_report_round import MonthlyReportRoundWorkflow
from workflows.patrol import PatrolWorkflow
from workflows.patrol_round import PatrolRoundWorkflow
from workflows.rescue_case import RescueCaseWorkflow
from workflows.treatment import TreatmentWorkflow

SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows", "domain"))
"""The sandbox takes the project's own workflow and domain modules as they are imported once
(they hold constants only) instead of executing them again for every workflow it starts: that
re-import was an eighth of the worker's CPU under load (issue 13). The stdlib and third-party
restrictions stay for everything else."""

STRICT_SANDBOX = SandboxedWorkflowRunner()
"""Every module re-imported in the sandbox, so a clock, a random number or I/O in our own
workflow code fails the workflow task at once: what the test suite runs (``strict_sandbox``),
as do the replay tests, so the speed of ``SANDBOX`` costs no determinism check."""


def workflow_runner(settings: Settings) -> SandboxedWorkflowRunner | UnsandboxedWorkflowRunner:
    """The strict sandbox for tests and drills, the fast one for production (or none, when
    ``workflow_sandbox`` is turned off)."""
    if settings.strict_sandbox:
        return STRICT_SANDBOX
    return SANDBOX if settings.workflow_sandbox else UnsandboxedWorkflowRunner()


HEARTBEAT_SECONDS = 5.0
"""How often a worker refreshes its row in ``worker_heartbeats`` (health allows three misses)."""

log = logging.getLogger("worker")

WORKFLOWS = [RescueCaseWorkflow, TreatmentWorkflow, FollowUpWorkflow,
             # issue 5: the network around the cases
             MonthlyReportWorkflow, MonthlyReportRoundWorkflow, HotlineReportWorkflow,
             PatrolWorkflow, PatrolRoundWorkflow,
             # issue 12: family search
             FamilySearchWorkflow, MissingListImportWorkflow]


@contextlib.asynccontextmanager
async def build_worker(settings: Settings, client: Client, database_url: str) -> AsyncIterator[Worker]:
    """A worker with every workflow and activity, its pool and HTTP client closed on exit."""
    pool = await create_pool(database_url)
    http = httpx.AsyncClient(timeout=httpx.Timeout(settings.activity_timeout_seconds))
    try:
        police = PoliceActivities(
            HttpPoliceAdapter(http, base_url=settings.police_url, api_key=settings.agency_api_key)
        )
        transport = TransportActivities(
            HttpTransportAdapter(http, base_url=settings.transport_url, api_key=settings.agency_api_key)
        )
        hospital = HospitalActivities(
            HttpHospitalAdapter(http, base_url=settings.hospital_url, api_key=settings.agency_api_key)
        )
        store = CaseStoreActivities(pool)
        heartbeat = asyncio.create_task(_heartbeat(pool, settings.task_queue))
        try:
            yield _worker(client, settings, pool, store, police, transport, hospital)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await heartbeat
    finally:
        await http.aclose()
        await pool.close()


def _worker(client: Client, settings: Settings, pool: asyncpg.Pool, store: CaseStoreActivities,
            police: PoliceActivities, transport: TransportActivities,
            hospital: HospitalActivities) -> Worker:
    """The Temporal worker with every workflow and activity of the project."""
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(settings),
        activities=[
            *store.all(),
            *NetworkStoreActivities(pool).all(),
            *ReportsStoreActivities(pool).all(),
            *HotlineStoreActivities(pool).all(),
            *PatrolStoreActivities(pool).all(),
            *FamilySearchActivities(pool).all(),
            *MissingImportActivities(pool, client, settings.task_queue).all(),
            police.lookup_household,
            police.search_by_features,
            police.submit_dna_sample,
            police.register_psychiatric_patient,
            police.report_lost_contact,
            hospital.request_emergency_pickup,
            hospital.admit_to_hospital,
            hospital.pay_settlement,
            transport.exchange_ticket,
        ],
    )


async def _heartbeat(pool: asyncpg.Pool, task_queue: str) -> None:
    """Refresh this process's row in ``worker_heartbeats`` until cancelled, then remove it.

    /healthz counts fresh rows: a SIGKILLed worker stops beating and is not counted after
    15 s, whereas Temporal lists its pollers for minutes. The database's clock is used.
    """
    worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    failing, pruned = False, False
    try:
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT_SECONDS):
                    async with pool.acquire() as conn:
                        await heartbeats_repo.beat(conn, worker_id=worker_id,
                                                   task_queue=task_queue,
                                                   host=socket.gethostname(), pid=os.getpid())
                        if pruned is False:  # rows of workers killed long ago
                            await heartbeats_repo.prune(conn)
                            pruned = True
                if failing:
                    log.info("worker heartbeat written again")
                failing = False
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                if not failing:
                    log.warning("worker heartbeat not written: %s", type(exc).__name__)
                failing = True
            await asyncio.sleep(HEARTBEAT_SECONDS)
    finally:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                async with pool.acquire() as conn:
                    await heartbeats_repo.forget(conn, worker_id=worker_id)


async def _main(settings: Settings) -> None:
    if not settings.database_url:
        raise SystemExit("RESCUE_DATABASE_URL is required for the worker")
    client = await connect(settings, runtime=_runtime(settings))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from rescue.schedules import ensure_schedules

    await ensure_schedules(client, settings)  # idempotent: the monthly report round, patrols
    async with build_worker(settings, client, settings.database_url) as worker:
        async with worker:
            logging.info("worker polling task queue %s", settings.task_queue)
            await stop.wait()


def _runtime(settings: Settings) -> Runtime | None:
    """The SDK's runtime with its metrics (task slots, poll and schedule-to-start latencies,
    activity failures…) served for Prometheus on the worker metrics port, unless it is 0."""
    if not settings.worker_metrics_port:
        return None
    bind = f"{settings.metrics_host}:{settings.worker_metrics_port}"
    try:
        runtime = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind)))
    except ValueError as exc:  # the port is taken: cases matter more than their metrics
        log.error("worker metrics not served on %s (%s): the worker runs without them; "
                  "free the port or set RESCUE_WORKER_METRICS_PORT", bind, exc)
        return None
    log.info("worker metrics on http://%s/metrics", bind)
    return runtime


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (the API's too): the SDK hands every activation result across
    threads, and uvloop's wake-ups and I/O cost less CPU than the standard loop's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main() -> None:
    settings = load_settings()
    setup_logging(settings, "worker")
    status = 0
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_main(settings))
    except SystemExit as exc:
        logging.error("%s", exc)
        status = 1
    except Exception:
        logging.exception("worker failed")
        status = 1
    os._exit(status)


if __name__ == "__main__":
    main()
