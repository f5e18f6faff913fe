"""Actions on a case at any time (departure, death, reclassification, transfer, care,
referral of behaviour, treatment): each a Workflow Update that the case validates."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.cases.access import load_case_for
from api.cases.service import CaseView, current_view
from api.deps import Ctx, CurrentUser, client_address
from api.errors import ApiError
from domain import case_actions as contracts
from domain.case import CaseAck
from domain.case_actions import ACTION_INVALID
from domain.completion import CLOCK_SLACK
from domain.enums import CareService, Classification
from domain.identity import normalize_id_number
from domain.plausible import HappenedAt
from domain.tasks import Actor
from workflows.case_runtime import ACTION_REFUSED
from workflows.rescue_case import RescueCaseWorkflow

router = APIRouter(prefix="/api/v1/cases/{case_id}/actions", tags=["case actions"])


class DepartureBody(BaseModel):
    declaration_signed: bool = Field(description="已签署自行离站声明书")
    fare_fen: int = Field(default=0, ge=0, le=contracts.MAX_SHORT_TRIP_FARE_FEN, description="短途路费（分）")
    notes: str | None = Field(default=None, max_length=500)


class DeathBody(BaseModel):
    died_at: HappenedAt = Field(description="死亡时间（不能早于发现或报告时间，不能晚于当前时间）")
    place: str = Field(min_length=1, max_length=200)
    cause: str = Field(min_length=1, max_length=500)
    police_notified: bool
    notes: str | None = Field(default=None, max_length=1000)

    @field_validator("died_at")
    @classmethod
    def _past(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("请填写带时区的时间")
        if value > datetime.now(UTC) + CLOCK_SLACK:
            raise ValueError("死亡时间不能晚于现在")
        return value


class ReclassifyBody(BaseModel):
    classification: Classification
    reason: str = Field(min_length=1, max_length=500)


class TransferBody(BaseModel):
    to_station_node_id: str | None = None
    to_external_station: str | None = Field(default=None, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class CareBody(BaseModel):
    service: CareService
    notes: str | None = Field(default=None, max_length=500)


class BehaviourBody(BaseModel):
    behaviour: str = Field(min_length=1, max_length=200)
    referred_to: str = Field(pattern="^(police|urban_management)$")
    notes: str | None = Field(default=None, max_length=500)


class TreatmentBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class IdentityCorrectionBody(BaseModel):
    name: str | None = Field(default=None, max_length=50, description="姓名")
    id_number: str | None = Field(default=None, max_length=18, description="身份证号码")
    birth_date: date | None = Field(default=None, description="出生日期")
    origin_address: str | None = Field(default=None, max_length=200, description="户籍地或流出地地址")
    reason: str = Field(min_length=1, max_length=500, description="更正理由（信息来源）")
    lookup_again: bool = Field(default=True, description="更正后重新进行公安户籍查询")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        return normalize_id_number(value) if value else None


async def _act(ctx: Ctx, user: Any, case_id: str, request: Request, update: Any,
               contract: type[BaseModel], body: BaseModel) -> CaseView:
    async with ctx.pool.acquire() as conn:
        report, _ = await load_case_for(conn, user=user, case_id=case_id,
                                        action=f"case_action:{update.__name__}",
                                        client=client_address(request), write=True)
    actor = Actor(user_id=str(user.user_id), username=user.username, node_id=user.node_id,
                  role=user.role, display_name=user.display_name)
    arg = contract.model_validate({**body.model_dump(), "actor": actor})
    handle = ctx.temporal.get_workflow_handle(report.workflow_id)
    try:
        async with asyncio.timeout(30):
            ack = await handle.execute_update(update, arg)  # answers small; the case is read below
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type == ACTION_REFUSED:
            raise ApiError(409, "action_refused", cause.message) from None
        if isinstance(cause, ApplicationError) and cause.type == ACTION_INVALID:
            raise ApiError(422, "invalid_request", cause.message) from None
        raise ApiError(409, "action_rejected", f"操作未能完成：{cause}") from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ApiError(409, "case_closed", "该个案流程已结束") from None
        raise ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试") from None
    except TimeoutError:
        raise ApiError(503, "worker_unavailable", "流程处理超时，请稍后刷新") from None
    settled = ack.version if isinstance(ack, CaseAck) and ack.settled else None
    return await current_view(ctx, user, report.workflow_id, report.case_id, settled_version=settled)


@router.post("/departure", response_model=CaseView)
async def departure(ctx: Ctx, user: CurrentUser, case_id: str, body: DepartureBody, request: Request) -> CaseView:
    """自行离站: an open-rescue person leaves; refused for protective rescue (409)."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.record_departure,
                      contracts.DepartureInput, body)


@router.post("/death", response_model=CaseView)
async def death(ctx: Ctx, user: CurrentUser, case_id: str, body: DeathBody, request: Request) -> CaseView:
    """死亡: record the death with the records the plan expects; the case closes."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.record_death,
                      contracts.DeathInput, body)


@router.post("/reclassify", response_model=CaseView)
async def reclassify(ctx: Ctx, user: CurrentUser, case_id: str, body: ReclassifyBody, request: Request) -> CaseView:
    """重新甄别: change the classification during the stay (rules still apply)."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.reclassify,
                      contracts.ReclassifyInput, body)


@router.post("/transfer", response_model=CaseView)
async def transfer(ctx: Ctx, user: CurrentUser, case_id: str, body: TransferBody, request: Request) -> CaseView:
    """转站: move the case with its history and open tasks to another station."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.transfer,
                      contracts.TransferInput, body)


@router.post("/care", response_model=CaseView)
async def care(ctx: Ctx, user: CurrentUser, case_id: str, body: CareBody, request: Request) -> CaseView:
    """站内服务: record a service given during the stay."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.record_care,
                      contracts.CareRecordInput, body)


@router.post("/behaviour-referral", response_model=CaseView)
async def behaviour_referral(ctx: Ctx, user: CurrentUser, case_id: str, body: BehaviourBody,
                             request: Request) -> CaseView:
    """违法行为移交: record a referral to police or urban management."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.refer_behaviour,
                      contracts.BehaviourReferralInput, body)


@router.post("/treatment", response_model=CaseView)
async def treatment(ctx: Ctx, user: CurrentUser, case_id: str, body: TreatmentBody, request: Request) -> CaseView:
    """送医救治: start a treatment episode with the designated hospital."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.request_treatment,
                      contracts.TreatmentRequestInput, body)


@router.post("/identity-correction", response_model=CaseView)
async def identity_correction(ctx: Ctx, user: CurrentUser, case_id: str, body: IdentityCorrectionBody,
                              request: Request) -> CaseView:
    """更正身份信息: add or correct the name, identity number, birth date or origin after
    registration (each change on record with who and why); the police lookup runs again."""
    return await _act(ctx, user, case_id, request, RescueCaseWorkflow.correct_identity,
                      contracts.IdentityCorrectionInput, body)
