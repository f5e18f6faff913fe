"""Designated-hospital simulator (定点医院): admits a person sent with a station's letter.

Admission is idempotent per ``Idempotency-Key``, so a retried call never admits twice.
"""

from __future__ import annotations

import asyncio
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


class _Hospital:
    """In-memory state of one hospital."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.reset()

    def reset(self) -> None:
        self.admissions: dict[str, AdmissionRecord] = {}
        self.by_key: dict[str, tuple[AdmissionRequest, AdmissionRecord]] = {}

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


def _public(record: AdmissionRecord) -> Admission:
    return Admission.model_validate(record.model_dump(include=set(Admission.model_fields)))


def create_app(config: SimulatorConfig) -> FastAPI:
    """A hospital with nobody admitted yet."""
    hospital = _Hospital()
    app = build_app("hospital", "定点医院（模拟）", config, hospital.reset)
    router = APIRouter(dependencies=[Depends(require_api_key)], tags=["admissions"])

    @router.post("/admissions", status_code=201)
    async def admit(
        request: AdmissionRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> Admission:
        """Admit a person for treatment; 200 with the same admission when the key is replayed."""
        key = require_idempotency_key(idempotency_key)
        async with hospital.lock:
            if key in hospital.by_key:
                original, record = hospital.by_key[key]
                if original != request:
                    raise SimulatorError(
                        409, "idempotency_conflict", "同一 Idempotency-Key 的请求内容不一致"
                    )
                response.status_code = 200
                return _public(record)
            record = hospital.admit(request)
            hospital.by_key[key] = (request, record)
            return _public(record)

    @router.get("/admissions/{admission_no}")
    async def get_admission(admission_no: str) -> AdmissionRecord:
        """One admission, so the station can check what the hospital recorded."""
        record = hospital.admissions.get(admission_no)
        if record is None:
            raise SimulatorError(404, "not_found", f"住院号 {admission_no} 不存在")
        return record

    app.include_router(router)
    return app
