"""Contracts of the activities: their names and their input/result models.

Workflows call activities by these names; ``activities`` implements them. Keeping the
contracts here lets workflow code depend on nothing but the domain.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from domain.enums import Role, Sex
from domain.features import Feature

SYNC_CASE = "sync_case"
"""Project a case's state, new events and task changes into PostgreSQL (idempotent)."""
LOOKUP_HOUSEHOLD = "lookup_household"
"""Ask the police population system for a person's household registration."""
EXCHANGE_TICKET = "exchange_ticket"
"""Exchange a ticket voucher for a ticket at the transport system (idempotent by voucher)."""

RESOLVE_SUPERVISOR = "resolve_supervisor"
"""Who supervises an assignee (the station head, or the township officer above a community)."""
NOTIFY = "notify"
"""Leave a notification for a node and role (escalations)."""
PUBLISH_FAMILY_SEARCH_NOTICE = "publish_family_search_notice"
"""Publish (or refresh) the family-search notice (寻亲公告) of an unidentified person."""
FIND_PREVIOUS_CASES = "find_previous_cases"
"""Find earlier cases of the same person (re-entry): by identity number, or name + birth + origin."""
RECORD_CHILD_ACTIVITY = "record_child_activity"
"""Write a child workflow's events and tasks (treatment, follow-up) into the case's records."""
RECORD_SETTLEMENT = "record_settlement"
RECORD_EXTERNAL_FOLLOW_UP = "record_external_follow_up"
"""Write a treatment settlement's state (submitted, approved, rejected, paid) in fen."""

AGENCY_OF = {
    "lookup_household": "police",
    "submit_dna_sample": "police",
    "register_psychiatric_patient": "police",
    "report_lost_contact": "police",
    "search_by_features": "police",
    "request_emergency_pickup": "hospital",
    "admit_to_hospital": "hospital",
    "pay_hospital_settlement": "hospital",
    "exchange_ticket": "transport",
}
"""Which agency each agency activity calls."""

_CALL_LABELS = {
    "lookup_household": "公安户籍查询",
    "submit_dna_sample": "DNA样本入库",
    "register_psychiatric_patient": "精神障碍患者信息登记",
    "report_lost_contact": "失联人员报告",
    "search_by_features": "公安特征比对",
    "request_emergency_pickup": "通知医院急救",
    "admit_to_hospital": "医院收治",
    "pay_hospital_settlement": "医疗费用结算支付",
    "exchange_ticket": "车站换票",
}


def label_of_call(activity: str) -> str:
    """Chinese name of an agency call, for the timeline."""
    return _CALL_LABELS.get(activity, activity)


AGENCY_REFUSED = "AgencyRefused"
"""ApplicationError type of a refusal by an agency (a 4xx answer): retrying will not help."""
AGENCY_UNAVAILABLE = "AgencyUnavailable"
"""ApplicationError type of a fault (network, timeout, 5xx): Temporal retries it."""


class HouseholdLookupInput(BaseModel):
    """What the station knows about the person; the request id makes the lookup traceable."""

    case_id: str
    request_id: str
    name: str | None = None
    id_number: str | None = None
    birth_date: date | None = None
    sex: Sex = Sex.UNKNOWN


class HouseholdRecord(BaseModel):
    """A household registration (户籍) as the police system returns it."""

    id_number: str
    name: str
    sex: Sex
    birth_date: date
    household_address: str
    community_node_id: str | None = None
    """The origin's community point in this city's network, when it has one."""


class HouseholdLookupResult(BaseModel):
    found: bool
    record: HouseholdRecord | None = None


class TicketExchangeInput(BaseModel):
    """A voucher to exchange; the voucher number is the idempotency key."""

    case_id: str
    voucher_number: str
    passenger_name: str | None = None
    destination: str
    travel_date: date


# --- Agency calls added for the full lifecycle (police DNA and registries, hospital) --------

SUBMIT_DNA_SAMPLE = "submit_dna_sample"
"""Submit a minor's collected sample to the anti-trafficking DNA database (打拐DNA信息库)."""
REGISTER_PSYCHIATRIC_PATIENT = "register_psychiatric_patient"
"""Enter a psychiatric patient who may cause harm in the police psychiatric registry."""
REPORT_LOST_CONTACT = "report_lost_contact"
"""Report a person out of contact with the family for over a year to the local police."""
REQUEST_EMERGENCY_PICKUP = "request_emergency_pickup"
"""Ask the designated hospital to come and treat a critically ill person where found."""
ADMIT_TO_HOSPITAL = "admit_to_hospital"
"""Send the introduction letter (救治介绍信): the hospital admits the person as a rescue case."""


class DnaSampleInput(BaseModel):
    """A collected sample; ``sample_id`` is the idempotency key and comes back in the result."""

    case_number: str
    sample_id: str
    collected_on: date
    collected_by: str
    """Police officer (username) who collected the sample."""


class DnaSubmission(BaseModel):
    sample_id: str
    database_ref: str
    """Reference the DNA database gave the sample; results arrive later by callback."""


class PsychiatricRegistrationInput(BaseModel):
    case_number: str
    registration_id: str
    """Idempotency key."""
    name: str | None = None
    id_number: str | None = None
    risk_summary: str
    """Why the person may cause harm (sensitive: encrypted in payloads)."""


class PsychiatricRegistration(BaseModel):
    registration_id: str
    registry_number: str


class LostContactReportInput(BaseModel):
    case_number: str
    report_id: str
    """Idempotency key."""
    name: str | None = None
    id_number: str | None = None
    community_node_id: str
    last_contact_on: date


class LostContactReport(BaseModel):
    report_id: str
    police_ref: str


class EmergencyPickupInput(BaseModel):
    case_number: str
    request_id: str
    """Idempotency key."""
    place: str
    condition: str


class EmergencyPickup(BaseModel):
    request_id: str
    pickup_ref: str
    eta_minutes: int


class HospitalAdmissionInput(BaseModel):
    """The introduction letter; ``admission_key`` is the idempotency key."""

    case_number: str
    case_ref: str
    """What the hospital quotes back in its callbacks (case number and treatment episode)."""
    admission_key: str
    introduction_letter_no: str
    patient_name: str | None = None
    reason: str


class HospitalAdmission(BaseModel):
    admission_no: str
    admitted_at: str
    ward: str | None = None


class SupervisorQuery(BaseModel):
    node_id: str
    role: Role
    station_node_id: str


class Notification(BaseModel):
    notification_id: str
    """Idempotency key."""
    node_id: str
    role: Role
    case_id: str | None = None
    message: str


class FamilySearchNotice(BaseModel):
    notice_id: str
    """Idempotency key: the same notice id refreshes the notice, it is never published twice."""
    case_id: str
    text: str
    """Public text: what the person looks like and where found; no identity numbers."""


class PreviousCasesQuery(BaseModel):
    case_id: str
    id_number: str | None = None
    name: str | None = None
    birth_date: date | None = None


class PreviousCases(BaseModel):
    case_numbers: list[str] = []


PAY_HOSPITAL_SETTLEMENT = "pay_hospital_settlement"
"""Pay the hospital a reviewed settlement voucher (idempotent by settlement id)."""


class HospitalPaymentInput(BaseModel):
    """A reviewed voucher to pay; ``settlement_id`` is the idempotency key."""

    case_ref: str
    voucher_no: str
    settlement_id: str
    amount_fen: int
    """The voucher's total in fen (分); the hospital refuses any other amount."""


class HospitalPayment(BaseModel):
    voucher_no: str
    payment_ref: str


class ExternalFollowUp(BaseModel):
    """A follow-up request sent to the receiving city's rescue station or civil-affairs office
    (a person gone home outside the city's network), and its acknowledgment."""

    request_id: str
    case_id: str
    receiving_agency: str
    contact: str | None = None
    message: str
    requested_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None


class SettlementRecord(BaseModel):
    """State of one hospital settlement voucher in the finance ledger (integer fen)."""

    settlement_id: str
    case_id: str
    station_node_id: str
    admission_no: str
    voucher_no: str
    claimed_fen: int
    approved_fen: int | None = None
    status: str
    """submitted, approved, rejected or paid."""
    payment_ref: str | None = None
    submitted_at: datetime
    decided_at: datetime | None = None
    paid_at: datetime | None = None


# --- The identity search by features (issue 9) -------------------------------------------

SEARCH_BY_FEATURES = "search_by_features"
"""Ask the police to compare an unidentified person's features (fingerprints, photo, sex,
apparent age, place found, marks) with the population system and missing-person reports."""


class FeatureSearchInput(BaseModel):
    """What the station knows of a person without a usable name or identity number; the
    request id makes the search traceable (a search changes nothing: repeating it is safe)."""

    case_id: str
    request_id: str
    sex: Sex = Sex.UNKNOWN
    apparent_age: int | None = None
    place_found: str
    fingerprint_code: str | None = None
    photo_ref: str | None = None
    marks: str | None = None
    excluded_id_numbers: list[str] = []
    """Residents the family verification already ruled out: not to be proposed again."""


class FeatureMatch(BaseModel):
    """The one resident the features point to, and why."""

    record: HouseholdRecord
    basis: list[Feature]
    """The features that agree (a fingerprint alone is enough)."""
    score: int


class FeatureSearchResult(BaseModel):
    """The police's answer: a match only when exactly one resident stands out."""

    matched: bool
    match: FeatureMatch | None = None
    compared: list[Feature] = []
    """What the police system actually compared (a photo it cannot compare is not listed)."""
    similar: int = 0
    """Residents as close as the best one when no single one stands out."""
