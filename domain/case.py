"""The case (个案): workflow input, result, the queryable state and its timeline events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.enums import CaseOutcome, Classification, Stage, TaskKind
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


class RescueCaseInput(BaseModel):
    """Everything a case workflow needs to begin; single model so fields can be added."""

    case_id: str
    case_number: str
    station_node_id: str
    """The rescue station responsible for the case."""
    report: DiscoveryReport
    reported_by: Actor
    policy: Policy
    agencies: AgencyNodes = Field(default_factory=AgencyNodes)


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
    policy_name: str
    version: int = 0
    """Grows with every change; the read model keeps only the newest version it saw."""


class CompleteTaskInput(BaseModel):
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
