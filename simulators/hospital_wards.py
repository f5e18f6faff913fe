"""The designated hospital's own records in the simulator: admissions with the station's
introduction letter and emergency pickups, each issued once per ``Idempotency-Key``. The routes
(:mod:`simulators.hospital`) and the billing (:mod:`simulators.hospital_billing`) share them."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from simulators.errors import SimulatorError
from simulators.idempotency import IdempotentIssuer

WARDS = ("内科一病区", "外科二病区", "精神心理科病区", "老年病科病区")


class AdmissionRequest(BaseModel):
    """A request to admit, backed by the station's introduction letter (介绍信)."""

    case_ref: str = Field(min_length=1, max_length=200)
    introduction_letter_no: str = Field(min_length=1, max_length=100)
    patient_name: str | None = Field(default=None, max_length=50)
    reason: str = Field(min_length=1, max_length=500)


class Admission(BaseModel):
    """What the hospital answers when it admits."""

    admission_no: str
    admitted_at: datetime
    ward: str


class AdmissionRecord(Admission):
    """An admission as the hospital keeps it, with the request it came from."""

    case_ref: str
    introduction_letter_no: str
    patient_name: str | None
    reason: str


class PickupRequest(BaseModel):
    """A call to come and treat a critically ill person where they were found."""

    case_number: str = Field(min_length=1, max_length=100)
    request_id: str = Field(min_length=1, max_length=200)
    place: str = Field(min_length=1, max_length=300)
    condition: str = Field(min_length=1, max_length=500)


class Pickup(BaseModel):
    request_id: str
    pickup_ref: str
    eta_minutes: int


class PickupRecord(Pickup, PickupRequest):
    requested_at: datetime


class Hospital:
    """In-memory state of one hospital."""

    def __init__(self) -> None:
        self.admitting: IdempotentIssuer[AdmissionRequest, AdmissionRecord] = IdempotentIssuer()
        self.dispatching: IdempotentIssuer[PickupRequest, PickupRecord] = IdempotentIssuer()
        self.reset()

    def reset(self) -> None:
        self.admissions: dict[str, AdmissionRecord] = {}
        self.pickups: dict[str, PickupRecord] = {}
        self.admitting.reset()
        self.dispatching.reset()

    def admit(self, request: AdmissionRequest) -> AdmissionRecord:
        n = len(self.admissions) + 1
        record = AdmissionRecord(
            admission_no=f"ZY{n:08d}",
            admitted_at=datetime.now(UTC),
            ward=WARDS[(n - 1) % len(WARDS)],
            **request.model_dump(),
        )
        self.admissions[record.admission_no] = record
        return record

    def dispatch(self, request: PickupRequest) -> PickupRecord:
        if request.request_id in self.pickups:
            raise SimulatorError(409, "already_requested", "该急救请求编号已受理")
        n = len(self.pickups) + 1
        record = PickupRecord(
            pickup_ref=f"JJ{n:08d}",
            eta_minutes=8 + (n * 7) % 15,
            requested_at=datetime.now(UTC),
            **request.model_dump(),
        )
        self.pickups[record.request_id] = record
        return record
