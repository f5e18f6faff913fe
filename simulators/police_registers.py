"""Police registers the rescue system reports into: the psychiatric registry (肇事肇祸精神病人
登记) and lost-contact reports (失联人员报告). Both are idempotent per ``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel, Field

from simulators.common import require_idempotency_key
from simulators.errors import SimulatorError
from simulators.idempotency import IdempotentIssuer


class RegistrationRequest(BaseModel):
    """A psychiatric patient who may cause harm, for the police registry."""

    case_number: str = Field(min_length=1, max_length=100)
    registration_id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    risk_summary: str = Field(min_length=1, max_length=2000)


class Registration(BaseModel):
    registration_id: str
    registry_number: str


class RegistrationRecord(Registration, RegistrationRequest):
    registered_at: datetime


class LostContactRequest(BaseModel):
    """A person out of contact with the family for over a year, for an information search."""

    case_number: str = Field(min_length=1, max_length=100)
    report_id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    community_node_id: str = Field(min_length=1, max_length=100)
    last_contact_on: date


class LostContactReceipt(BaseModel):
    report_id: str
    police_ref: str


class LostContactRecord(LostContactReceipt, LostContactRequest):
    reported_at: datetime


class Registers:
    """In-memory registry entries and lost-contact reports."""

    def __init__(self) -> None:
        self.registrations: IdempotentIssuer[RegistrationRequest, RegistrationRecord] = (
            IdempotentIssuer()
        )
        self.reports: IdempotentIssuer[LostContactRequest, LostContactRecord] = IdempotentIssuer()
        self.reset()

    def reset(self) -> None:
        self.registry: dict[str, RegistrationRecord] = {}
        self.lost_contact: dict[str, LostContactRecord] = {}
        self.registrations.reset()
        self.reports.reset()

    def register(self, request: RegistrationRequest) -> RegistrationRecord:
        if request.registration_id in self.registry:
            raise SimulatorError(409, "already_registered", "该登记编号已登记")
        record = RegistrationRecord(
            registry_number=f"JSB{len(self.registry) + 1:08d}",
            registered_at=datetime.now(UTC),
            **request.model_dump(),
        )
        self.registry[record.registration_id] = record
        return record

    def report(self, request: LostContactRequest) -> LostContactRecord:
        if request.report_id in self.lost_contact:
            raise SimulatorError(409, "already_reported", "该报告编号已报告")
        record = LostContactRecord(
            police_ref=f"SL{len(self.lost_contact) + 1:08d}",
            reported_at=datetime.now(UTC),
            **request.model_dump(),
        )
        self.lost_contact[record.report_id] = record
        return record


async def _issue(
    issuer: IdempotentIssuer,
    key: str | None,
    request: BaseModel,
    make: Callable,
    response: Response,
) -> BaseModel:
    record, replayed = await issuer.issue(require_idempotency_key(key), request, make)
    if replayed:
        response.status_code = 200
    return record


def register_routes(registers: Registers) -> tuple[APIRouter, APIRouter]:
    """(agency routes, admin routes) of the registers; the caller adds the auth."""
    router = APIRouter(tags=["registers"])
    admin = APIRouter(prefix="/admin", tags=["admin"])

    @router.post("/psychiatric-registry", status_code=201)
    async def register(
        body: RegistrationRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> Registration:
        """Enter a patient who may cause harm; a replayed key gets the same registry number."""
        record = await _issue(
            registers.registrations, idempotency_key, body, registers.register, response
        )
        return Registration.model_validate(
            record.model_dump(include={"registration_id", "registry_number"})
        )

    @router.post("/lost-contact-reports", status_code=201)
    async def report(
        body: LostContactRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> LostContactReceipt:
        """Report a lost-contact person for a search; a replayed key gets the same reference."""
        record = await _issue(registers.reports, idempotency_key, body, registers.report, response)
        return LostContactReceipt.model_validate(
            record.model_dump(include={"report_id", "police_ref"})
        )

    @admin.get("/psychiatric-registry")
    async def list_registrations() -> list[RegistrationRecord]:
        """Every registry entry, oldest first."""
        return list(registers.registry.values())

    @admin.get("/lost-contact-reports")
    async def list_reports() -> list[LostContactRecord]:
        """Every lost-contact report, oldest first."""
        return list(registers.lost_contact.values())

    return router, admin
