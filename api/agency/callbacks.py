"""Callbacks from agencies (police DNA results, hospital discharges and settlement vouchers),
stored first, then passed to the waiting workflow as signals by the outbox relay.

Each agency authenticates with its own key (``X-Agency-Key``, compared in constant time).
Dedupe by ``callback_id``: the row in ``agency_callbacks`` and the message in ``outbox`` are
written in one transaction before anything is answered, so an accepted callback is never lost
and two copies of one callback never both go to the workflow. The request then tries to deliver
for a few seconds: delivered answers 202 ``accepted``; Temporal out of reach answers 202
``queued`` (the relay delivers it when Temporal is back, in order per case); a workflow that
does not exist or has closed answers 404/409 and the callback is forgotten, so a retry is new.
Bodies carry personal data: they are never logged, and the audit log records only who, what
kind and which workflow.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from api.agency import delivery
from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.outbox.deliverers import relay_of
from api.outbox.relay import Outcome
from db import outbox_repo
from db.audit_repo import record_access
from db.callbacks_repo import (
    Claim,
    case_exists,
    claim_callback,
    dna_sample_of_case,
    release_callback,
)
from domain.callbacks import (
    SIGNAL_DNA_RESULT,
    SIGNAL_HOSPITAL_DISCHARGE,
    SIGNAL_SETTLEMENT_VOUCHER,
    DnaResult,
    HospitalDischarge,
    SettlementVoucher,
)
from workflows.ids import case_workflow_id, treatment_workflow_id

router = APIRouter(prefix="/api/v1/agency", tags=["agency callbacks"])

DELIVERY_WAIT_SECONDS = 4.0
"""How long a callback request waits for its delivery before answering ``queued``."""


class CallbackAck(BaseModel):
    status: Literal["accepted", "queued", "duplicate"]
    """accepted (202): passed to the case now; queued (202): stored, passed to the case as soon
    as the process service is back; duplicate (200): already received, nothing done."""


async def _audit(
    ctx: AppContext, request: Request, agency: str, kind: str, subject: str, allowed: bool,
    detail: str,
) -> None:
    await record_access(
        ctx.pool, user_id=None, username=f"agency:{agency}", action=f"callback:{kind}",
        subject=subject, allowed=allowed, client=client_address(request), detail=detail,
    )


def _agency_key(agency: str, kind: str) -> Callable[..., Awaitable[None]]:
    """Dependency: the caller presents this agency's callback key, else 401 (audited)."""

    async def check(request: Request, ctx: Ctx) -> None:
        expected: str = getattr(ctx.settings, f"{agency}_callback_key") or ""
        given = request.headers.get("x-agency-key", "")
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            await _audit(ctx, request, agency, kind, request.url.path, False,
                         "missing key" if not given else "wrong key")
            raise ApiError(401, "agency_unauthorized", "协作单位回调密钥缺失或无效（X-Agency-Key）")

    return check


async def _receive(
    ctx: AppContext, request: Request, response: Response, *, agency: str, kind: str,
    workflow_id: str, body: DnaResult | HospitalDischarge | SettlementVoucher,
) -> CallbackAck:
    """Store the callback (dedupe row and outbox message), try to deliver it, and answer
    accepted, queued or duplicate."""
    payload = body.model_dump(mode="json")
    async with ctx.pool.acquire() as conn, conn.transaction():
        claim = await claim_callback(conn, callback_id=body.callback_id, agency=agency,
                                     kind=kind, workflow_id=workflow_id, body=payload)
        outbox_id = None
        if claim is Claim.NEW:
            outbox_id = await outbox_repo.add(conn, workflow_id=workflow_id, kind=delivery.KIND,
                                              name=kind, payload=payload,
                                              dedupe_key=body.callback_id)
    if claim is Claim.DUPLICATE:
        await _audit(ctx, request, agency, kind, workflow_id, True, "duplicate")
        response.status_code = 200
        return CallbackAck(status="duplicate")
    if claim is Claim.CONFLICT or outbox_id is None:
        await _audit(ctx, request, agency, kind, workflow_id, True, "conflict")
        raise ApiError(409, "callback_conflict",
                       "该回调编号已收到过内容不同的回调，请使用新的 callback_id")
    state = await relay_of(ctx).deliver_now(workflow_id, outbox_id, DELIVERY_WAIT_SECONDS)
    outcome = state.outcome if state is not None else None
    if outcome in (Outcome.UNKNOWN_CASE, Outcome.CASE_CLOSED):
        # Never deliverable: forget it, so the agency's retry (once the case exists) is new.
        async with ctx.pool.acquire() as conn, conn.transaction():
            await outbox_repo.delete(conn, outbox_id=outbox_id)
            await release_callback(conn, agency=agency, callback_id=body.callback_id)
        await _audit(ctx, request, agency, kind, workflow_id, True, str(outcome))
        if outcome == Outcome.UNKNOWN_CASE:
            raise ApiError(404, "unknown_case", "找不到该回调所属的个案（流程不存在）")
        raise ApiError(409, "case_closed", "该回调所属的流程已结束，不能再接收回调")
    if outcome == Outcome.DELIVERED:
        await _audit(ctx, request, agency, kind, workflow_id, True, "accepted")
        return CallbackAck(status="accepted")
    await _audit(ctx, request, agency, kind, workflow_id, True, "queued")
    return CallbackAck(status="queued")


def _treatment_workflow(case_ref: str) -> str:
    try:
        return treatment_workflow_id(case_ref)
    except ValueError:
        raise ApiError(422, "invalid_case_ref",
                       "case_ref 格式应为“个案编号/T序号”（如 JZ2026000001/T1）") from None


PoliceKey = Depends(_agency_key("police", SIGNAL_DNA_RESULT))
DischargeKey = Depends(_agency_key("hospital", SIGNAL_HOSPITAL_DISCHARGE))
VoucherKey = Depends(_agency_key("hospital", SIGNAL_SETTLEMENT_VOUCHER))
_ERRORS = {401: {"description": "agency_unauthorized"}, 404: {"description": "unknown_case"},
           409: {"description": "callback_conflict / case_closed"},
           503: {"description": "database_unavailable"}}


@router.post("/police/dna-results", status_code=202, dependencies=[PoliceKey],
             responses={200: {"model": CallbackAck, "description": "duplicate"}, **_ERRORS})
async def dna_result(body: DnaResult, ctx: Ctx, request: Request,
                     response: Response) -> CallbackAck:
    """Police: a DNA comparison result (打拐DNA比对结果) for a case's sample; refused (422,
    recorded, nothing signalled) for a sample the case never sent."""
    async with ctx.pool.acquire() as conn:
        known_case = await case_exists(conn, case_number=body.case_number)
        known_sample = known_case and await dna_sample_of_case(
            conn, case_number=body.case_number, sample_id=body.sample_id)
    if not known_case:
        await _audit(ctx, request, "police", SIGNAL_DNA_RESULT, body.case_number, True, "unknown_case")
        raise ApiError(404, "unknown_case", f"找不到个案 {body.case_number}")
    if not known_sample:
        await _audit(ctx, request, "police", SIGNAL_DNA_RESULT, body.case_number, True, "unknown_sample")
        raise ApiError(422, "unknown_sample", "该个案没有送检过这个DNA样本，比对结果未采用")
    return await _receive(ctx, request, response, agency="police", kind=SIGNAL_DNA_RESULT,
                          workflow_id=case_workflow_id(body.case_number), body=body)


async def _hospital(ctx: AppContext, request: Request, response: Response, kind: str,
                    body: HospitalDischarge | SettlementVoucher) -> CallbackAck:
    try:
        workflow_id = _treatment_workflow(body.case_ref)
    except ApiError:
        await _audit(ctx, request, "hospital", kind, request.url.path, True, "invalid_case_ref")
        raise
    case_number = body.case_ref.partition("/")[0]
    async with ctx.pool.acquire() as conn:
        known = await case_exists(conn, case_number=case_number)
    if not known:
        await _audit(ctx, request, "hospital", kind, workflow_id, True, "unknown_case")
        raise ApiError(404, "unknown_case", "找不到该回调所属的个案")
    return await _receive(ctx, request, response, agency="hospital", kind=kind,
                          workflow_id=workflow_id, body=body)


@router.post("/hospital/discharges", status_code=202, dependencies=[DischargeKey],
             responses={200: {"model": CallbackAck, "description": "duplicate"},
                        422: {"description": "invalid_case_ref"}, **_ERRORS})
async def hospital_discharge(body: HospitalDischarge, ctx: Ctx, request: Request,
                             response: Response) -> CallbackAck:
    """Hospital: the patient admitted with our introduction letter left hospital (出院)."""
    return await _hospital(ctx, request, response, SIGNAL_HOSPITAL_DISCHARGE, body)


@router.post("/hospital/settlement-vouchers", status_code=202, dependencies=[VoucherKey],
             responses={200: {"model": CallbackAck, "description": "duplicate"},
                        422: {"description": "invalid_case_ref"}, **_ERRORS})
async def settlement_voucher(body: SettlementVoucher, ctx: Ctx, request: Request,
                             response: Response) -> CallbackAck:
    """Hospital: a settlement voucher (结算凭证) for treatment given first (先救治后结算)."""
    return await _hospital(ctx, request, response, SIGNAL_SETTLEMENT_VOUCHER, body)

