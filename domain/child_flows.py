"""Inputs and results of the workflows a case starts: treatment episodes and follow-up."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from domain.callbacks import DischargeOutcome
from domain.contract import Contract
from domain.policy import Policy

SIGNAL_TREATMENT_DISCHARGED = "treatment_discharged"
"""Treatment → case: the patient left hospital (the case may be waiting for it)."""


class TreatmentInput(Contract):
    """One hospital episode of a case (先救治后结算)."""

    case_id: str
    case_number: str
    episode: int
    station_node_id: str
    hospital_node_id: str
    reason: str
    patient_name: str | None = None
    parent_workflow_id: str
    policy: Policy
    logic: int = 0
    """The logic level it was started at (``workflows.versions``): patches of that level run
    without a marker; 0 for workflows from before levels existed."""


class TreatmentDischarged(Contract):
    episode: int
    outcome: DischargeOutcome
    at: datetime
    admission_no: str


class TreatmentResult(BaseModel):
    admission_no: str | None
    outcome: DischargeOutcome | None
    claimed_fen: int = 0
    paid_fen: int = 0


class FollowUpInput(Contract):
    """Follow-up of a returned person by the origin community (carried across continue-as-new)."""

    case_id: str
    case_number: str
    community_node_id: str
    station_node_id: str
    person_name: str | None = None
    id_number: str | None = None
    policy: Policy
    visits_done: int = 0
    last_family_contact_at: datetime | None = None
    lost_contact_reported: bool = False
    referrals_made: list[str] = Field(default_factory=list)
    logic: int = 0
    """The logic level it was started at (``workflows.versions``): patches of that level run
    without a marker; 0 for workflows from before levels existed."""


class FollowUpResult(BaseModel):
    visits: int
    ended_at: datetime
    reason: str | None
