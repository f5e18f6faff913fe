"""The versioned policy: every duration and count a case depends on.

A policy is passed into each workflow at start, so a running case keeps the policy it began
with, and tests run a year of follow-ups in seconds with :data:`COMPRESSED`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from pydantic import BaseModel, Field

from rescue.domain.enums import TaskKind


class Policy(BaseModel):
    """Durations and counts of the rescue process."""

    name: str
    version: int = 1

    utc_offset_hours: int = 8
    """Local time of the city (China Standard Time has no daylight saving): what "today" means."""
    adult_age: int = 18
    """Age from which a person is not a minor (未成年人: under 18)."""
    elderly_age: int = 60

    task_deadlines: dict[TaskKind, timedelta]
    """How long each kind of task may stay open before it is overdue and escalated."""
    escalation_repeat: timedelta
    """After a missed deadline, how often the escalation is repeated while the task stays open."""

    follow_up_interval: timedelta
    """Time between follow-up visits (a quarter by the plan)."""
    follow_up_visits: int = Field(default=4, ge=1)
    """Visits before the follow-up ends (the follow-up workflow will decide this by a task)."""

    agency_call_timeout: timedelta = timedelta(seconds=10)
    """Start-to-close timeout of one call to an agency system; Temporal retries past it."""
    agency_retry_max_interval: timedelta = timedelta(minutes=1)
    """Longest pause between retries of a failing agency call."""

    update_settle_timeout: timedelta = timedelta(seconds=10)
    """How long a task completion waits for the case to reach its next step before answering."""

    def deadline_for(self, kind: TaskKind) -> timedelta:
        return self.task_deadlines[kind]

    def local_date(self, moment: datetime) -> date:
        """The city's calendar date at ``moment`` (deadlines, ages and travel dates use it)."""
        return moment.astimezone(timezone(timedelta(hours=self.utc_offset_hours))).date()


STANDARD = Policy(
    name="standard",
    task_deadlines={
        TaskKind.REGISTRATION: timedelta(hours=24),
        TaskKind.IDENTITY_CONFIRMATION: timedelta(days=3),
        TaskKind.TICKET_VOUCHER: timedelta(days=2),
        TaskKind.HANDOVER_RECEIPT: timedelta(days=7),
        TaskKind.FOLLOW_UP_VISIT: timedelta(days=14),
    },
    escalation_repeat=timedelta(days=1),
    follow_up_interval=timedelta(days=91),
    follow_up_visits=4,
)

COMPRESSED = Policy(
    name="compressed",
    task_deadlines={
        TaskKind.REGISTRATION: timedelta(minutes=10),
        TaskKind.IDENTITY_CONFIRMATION: timedelta(minutes=10),
        TaskKind.TICKET_VOUCHER: timedelta(minutes=10),
        TaskKind.HANDOVER_RECEIPT: timedelta(minutes=10),
        TaskKind.FOLLOW_UP_VISIT: timedelta(minutes=10),
    },
    escalation_repeat=timedelta(minutes=5),
    follow_up_interval=timedelta(seconds=2),
    follow_up_visits=1,
    agency_call_timeout=timedelta(seconds=5),
    agency_retry_max_interval=timedelta(seconds=1),
)

POLICIES: dict[str, Policy] = {p.name: p for p in (STANDARD, COMPRESSED)}


def policy_named(name: str) -> Policy:
    """The policy of that name; a clear error for an unknown one."""
    try:
        return POLICIES[name]
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; known: {sorted(POLICIES)}") from None
