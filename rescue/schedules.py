"""The Temporal Schedules of the network, created idempotently when the worker starts:
the monthly round that opens every locality's report (and, with the patrols, key-day patrols).
"""

from __future__ import annotations

import logging

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
)

from domain.monthly_report import MonthlyReportRoundInput, report_policy
from domain.patrol import KEY_DAYS, PatrolRoundInput
from rescue.settings import Settings
from workflows.monthly_report_round import MonthlyReportRoundWorkflow
from workflows.patrol_round import PatrolRoundWorkflow

MONTHLY_REPORT_SCHEDULE = "rescue-monthly-report-round"
KEY_DAY_PATROL_SCHEDULE = "rescue-key-day-patrols"
TIME_ZONE = "Asia/Shanghai"

log = logging.getLogger("rescue.schedules")


def monthly_report_schedule(settings: Settings) -> Schedule:
    """On the policy's opening day of each month, 08:00 China time: open every locality's report."""
    policy = report_policy(settings.policy)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            MonthlyReportRoundWorkflow.run, MonthlyReportRoundInput(policy_name=policy.name),
            id="monthly-report-round", task_queue=settings.task_queue),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(day_of_month=[ScheduleRange(policy.opens_on_day)],
                                            hour=[ScheduleRange(8)], minute=[ScheduleRange(0)],
                                            second=[ScheduleRange(0)])],
            time_zone_name=TIME_ZONE),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


def key_day_patrol_schedule(settings: Settings) -> Schedule:
    """On each key day (KEY_DAYS), 18:00 China time: a joint patrol in every county/district."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            PatrolRoundWorkflow.run, PatrolRoundInput(policy_name=settings.policy),
            id="patrol-round", task_queue=settings.task_queue),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(month=[ScheduleRange(m)], day_of_month=[ScheduleRange(d)],
                                            hour=[ScheduleRange(18)], minute=[ScheduleRange(0)],
                                            second=[ScheduleRange(0)]) for m, d in KEY_DAYS],
            time_zone_name=TIME_ZONE),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_schedules(client: Client, settings: Settings) -> list[str]:
    """Create the schedules that do not exist yet; answers the ids created now."""
    created = []
    for schedule_id, schedule in (
            (_id(settings, MONTHLY_REPORT_SCHEDULE), monthly_report_schedule(settings)),
            (_id(settings, KEY_DAY_PATROL_SCHEDULE), key_day_patrol_schedule(settings))):
        try:
            await client.create_schedule(schedule_id, schedule)
            created.append(schedule_id)
        except ScheduleAlreadyRunningError:
            pass
    if created:
        log.info("created schedules %s", ", ".join(created))
    return created


def _id(settings: Settings, base: str) -> str:
    # One schedule per task queue, so test suites sharing a server keep theirs apart.
    return base if settings.task_queue == "rescue-cases" else f"{base}:{settings.task_queue}"
