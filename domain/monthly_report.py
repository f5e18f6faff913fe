"""The monthly progress report (月报): every locality reports to the city leading-group office
before the 25th; the figures are pre-filled from the records. Contracts shared by the workflow,
its activities and the API, and the report policy (durations compressed in tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.contract import Contract
from domain.labels_ext import register_labels
from domain.tasks import Actor

OPEN_MONTHLY_REPORT = "open_monthly_report"
"""Activity: compute the figures and open the locality's report (idempotent by report id)."""
NOTIFY_MONTHLY_REPORT = "notify_monthly_report"
"""Activity: a reminder to the locality, or an escalation to the city office."""
SUBMIT_MONTHLY_REPORT = "submit_monthly_report"
"""Activity: freeze the figures and record the narrative as submitted."""
LIST_LOCALITIES = "list_report_localities"
"""Activity: the localities (county/district stations) that report each month."""

SUBMIT_UPDATE = "submit"
REPORT_ALREADY_SUBMITTED = "ReportAlreadySubmitted"
REPORT_NOT_YOURS = "ReportNotYours"
REPORT_CLOSED = "ReportClosed"


class ReportStatus(StrEnum):
    """Where a locality's report for a month stands."""

    OPEN = "open"  # opened and pre-filled, waiting for the locality's narrative
    OVERDUE = "overdue"  # past the due date, escalated to the city office
    SUBMITTED = "submitted"  # submitted (on time or late)
    MISSED = "missed"  # never submitted: the escalations ran out, recorded as missed


register_labels([
    (ReportStatus.OPEN, "待报送"), (ReportStatus.OVERDUE, "已逾期"),
    (ReportStatus.SUBMITTED, "已报送"), (ReportStatus.MISSED, "逾期未报"),
])


class ReportPolicy(BaseModel):
    """Dates and durations of the monthly report (the plan: before the 25th)."""

    name: str
    utc_offset_hours: int = 8
    due_day: int = Field(default=25, ge=2, le=28)
    """Reports are due before this day of the month (00:00 local time)."""
    opens_on_day: int = Field(default=18, ge=1, le=27)
    """The schedule opens every locality's report on this day, pre-filled with the month so far."""
    reminders_before: list[timedelta] = Field(default_factory=lambda: [timedelta(days=3), timedelta(days=1)])
    escalation_repeat: timedelta = timedelta(days=1)
    escalations_max: int = Field(default=10, ge=1)
    """After this many escalations the report is recorded as missed."""
    late_submission_window: timedelta = timedelta(days=90)
    """How long a report recorded as missed can still be submitted (marked late) before its
    workflow ends."""


STANDARD_REPORTS = ReportPolicy(name="standard")
COMPRESSED_REPORTS = ReportPolicy(name="compressed", reminders_before=[timedelta(seconds=4)],
                                  escalation_repeat=timedelta(seconds=2), escalations_max=5,
                                  late_submission_window=timedelta(seconds=15))
REPORT_POLICIES = {p.name: p for p in (STANDARD_REPORTS, COMPRESSED_REPORTS)}


def report_policy(name: str) -> ReportPolicy:
    return REPORT_POLICIES.get(name, STANDARD_REPORTS)


def report_id(locality_node_id: str, month: str) -> str:
    """``<locality>:<YYYY-MM>``: one report per locality and month."""
    return f"{locality_node_id}:{month}"


def month_of(moment: datetime, utc_offset_hours: int = 8) -> str:
    return moment.astimezone(timezone(timedelta(hours=utc_offset_hours))).strftime("%Y-%m")


def parse_month(month: str) -> date:
    """The first day of ``YYYY-MM``; ValueError for anything else."""
    first = datetime.strptime(month, "%Y-%m").date()
    return first.replace(day=1)


def month_bounds(month: str, utc_offset_hours: int = 8) -> tuple[datetime, datetime]:
    """[start, end) of the month in local time, as aware UTC moments."""
    first = parse_month(month)
    nxt = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    tz = timezone(timedelta(hours=utc_offset_hours))
    return (datetime.combine(first, datetime.min.time(), tz).astimezone(UTC),
            datetime.combine(nxt, datetime.min.time(), tz).astimezone(UTC))


def due_at(month: str, policy: ReportPolicy) -> datetime:
    """The report of ``month`` is due before the policy's day of that month (local midnight)."""
    first = parse_month(month).replace(day=policy.due_day)
    tz = timezone(timedelta(hours=policy.utc_offset_hours))
    return datetime.combine(first, datetime.min.time(), tz).astimezone(UTC)


class MonthlyFigures(BaseModel):
    """The month's figures of a locality (or the whole city), computed from the records."""

    people_found: int = 0
    """Cases opened in the month at the locality's stations."""
    admitted: dict[str, int] = Field(default_factory=dict)
    """Admissions registered in the month, by classification (open, protective, assisting)."""
    minors: int = 0
    """Of the people found, minors."""
    treated: int = 0
    """People admitted to a designated hospital in the month."""
    settled_fen: int = 0
    """Treatment money paid to hospitals in the month (integer fen)."""
    returned_home: int = 0
    """People handed over to their place of origin in the month."""
    long_term_stays: int = 0
    """People in long-term stay at the locality's stations when the figures were taken."""
    follow_ups_due: int = 0
    follow_ups_done: int = 0
    follow_ups_overdue: int = 0
    lost_contact_reports: int = 0
    """Reports to the police of returned people out of contact with their family for over a year."""
    ledger: dict[str, int] = Field(default_factory=dict)
    """Active ledger entries by category (a person may count in several)."""
    ledger_people: int = 0

    @property
    def admitted_total(self) -> int:
        return sum(self.admitted.values())


class MonthlyReportInput(Contract):
    """One locality's report for one month."""

    locality_node_id: str
    month: str
    policy: ReportPolicy
    due_at: datetime | None = None
    """Due moment; None means the policy's day of the month (drills and tests set it)."""


class MonthlyReportState(BaseModel):
    report_id: str
    locality_node_id: str
    month: str
    status: ReportStatus = ReportStatus.OPEN
    due_at: datetime | None = None
    reminders: int = 0
    escalations: int = 0
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    late: bool = False


class SubmitReportInput(Contract):
    """The locality's narrative, sent as the workflow's ``submit`` update."""

    actor: Actor
    narrative: str = Field(min_length=1, max_length=5000)
    good_practice: str | None = Field(default=None, max_length=5000)


class ReportOpenInput(BaseModel):
    report_id: str
    locality_node_id: str
    month: str
    due_at: datetime
    opened_at: datetime
    workflow_id: str
    utc_offset_hours: int = 8


class ReportNoticeInput(BaseModel):
    report_id: str
    locality_node_id: str
    month: str
    kind: str
    """reminder, escalation or missed."""
    count: int
    due_at: datetime


class ReportSubmission(BaseModel):
    report_id: str
    locality_node_id: str
    month: str
    submitted_at: datetime
    submitted_by: str
    late: bool
    narrative: str
    good_practice: str | None = None
    utc_offset_hours: int = 8


class MonthlyReportRoundInput(Contract):
    """What the schedule starts: open every locality's report of the month (now, if None)."""

    policy_name: str = "standard"
    month: str | None = None


class MonthlyReportRoundResult(BaseModel):
    month: str
    opened: list[str]
    """Workflow ids started now (a locality whose report was already open is not repeated)."""
