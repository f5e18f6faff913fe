"""What the hospital reports after admission, and how it gets paid (先救治后结算).

Admin endpoints make the hospital call the rescue API back: a discharge
(``/api/v1/agency/hospital/discharges``) and a settlement voucher
(``/api/v1/agency/hospital/settlement-vouchers``). The station then pays the voucher with
``POST /settlements/{voucher_no}/payment``, idempotent per ``Idempotency-Key``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field

from domain.callbacks import (
    DischargeOutcome,
    HospitalDischarge,
    SettlementItem,
    SettlementVoucher,
)
from simulators.callbacks import CallbackSender
from simulators.common import require_idempotency_key
from simulators.errors import SimulatorError
from simulators.hospital_wards import AdmissionRecord, Hospital
from simulators.idempotency import IdempotentIssuer

DISCHARGES_PATH = "/hospital/discharges"
VOUCHERS_PATH = "/hospital/settlement-vouchers"


class _Trigger(BaseModel):
    delay_ms: int = Field(default=0, ge=0, le=3_600_000)
    repeat: int = Field(default=1, ge=1, le=20, description="Send the same callback N times")


class DischargeTrigger(_Trigger):
    """Admin: the patient leaves hospital."""

    outcome: DischargeOutcome
    notes: str | None = Field(default=None, max_length=1000)


class SettlementTrigger(_Trigger):
    """Admin: the hospital issues a settlement voucher (结算凭证) for the treatment."""

    voucher_no: str = Field(min_length=1, max_length=60)
    items: list[SettlementItem] = Field(min_length=1)


class TriggeredCallback(BaseModel):
    callback_id: str
    deliveries: int


class PaymentRequest(BaseModel):
    """The station pays a settlement voucher."""

    settlement_id: str = Field(min_length=1, max_length=200)
    amount_fen: int = Field(gt=0)


class _KeyedPayment(PaymentRequest):
    voucher_no: str


class Payment(BaseModel):
    voucher_no: str
    payment_ref: str


class PaymentRecord(Payment):
    settlement_id: str
    amount_fen: int
    paid_at: datetime


class VoucherRecord(BaseModel):
    """A voucher as the hospital keeps it, with its payment once paid."""

    voucher_no: str
    admission_no: str
    case_ref: str
    amount_fen: int
    items: list[SettlementItem]
    issued_at: datetime
    payment: PaymentRecord | None = None


class Billing:
    """Discharges, vouchers and payments of one hospital."""

    def __init__(self, hospital: Hospital) -> None:
        self.hospital = hospital
        self.paying: IdempotentIssuer[_KeyedPayment, PaymentRecord] = IdempotentIssuer()
        self.reset()

    def reset(self) -> None:
        self.discharged: dict[str, DischargeOutcome] = {}
        self.vouchers: dict[str, VoucherRecord] = {}
        self.payments = 0
        self.paying.reset()

    def admission(self, admission_no: str) -> AdmissionRecord:
        record = self.hospital.admissions.get(admission_no)
        if record is None:
            raise SimulatorError(404, "not_found", f"住院号 {admission_no} 不存在")
        return record

    def discharge(self, admission_no: str, trigger: DischargeTrigger) -> HospitalDischarge:
        record = self.admission(admission_no)
        if admission_no in self.discharged:
            raise SimulatorError(409, "already_discharged", "该患者已出院")
        self.discharged[admission_no] = trigger.outcome
        return HospitalDischarge(
            callback_id=f"dis-{uuid.uuid4().hex}",
            case_ref=record.case_ref,
            admission_no=admission_no,
            discharged_at=datetime.now(UTC),
            outcome=trigger.outcome,
            notes=trigger.notes,
        )

    def issue_voucher(self, admission_no: str, trigger: SettlementTrigger) -> SettlementVoucher:
        record = self.admission(admission_no)
        if trigger.voucher_no in self.vouchers:
            raise SimulatorError(409, "voucher_exists", f"结算凭证 {trigger.voucher_no} 已开具")
        amount = sum(item.amount_fen for item in trigger.items)
        if amount <= 0:
            raise SimulatorError(422, "empty_voucher", "结算金额必须大于零")
        self.vouchers[trigger.voucher_no] = VoucherRecord(
            voucher_no=trigger.voucher_no,
            admission_no=admission_no,
            case_ref=record.case_ref,
            amount_fen=amount,
            items=trigger.items,
            issued_at=datetime.now(UTC),
        )
        return SettlementVoucher(
            callback_id=f"vou-{uuid.uuid4().hex}",
            case_ref=record.case_ref,
            admission_no=admission_no,
            voucher_no=trigger.voucher_no,
            amount_fen=amount,
            items=trigger.items,
        )

    def pay(self, request: _KeyedPayment) -> PaymentRecord:
        voucher = self.vouchers.get(request.voucher_no)
        if voucher is None:
            raise SimulatorError(404, "unknown_voucher", f"结算凭证 {request.voucher_no} 不存在")
        if request.amount_fen > voucher.amount_fen:
            # A reviewed settlement may pay less than claimed (核减), never more.
            raise SimulatorError(
                422, "amount_mismatch", f"付款金额超过结算凭证金额 {voucher.amount_fen} 分"
            )
        if voucher.payment is not None:
            raise SimulatorError(409, "voucher_already_paid", "该结算凭证已付款")
        self.payments += 1
        voucher.payment = PaymentRecord(
            voucher_no=voucher.voucher_no,
            payment_ref=f"FK{self.payments:08d}",
            settlement_id=request.settlement_id,
            amount_fen=request.amount_fen,
            paid_at=datetime.now(UTC),
        )
        return voucher.payment


def _send(
    request: Request, path: str, body: HospitalDischarge | SettlementVoucher, trigger: _Trigger
) -> TriggeredCallback:
    sender: CallbackSender = request.app.state.callbacks
    sender.send(
        path, body.model_dump(mode="json"), delay_ms=trigger.delay_ms, repeat=trigger.repeat
    )
    return TriggeredCallback(callback_id=body.callback_id, deliveries=trigger.repeat)


def billing_routes(billing: Billing) -> tuple[APIRouter, APIRouter]:
    """(agency routes, admin routes) of billing; the caller adds the auth."""
    router = APIRouter(tags=["settlements"])
    admin = APIRouter(prefix="/admin", tags=["admin"])

    @router.post("/settlements/{voucher_no:path}/payment", status_code=201)
    async def pay(
        voucher_no: str,
        body: PaymentRequest,
        response: Response,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> Payment:
        """Pay a voucher; a replayed key gets the same payment reference, nothing paid twice."""
        key = require_idempotency_key(idempotency_key)
        keyed = _KeyedPayment(voucher_no=voucher_no, **body.model_dump())
        record, replayed = await billing.paying.issue(key, keyed, billing.pay)
        if replayed:
            response.status_code = 200
        return Payment(voucher_no=record.voucher_no, payment_ref=record.payment_ref)

    @admin.post("/admissions/{admission_no}/discharge", status_code=202)
    async def discharge(
        admission_no: str, trigger: DischargeTrigger, request: Request
    ) -> TriggeredCallback:
        """Discharge the patient and tell the rescue API (in the background)."""
        request.app.state.callbacks.require_configured()
        return _send(request, DISCHARGES_PATH, billing.discharge(admission_no, trigger), trigger)

    @admin.post("/admissions/{admission_no}/settlement", status_code=202)
    async def settlement(
        admission_no: str, trigger: SettlementTrigger, request: Request
    ) -> TriggeredCallback:
        """Issue a settlement voucher and send it to the rescue API (in the background)."""
        request.app.state.callbacks.require_configured()
        voucher = billing.issue_voucher(admission_no, trigger)
        return _send(request, VOUCHERS_PATH, voucher, trigger)

    @admin.get("/settlements")
    async def list_vouchers() -> list[VoucherRecord]:
        """Every voucher issued, with its payment once paid, oldest first."""
        return list(billing.vouchers.values())

    return router, admin
