"""The versioned policy: every duration and count a case depends on.

A policy is passed into each workflow at start, so a running case keeps the policy it began
with, and tests run a year of follow-ups in seconds with :data:`COMPRESSED`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from pydantic import BaseModel, Field

from domain.enums import TaskKind


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
    """After a missed deadline, how often the supervisor is reminded during the first week."""
    escalation_weekly_after: timedelta = timedelta(days=7)
    """Overdue this long, reminders slow down to ``escalation_weekly_repeat``."""
    escalation_weekly_repeat: timedelta = timedelta(days=7)
    escalation_monthly_after: timedelta = timedelta(days=35)
    """Overdue this long, reminders slow down to ``escalation_monthly_repeat`` for good."""
    escalation_monthly_repeat: timedelta = timedelta(days=30)

    follow_up_interval: timedelta
    """Time between follow-up visits (a quarter by the plan)."""
    follow_up_visits: int = Field(default=4, ge=1)
    """Visits of the foundation's linear follow-up (cases started before the lifecycle v2)."""

    guided_arrival_wait: timedelta = timedelta(hours=24)
    """How long a guided adult may take to reach the station before the case expires."""
    family_search_notice_within: timedelta = timedelta(hours=24)
    """Identity unknown: the family-search notice is published within this (regulation: 24 h)."""
    identity_search_interval: timedelta = timedelta(days=30)
    """Time between repeated household lookups while identity stays unknown."""
    stay_limit: timedelta = timedelta(days=10)
    """Past this without identity the case becomes a long-term stay (regulation: 10 days)."""
    discharge_wait: timedelta = timedelta(days=30)
    """How long a hospital stay may last before the station is asked to follow it up."""
    settlement_window: timedelta = timedelta(days=90)
    """After discharge, how long a treatment waits for the hospital's settlement vouchers."""
    lost_contact_after: timedelta = timedelta(days=365)
    """Out of contact with the family this long: the community reports it to the police."""
    follow_up_visits_per_run: int = Field(default=8, ge=1)
    """Visits per follow-up workflow run before continue-as-new keeps its history small."""
    follow_up_max_visits: int = Field(default=12, ge=1)
    """After this many visits the liaison is asked to decide; the follow-up never ends silently."""

    agency_call_timeout: timedelta = timedelta(seconds=10)
    """Start-to-close timeout of one call to an agency system; Temporal retries past it."""
    agency_retry_max_interval: timedelta = timedelta(minutes=1)
    """Longest pause between retries of a failing agency call."""

    update_settle_timeout: timedelta = timedelta(seconds=10)
    """Longest a task completion waits for the case to reach its next step before answering
    (only while an agency call is being retried: every waiting point answers at once)."""

    notice_refresh_interval: timedelta = timedelta(days=30)
    """Unidentified this long (and again each time): the family-search notice is refreshed."""
    settlement_after: timedelta = timedelta(days=90)
    """Unidentified this long: the household-registration and settlement path (落户安置) starts."""
    agency_outreach_after: timedelta = timedelta(hours=4)
    """An agency call failing this long: the station gets a task to reach the agency otherwise."""

    history_event_bound: int = Field(default=5000, ge=200)
    """A case workflow continues as new at its next checkpoint once its history has this many
    events (Temporal warns at 10,240 and terminates at 51,200)."""

    def reminder_after(self, overdue_for: timedelta) -> timedelta:
        """Time to the next reminder of a task overdue this long: daily, weekly, then monthly,
        so a task overdue for a year costs tens of history events, not thousands."""
        if overdue_for >= self.escalation_monthly_after:
            return self.escalation_monthly_repeat
        if overdue_for >= self.escalation_weekly_after:
            return self.escalation_weekly_repeat
        return self.escalation_repeat

    def deadline_for(self, kind: TaskKind) -> timedelta:
        # A case started before a kind existed keeps its policy: the standard deadline applies.
        return self.task_deadlines.get(kind) or NEW_KIND_DEADLINES[kind]

    def local_date(self, moment: datetime) -> date:
        """The city's calendar date at ``moment`` (deadlines, ages and travel dates use it)."""
        return moment.astimezone(timezone(timedelta(hours=self.utc_offset_hours))).date()


NEW_KIND_DEADLINES: dict[TaskKind, timedelta] = {
    TaskKind.SETTLEMENT_APPLICATION: timedelta(days=15),
    TaskKind.HOUSEHOLD_REGISTRATION: timedelta(days=30),
    TaskKind.INSTITUTION_PLACEMENT: timedelta(days=30),
    TaskKind.AGENCY_OUTREACH: timedelta(hours=24),
    TaskKind.REMOTE_HANDOVER: timedelta(days=7),
    TaskKind.FOLLOW_UP_CONFIRMATION: timedelta(days=15),
}
"""Deadlines of task kinds added after the first policies (and of policies that lack them)."""

STANDARD = Policy(
    name="standard",
    task_deadlines={
        TaskKind.REGISTRATION: timedelta(hours=24),
        TaskKind.IDENTITY_CONFIRMATION: timedelta(days=3),
        TaskKind.TICKET_VOUCHER: timedelta(days=2),
        TaskKind.HANDOVER_RECEIPT: timedelta(days=7),
        TaskKind.FOLLOW_UP_VISIT: timedelta(days=14),
        TaskKind.ARRIVAL_CONFIRMATION: timedelta(hours=24),
        TaskKind.ESCORT: timedelta(hours=4),
        TaskKind.PSYCHIATRIC_ESCORT: timedelta(hours=4),
        TaskKind.DNA_SAMPLE: timedelta(days=30),
        TaskKind.FAMILY_VERIFICATION: timedelta(days=3),
        TaskKind.LONG_TERM_PLACEMENT: timedelta(days=5),
        TaskKind.RETURN_ESCORT: timedelta(days=3),
        TaskKind.BOARDING_CONFIRMATION: timedelta(days=2),
        TaskKind.SETTLEMENT_REVIEW: timedelta(days=15),
        TaskKind.SUPERVISION: timedelta(days=2),
        TaskKind.REFERRAL: timedelta(days=30),
        **NEW_KIND_DEADLINES,
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
        TaskKind.ARRIVAL_CONFIRMATION: timedelta(minutes=10),
        TaskKind.ESCORT: timedelta(minutes=10),
        TaskKind.PSYCHIATRIC_ESCORT: timedelta(minutes=10),
        TaskKind.DNA_SAMPLE: timedelta(minutes=10),
        TaskKind.FAMILY_VERIFICATION: timedelta(minutes=10),
        TaskKind.LONG_TERM_PLACEMENT: timedelta(minutes=10),
        TaskKind.RETURN_ESCORT: timedelta(minutes=10),
        TaskKind.BOARDING_CONFIRMATION: timedelta(minutes=10),
        TaskKind.SETTLEMENT_REVIEW: timedelta(minutes=10),
        TaskKind.SUPERVISION: timedelta(minutes=10),
        TaskKind.REFERRAL: timedelta(minutes=10),
        TaskKind.SETTLEMENT_APPLICATION: timedelta(minutes=10),
        TaskKind.HOUSEHOLD_REGISTRATION: timedelta(minutes=10),
        TaskKind.INSTITUTION_PLACEMENT: timedelta(minutes=10),
        TaskKind.AGENCY_OUTREACH: timedelta(minutes=10),
        TaskKind.REMOTE_HANDOVER: timedelta(minutes=10),
        TaskKind.FOLLOW_UP_CONFIRMATION: timedelta(minutes=10),
    },
    escalation_repeat=timedelta(minutes=5),
    escalation_weekly_after=timedelta(minutes=35),
    escalation_weekly_repeat=timedelta(minutes=35),
    escalation_monthly_after=timedelta(minutes=175),
    escalation_monthly_repeat=timedelta(minutes=150),
    follow_up_interval=timedelta(seconds=2),
    follow_up_visits=1,
    agency_call_timeout=timedelta(seconds=5),
    agency_retry_max_interval=timedelta(seconds=1),
    guided_arrival_wait=timedelta(minutes=10),
    family_search_notice_within=timedelta(seconds=1),
    identity_search_interval=timedelta(minutes=5),
    stay_limit=timedelta(minutes=10),
    notice_refresh_interval=timedelta(minutes=30),
    settlement_after=timedelta(minutes=90),
    agency_outreach_after=timedelta(seconds=30),
    discharge_wait=timedelta(minutes=10),
    settlement_window=timedelta(seconds=30),
    lost_contact_after=timedelta(days=365),
    follow_up_visits_per_run=2,
    follow_up_max_visits=6,
)

DEMO = COMPRESSED.model_copy(update={
    "name": "demo",
    "guided_arrival_wait": timedelta(seconds=20),
    "stay_limit": timedelta(seconds=6),
    "identity_search_interval": timedelta(seconds=3),
    "follow_up_interval": timedelta(seconds=1),
    "lost_contact_after": timedelta(seconds=4),
})
"""For ``rescue demo``: every path of a case runs in seconds, waits included."""

POLICIES: dict[str, Policy] = {p.name: p for p in (STANDARD, COMPRESSED, DEMO)}


def with_overrides(policy: Policy, overrides: dict[str, object] | None) -> Policy:
    """A copy of the policy with some fields replaced (tests and drills), validated."""
    if not overrides:
        return policy
    data = policy.model_dump()
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}  # e.g. one task kind's deadline
        else:
            data[key] = value
    data["name"] = f"{policy.name}+custom"
    return Policy.model_validate(data, extra="forbid")  # a mistyped duration is not dropped


def policy_named(name: str) -> Policy:
    """The policy of that name; a clear error for an unknown one."""
    try:
        return POLICIES[name]
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; known: {sorted(POLICIES)}") from None
