"""Callbacks from agencies (police DNA results, hospital discharges and settlement vouchers),
passed to the waiting workflow as signals.

Each agency authenticates with its own key (``X-Agency-Key``, compared in constant time).
Dedupe by ``callback_id``: the row in ``agency_callbacks`` is inserted *before* the signal, so
two concurrent copies of one callback never both signal; when the signal fails (unknown case,
Temporal down) the row is deleted again, so the agency's retry is treated as new. A copy that
arrives while the first is still being signalled is answered ``duplicate``; if that first
attempt then fails, the agency got the error on it and retries. A row whose signal never
happened (the API died in between) can be claimed again after a minute. Bodies carry personal
data: they are never logged, and the audit log records only who, what kind and which workflow.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from temporalio.service import RPCError, RPCStatusCode

from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError
from db.audit_repo import record_access
from db.callbacks_repo import (
    Claim,
    case_exists,
    claim_callback,
    dna_sample_of_case,
    mark_signalled,
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

SIGNAL_TIMEOUT_SECONDS = 10


class CallbackAck(BaseModel):
    status: Literal["accepted", "duplicate"]
    """accepted (202): passed to the case now; duplicate (200): already received, nothing done."""


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
    """Claim the callback id, signal the workflow, and answer accepted or duplicate."""
    async with ctx.pool.acquire() as conn:
        claim = await claim_callback(
            conn, callback_id=body.callback_id, agency=agency, kind=kind,
            workflow_id=workflow_id, body=body.model_dump(mode="json"),
        )
    if claim is Claim.DUPLICATE:
        await _audit(ctx, request, agency, kind, workflow_id, True, "duplicate")
        response.status_code = 200
        return CallbackAck(status="duplicate")
    if claim is Claim.CONFLICT:
        await _audit(ctx, request, agency, kind, workflow_id, True, "conflict")
        raise ApiError(409, "callback_conflict",
                       "该回调编号已收到过内容不同的回调，请使用新的 callback_id")
    try:
        await _signal(ctx, workflow_id, kind, body)
    except Exception as exc:  # not signalled: forget the claim so a retry is treated as new
        async with ctx.pool.acquire() as conn:
            await release_callback(conn, callback_id=body.callback_id)
        await _audit(ctx, request, agency, kind, workflow_id, True,
                     exc.code if isinstance(exc, ApiError) else "signal_failed")
        raise
    async with ctx.pool.acquire() as conn:
        await mark_signalled(conn, callback_id=body.callback_id)
    await _audit(ctx, request, agency, kind, workflow_id, True, "accepted")
    return CallbackAck(status="accepted")


async def _signal(ctx: AppContext, workflow_id: str, kind: str, body: BaseModel) -> None:
    """Signal the workflow; 404 unknown_case, 409 case_closed, 503 temporal_unavailable."""
    handle = ctx.temporal.get_workflow_handle(workflow_id)
    unavailable = ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试",
                           headers={"Retry-After": "5"})
    try:
        async with asyncio.timeout(SIGNAL_TIMEOUT_SECONDS):
            await handle.signal(kind, body)
        return
    except (TimeoutError, RuntimeError):  # RuntimeError: the client cannot (re)connect
        raise unavailable from None
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise unavailable from None
    # Not found: either no such workflow, or it has already closed.
    try:
        async with asyncio.timeout(SIGNAL_TIMEOUT_SECONDS):
            await handle.describe()
    except (TimeoutError, RuntimeError):
        raise unavailable from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ApiError(404, "unknown_case", "找不到该回调所属的个案（流程不存在）") from None
        raise unavailable from None
    raise ApiError(409, "case_closed", "该回调所属的流程已结束，不能再接收回调")


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
           503: {"description": "temporal_unavailable"}}


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

