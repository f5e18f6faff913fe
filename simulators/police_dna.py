"""The anti-trafficking DNA database (打拐DNA信息库) of the police simulator.

Samples are submitted idempotently; the comparison result comes much later, sent by the
simulator itself to the rescue API (``POST /api/v1/agency/police/dna-results``), when an admin
endpoint says so or, by configuration, a fixed time after each submission.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field

from domain.agencies import HouseholdRecord
from domain.callbacks import DnaResult
from simulators.callbacks import CallbackSender
from simulators.common import SimulatorConfig, require_idempotency_key
from simulators.errors import SimulatorError
from simulators.idempotency import IdempotentIssuer
from simulators.police_data import PopulationRecord

log = logging.getLogger("simulators.police")

DNA_RESULTS_PATH = "/police/dna-results"


class SampleRequest(BaseModel):
    """A biological sample collected from a minor, for comparison."""

    case_number: str = Field(min_length=1, max_length=100)
    sample_id: str = Field(min_length=1, max_length=200)
    collected_on: date
    collected_by: str = Field(min_length=1, max_length=100)


class SampleReceipt(BaseModel):
    sample_id: str
    database_ref: str


class SampleRecord(SampleReceipt):
    """A sample as the database keeps it."""

    case_number: str
    collected_on: date
    collected_by: str
    submitted_at: datetime


class DnaResultTrigger(BaseModel):
    """Admin: make the database send a comparison result for a sample."""

    matched: bool
    id_number: str | None = Field(default=None, description="Demo resident the sample matches")
    delay_ms: int = Field(default=0, ge=0, le=3_600_000)
    repeat: int = Field(default=1, ge=1, le=20, description="Send the same callback N times")


class TriggeredCallback(BaseModel):
    callback_id: str
    deliveries: int


class DnaDatabase:
    """In-memory samples of one DNA database."""

    def __init__(self, population: list[PopulationRecord]) -> None:
        self.population = population
        self.issuer: IdempotentIssuer[SampleRequest, SampleRecord] = IdempotentIssuer()
        self.reset()

    def reset(self) -> None:
        self.samples: dict[str, SampleRecord] = {}
        self.issuer.reset()

    def submit(self, request: SampleRequest) -> SampleRecord:
        if request.sample_id in self.samples:
            raise SimulatorError(409, "sample_exists", f"样本 {request.sample_id} 已入库")
        record = SampleRecord(
            database_ref=f"DNA{len(self.samples) + 1:010d}",
            submitted_at=datetime.now(UTC),
            **request.model_dump(),
        )
        self.samples[record.sample_id] = record
        return record

    def match_for(self, id_number: str | None) -> PopulationRecord:
        """The resident named, or by default the first minor of the demo population."""
        if id_number is None:
            today = date.today()
            minors = [p for p in self.population if (today - p.birth_date).days < 18 * 365]
            return (minors or self.population)[0]
        wanted = id_number.strip().upper()
        for person in self.population:
            if person.id_number == wanted:
                return person
        raise SimulatorError(422, "unknown_person", "人口库中没有该身份证号码 (unknown id_number)")

    def result(self, sample_id: str, matched: bool, id_number: str | None) -> DnaResult:
        sample = self.samples.get(sample_id)
        if sample is None:
            raise SimulatorError(404, "not_found", f"样本 {sample_id} 不存在")
        if id_number is not None and not matched:
            raise SimulatorError(422, "id_number_without_match", "未比中时不能指定身份证号码")
        person = self.match_for(id_number) if matched else None
        return DnaResult(
            callback_id=f"dna-{uuid.uuid4().hex}",
            case_number=sample.case_number,
            sample_id=sample.sample_id,
            matched=matched,
            record=HouseholdRecord.model_validate(person.model_dump()) if person else None,
            compared_at=datetime.now(UTC),
        )


def send_result(sender: CallbackSender, result: DnaResult, delay_ms: int, repeat: int) -> None:
    sender.send(DNA_RESULTS_PATH, result.model_dump(mode="json"), delay_ms=delay_ms, repeat=repeat)


def dna_routes(db: DnaDatabase, config: SimulatorConfig) -> tuple[APIRouter, APIRouter]:
    """(agency routes, admin routes) of the DNA database; the caller adds the auth."""
    router = APIRouter(tags=["dna"])
    admin = APIRouter(prefix="/admin", tags=["admin"])

    @router.post("/dna/samples", status_code=201)
    async def submit_sample(
        sample: SampleRequest,
        request: Request,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> SampleReceipt:
        """Enter a sample for comparison; the result arrives later by callback."""
        key = require_idempotency_key(idempotency_key)
        record, replayed = await db.issuer.issue(key, sample, db.submit)
        if replayed:
            response.status_code = 200
        elif config.auto_dna_result_after_ms is not None:
            sender: CallbackSender = request.app.state.callbacks
            if sender.callback_url:
                result = db.result(record.sample_id, config.auto_dna_match, None)
                send_result(sender, result, config.auto_dna_result_after_ms, 1)
            else:
                log.warning("automatic DNA result skipped: no callback URL configured")
        return SampleReceipt(sample_id=record.sample_id, database_ref=record.database_ref)

    @admin.post("/dna/{sample_id}/result", status_code=202)
    async def trigger_result(
        sample_id: str, trigger: DnaResultTrigger, request: Request
    ) -> TriggeredCallback:
        """Send a comparison result for the sample to the rescue API (in the background)."""
        sender: CallbackSender = request.app.state.callbacks
        sender.require_configured()
        result = db.result(sample_id, trigger.matched, trigger.id_number)
        send_result(sender, result, trigger.delay_ms, trigger.repeat)
        return TriggeredCallback(callback_id=result.callback_id, deliveries=trigger.repeat)

    @admin.get("/dna/samples")
    async def list_samples() -> list[SampleRecord]:
        """Every sample submitted, oldest first."""
        return list(db.samples.values())

    return router, admin
