"""Designated-hospital simulator (定点医院): comes out to critically ill people, admits a person
sent with a station's introduction letter, and later reports the discharge and the settlement
voucher by callback (see :mod:`simulators.hospital_billing`).

Issuing is idempotent per ``Idempotency-Key``, so a retried call never admits twice.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Header, Response

from simulators.common import (
    SimulatorConfig,
    build_app,
    require_api_key,
    require_idempotency_key,
)
from simulators.errors import SimulatorError
from simulators.faults import require_admin
from simulators.hospital_billing import Billing, billing_routes
from simulators.hospital_wards import (
    Admission,
    AdmissionRecord,
    AdmissionRequest,
    Hospital,
    Pickup,
    PickupRecord,
    PickupRequest,
)


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
