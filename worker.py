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
from collections.abc import AsyncIterator

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from activities.case_store import CaseStoreActivities
from activities.hospital import HospitalActivities, HttpHospitalAdapter
from activities.hotline_store import HotlineStoreActivities
from activities.network_store import NetworkStoreActivities
from activities.patrol_store import PatrolStoreActivities
from activities.police import HttpPoliceAdapter, PoliceActivities
from activities.reports_store import ReportsStoreActivities
from activities.transport import HttpTransportAdapter, TransportActivities
from db.pool import create_pool
from rescue.settings import Settings, load_settings
from rescue.temporal_client import connect
from workflows.follow_up_workflow import FollowUpWorkflow
from workflows.hotline_report import HotlineReportWorkflow
from workflows.monthly_report import MonthlyReportWorkflow
from workflows.monthly_report_round import MonthlyReportRoundWorkflow
from workflows.patrol import PatrolWorkflow
from workflows.patrol_round import PatrolRoundWorkflow
from workflows.rescue_case import RescueCaseWorkflow
from workflows.treatment import TreatmentWorkflow

WORKFLOWS = [RescueCaseWorkflow, TreatmentWorkflow, FollowUpWorkflow,
             # issue 5: the network around the cases
             MonthlyReportWorkflow, MonthlyReportRoundWorkflow, HotlineReportWorkflow,
             PatrolWorkflow, PatrolRoundWorkflow]


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
        yield Worker(
            client,
            task_queue=settings.task_queue,
            workflows=WORKFLOWS,
            activities=[
                *store.all(),
                *NetworkStoreActivities(pool).all(),
                *ReportsStoreActivities(pool).all(),
                *HotlineStoreActivities(pool).all(),
                *PatrolStoreActivities(pool).all(),
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
    finally:
        await http.aclose()
        await pool.close()


async def _main(settings: Settings) -> None:
    if not settings.database_url:
        raise SystemExit("RESCUE_DATABASE_URL is required for the worker")
    client = await connect(settings)
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


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    status = 0
    try:
        asyncio.run(_main(load_settings()))
    except SystemExit as exc:
        logging.error("%s", exc)
        status = 1
    except Exception:
        logging.exception("worker failed")
        status = 1
    os._exit(status)


if __name__ == "__main__":
    main()
