"""Designated-hospital simulator (定点医院): comes out to critically ill people, admits a person
sent with a station's introduction letter, and later reports the discharge and the settlement
voucher by callback (see :mod:`rescue.simulators.hospital_billing`).

Issuing is idempotent per ``Idempotency-Key``, so a retried call never admits twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, FastAPI, Header, Response
from pydantic import BaseModel, Field

from rescue.simulators.common import (
    SimulatorConfig,
    build_app,
    require_api_key,
    require_idempotency_key,
)
from rescue.simulators.errors import SimulatorError
from rescue.simulators.faults import require_admin
from rescue.simulators.hospital_billing import Billing, billing_routes
from rescue.simulators.idempotency import IdempotentIssuer

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


def _public(record: AdmissionRecord) -> Admission:
    return Admission.model_validate(record.model_dump(include=set(Admission.model_fields)))


def create_app(config: SimulatorConfig) -> FastAPI:
    """A hospital with nobody admitted yet."""
    hospital = Hospital()
    billing = Billing(hospital)

    def reset() -> None:
        hospital.reset()
        billing.reset()

    app = build_app("hospital", "定点医院（模拟）", config, reset)
    router = APIRouter(dependencies=[Depends(require_api_key)], tags=["admissions"])

    @router.post("/emergency-pickups", status_code=201)
    async def request_pickup(
        request: PickupRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> Pickup:
        """Send an ambulance team; 200 with the same dispatch when the key is replayed."""
        key = require_idempotency_key(idempotency_key)
        record, replayed = await hospital.dispatching.issue(key, request, hospital.dispatch)
        if replayed:
            response.status_code = 200
        return Pickup.model_validate(record.model_dump(include=set(Pickup.model_fields)))

    @router.post("/admissions", status_code=201)
    async def admit(
        request: AdmissionRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> Admission:
        """Admit a person for treatment; 200 with the same admission when the key is replayed."""
        key = require_idempotency_key(idempotency_key)
        record, replayed = await hospital.admitting.issue(key, request, hospital.admit)
        if replayed:
            response.status_code = 200
        return _public(record)

    @router.get("/admissions/{admission_no}")
    async def get_admission(admission_no: str) -> AdmissionRecord:
        """One admission, so the station can check what the hospital recorded."""
        record = hospital.admissions.get(admission_no)
        if record is None:
            raise SimulatorError(404, "not_found", f"住院号 {admission_no} 不存在")
        return record

    admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])

    @admin.get("/emergency-pickups")
    async def list_pickups() -> list[PickupRecord]:
        """Every emergency pickup dispatched, oldest first."""
        return list(hospital.pickups.values())

    @admin.get("/admissions")
    async def list_admissions() -> list[AdmissionRecord]:
        """Every admission, oldest first."""
        return list(hospital.admissions.values())

    app.include_router(router)
    app.include_router(admin)
    agency_routes, admin_routes = billing_routes(billing)
    app.include_router(agency_routes, dependencies=[Depends(require_api_key)])
    app.include_router(admin_routes, dependencies=[Depends(require_admin)])
    return app
