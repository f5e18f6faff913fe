"""The case (个案): workflow input, result, the queryable state and its timeline events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.agencies import HouseholdRecord
from domain.child_flows import TreatmentDischarged
from domain.contract import Contract
from domain.enums import CaseOutcome, Classification, Stage, TaskKind
from domain.features import PersonFeatures
from domain.missing_match import FamilySearchMatch
from domain.person import PersonDetails, PersonSummary
from domain.policy import Policy
from domain.report import DiscoveryReport
from domain.tasks import Actor, CaseTask


class AgencyNodes(BaseModel):
    """Network nodes of the agencies a case works with (tasks are assigned to them)."""

    police: str = "police-city"
    hospital: str = "hospital-1"
    transport: str = "transport-rail"
    urban_management: str = "city-bureau"
    civil_affairs: str = "city-bureau"
    """The civil-affairs bureau: places a long-term unidentified person for good."""
    operations: str = "city-bureau"
    """Where the operators on duty are told of an agency that stays unreachable."""


class RescueCaseInput(Contract):
    """Everything a case workflow needs to begin; single model so fields can be added."""

    case_id: str
    case_number: str
    station_node_id: str
    """The rescue station responsible for the case."""
    report: DiscoveryReport
    reported_by: Actor
    policy: Policy
    agencies: AgencyNodes = Field(default_factory=AgencyNodes)
    carry: CaseCarry | None = None
    """Set when the case continued as new: where it was and what it knew (never the past)."""
    logic: int = 0
    """The logic level it was started at (``workflows.versions``): patches of that level run
    without a marker; 0 for workflows from before levels existed."""


class RescueCaseResult(BaseModel):
    """How a case ended."""

    case_id: str
    case_number: str
    stage: Stage
    closed_at: datetime
    outcome: CaseOutcome | None = None


class CaseEvent(BaseModel):
    """One line of the case's timeline: who did what, when, through which agency."""

    event_id: str
    at: datetime
    kind: str
    summary: str
    """Readable Chinese sentence, without identity numbers or health details."""
    actor: str | None = None
    agency: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class TicketInfo(BaseModel):
    """The ticket bought with the case's voucher."""

    voucher_number: str
    ticket_number: str
    destination: str
    travel_date: str
    train: str | None = None


class CaseState(BaseModel):
    """What the workflow answers to queries and task completions: the exact state of a case."""

    case_id: str
    case_number: str
    stage: Stage
    station_node_id: str
    classification: Classification | None = None
    origin_node_id: str | None = None
    origin_address: str | None = None
    person: PersonSummary = Field(default_factory=PersonSummary)
    open_tasks: list[CaseTask] = Field(default_factory=list)
    timeline: list[CaseEvent] = Field(default_factory=list)
    ticket: TicketInfo | None = None
    overdue: bool = False
    outcome: CaseOutcome | None = None
    identity_known: bool = False
    in_hospital: bool = False
    long_term: bool = False
    previous_cases: list[str] = Field(default_factory=list)
    """Case numbers of earlier cases of the same person (re-entry)."""
    treatments: int = 0
    follow_up_by: str | None = None
    """Who follows the person up after the return (another city's station or office)."""
    follow_up_acknowledged: bool = False
    policy_name: str
    version: int = 0
    """Grows with every change; the read model keeps only the newest version it saw."""
    opened_at: datetime | None = None
    runs: int = 1
    """Workflow runs so far (the case continues as new to keep each run's history small)."""
    history_events: int = 0
    """Events in the current run's history at the last sync (operators watch the limits)."""
    history_bytes: int = 0


class CaseAck(BaseModel):
    """What an Update on a case answers: small and of fixed size whatever the case's age (the
    answer is stored in the history). Readers take the state from the query and the
    timeline from the read model."""

    case_id: str
    case_number: str
    stage: Stage
    version: int
    task_id: str | None = None
    """The task that was completed, for a task completion."""
    outcome: str = "done"
    """What happened: ``done`` (the step was taken), ``recorded`` (an action on record)."""
    settled: bool = False
    """Nothing under way and nothing left to write: the read model holds ``version`` whole, so
    a reader answers from it instead of asking the workflow (answers from before: False)."""


class IdentitySearchCarry(BaseModel):
    """Where the identity search (身源查询) stood when the case continued as new."""

    started_at: datetime
    attempt: int = 1
    """Household lookups made so far."""
    next_lookup_at: datetime | None = None
    confirmation_task_id: str | None = None
    notice_published: bool = False
    minor_dna: bool = False
    """A minor's DNA collection belongs to this search (every minor, or an unidentified one)."""
    notices_refreshed: int = 0
    """Times the family-search notice was refreshed (every ``notice_refresh_interval``)."""
    settlement_step: int = 0
    """落户安置: 0 not started; 1 application, 2 household registration, 3 placement; 4 done."""
    features: PersonFeatures | None = None
    """Fingerprints, photo and marks taken at admission, for the search by features."""
    ruled_out: list[str] = Field(default_factory=list)
    """Identity numbers of candidates the family verification ruled out (not proposed again)."""


class CaseCarry(BaseModel):
    """What a case carries into its next run: open tasks with their deadlines and reminders,
    the identity search, DNA samples and matches, callbacks seen, the policy (in the input),
    and the events not yet in the read model. Bounded: no timeline, no past."""

    run: int
    state: CaseState
    person: PersonDetails | None = None
    open_tasks: list[CaseTask] = Field(default_factory=list)
    supervised: dict[str, str] = Field(default_factory=dict)
    done_task_ids: list[str] = Field(default_factory=list)
    """The newest tasks done (a late second completion still hears "already done")."""
    seen_callbacks: list[str] = Field(default_factory=list)
    dna_matches: list[HouseholdRecord] = Field(default_factory=list)
    family_matches: list[FamilySearchMatch] = Field(default_factory=list)
    dna_samples: list[str] = Field(default_factory=list)
    discharges: dict[int, TreatmentDischarged] = Field(default_factory=dict)
    pending_events: list[CaseEvent] = Field(default_factory=list)
    search: IdentitySearchCarry | None = None


class CompleteTaskInput(Contract):
    """A task completion sent by the API as a Workflow Update."""

    task_id: str
    actor: Actor
    payload: dict[str, Any]


class TaskCompletion(BaseModel):
    """A validated completion, kept by the workflow until its main loop consumes it."""

    task_id: str
    kind: TaskKind
    actor: Actor
    payload: dict[str, Any]
    at: datetime


class CaseSyncInput(BaseModel):
    """One idempotent write of the read model: the state and what happened since last sync."""

    state: CaseState
    person: PersonDetails | None = None
    new_events: list[CaseEvent] = Field(default_factory=list)
    closed_tasks: list[TaskCompletion] = Field(default_factory=list)
    cancelled_tasks: list[str] = Field(default_factory=list)
    """Ids of tasks withdrawn because the case moved on or ended."""
    closed: bool = False


class ChildRecordInput(BaseModel):
    """A child workflow's (treatment, follow-up) events and task changes for the case records."""

    case_id: str
    workflow_id: str
    new_events: list[CaseEvent] = Field(default_factory=list)
    open_tasks: list[CaseTask] = Field(default_factory=list)
    closed_tasks: list[TaskCompletion] = Field(default_factory=list)
    cancelled_tasks: list[str] = Field(default_factory=list)
