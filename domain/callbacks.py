"""What agencies send back later (a DNA comparison, a discharge, a settlement voucher).

The API receives these on per-agency callback endpoints and passes them to the workflow as
signals. ``callback_id`` identifies one callback: a duplicate changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.agencies import HouseholdRecord
from domain.contract import Contract


class DnaResult(Contract):
    """Police: the DNA database compared a sample (days or months after submission)."""

    callback_id: str = Field(min_length=1, max_length=100)
    case_number: str = Field(max_length=40)
    sample_id: str = Field(max_length=60)
    matched: bool
    record: HouseholdRecord | None = None
    """The matched family's household registration, when ``matched``."""
    compared_at: datetime


class DischargeOutcome(StrEnum):
    """How a hospital stay ended."""

    RECOVERED = "recovered"  # treated; back to the station (or home)
    TRANSFERRED = "transferred"  # sent to another hospital or institution
    DIED = "died"  # died in hospital
    NOT_ADMITTED = "not_admitted"  # the hospital refused the introduction letter


class HospitalDischarge(Contract):
    """Hospital: the patient admitted with our introduction letter left hospital."""

    callback_id: str = Field(min_length=1, max_length=100)
    case_ref: str = Field(max_length=100)
    admission_no: str = Field(max_length=60)
    discharged_at: datetime
    outcome: DischargeOutcome
    notes: str | None = Field(default=None, max_length=1000)


class SettlementItem(BaseModel):
    description: str = Field(min_length=1, max_length=200)
    amount_fen: int = Field(ge=0)


class SettlementVoucher(Contract):
    """Hospital: a settlement voucher (结算凭证) for treatment given first (先救治后结算)."""

    callback_id: str = Field(min_length=1, max_length=100)
    case_ref: str = Field(max_length=100)
    admission_no: str = Field(max_length=60)
    voucher_no: str = Field(min_length=1, max_length=60)
    amount_fen: int = Field(gt=0, description="Total in fen (分); never a float")
    items: list[SettlementItem] = Field(default_factory=list)


SIGNAL_DNA_RESULT = "dna_result"
SIGNAL_HOSPITAL_DISCHARGE = "hospital_discharge"
SIGNAL_SETTLEMENT_VOUCHER = "settlement_voucher"
