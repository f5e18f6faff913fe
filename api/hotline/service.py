"""12349 calls for the API and the console: the operator records a call (its workflow starts
and dispatches it), the station or patrol on duty confirms arrival and records the finding (a
person found gets a case through the case service, keyed by the call), the operator calls back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.auth.network_access import AGENCY_ROLES, within
from api.cases import service as case_service
from api.cases.service import CreateCaseRequest
from api.context import AppContext
from api.errors import ApiError
from api.workflow_calls import send_update
from db import hotline_repo
from db.audit_repo import record_access
from db.hotline_repo import CallRecord
from db.network_repo import NodeNotFound, get_node
from db.users_repo import UserRecord
from domain.enums import DiscoveryChannel, NodeLevel, Role
from domain.hotline import (
    CALL_NOT_YOURS,
    CALL_STEP_REFUSED,
    ArrivalInput,
    CallbackInput,
    FindingInput,
    FindingRequest,
    HotlineCallRequest,
    HotlineInput,
    HotlineState,
    hotline_policy,
    hotline_workflow_id,
)
from domain.tasks import Actor
from workflows.hotline_report import PATROL_ROLES, HotlineReportWorkflow

_ERRORS = {CALL_STEP_REFUSED: (409, "call_step_refused"), CALL_NOT_YOURS: (403, "forbidden")}
_CLOSED = ("call_closed", "该来电已办结")


def _actor(user: UserRecord) -> Actor:
    return Actor(user_id=str(user.user_id), username=user.username, node_id=user.node_id,
                 role=user.role, display_name=user.display_name)


async def record_call(ctx: AppContext, user: UserRecord, body: HotlineCallRequest,
                      client: str | None) -> tuple[CallRecord, bool]:
    """Record a call and start its workflow; the same call id answers the same call."""
    if user.role != Role.HOTLINE_OPERATOR:
        raise ApiError(403, "forbidden", "来电由12349热线接线员受理")
    wid = hotline_workflow_id(body.call_id)
    received = datetime.now(UTC)
    async with ctx.pool.acquire() as conn:
        try:
            area = await get_node(conn, node_id=body.area_node_id)
        except NodeNotFound:
            raise ApiError(422, "area_not_found", f"找不到发生地所属单位：{body.area_node_id}") from None
        if area.level in (NodeLevel.AGENCY, NodeLevel.BUREAU):
            raise ApiError(422, "area_not_found", "请选择发生地所属的县(区)、乡镇(街道)或社区(村)")
        created = await hotline_repo.insert_call(
            conn, call_id=body.call_id, workflow_id=wid, received_at=received,
            operator=user.username, area_node_id=area.node_id, kind=body.kind, place=body.place,
            description=body.description, caller_phone=body.caller_phone)
        await record_access(conn, user_id=user.user_id, username=user.username,
                            action="hotline_call", subject=f"call:{body.call_id}", allowed=True,
                            client=client, detail="new" if created else "repeat")
        stored = await hotline_repo.get_call(conn, call_id=body.call_id)
    assert stored is not None
    try:
        await ctx.temporal.start_workflow(
            HotlineReportWorkflow.run,
            HotlineInput(call_id=body.call_id, area_node_id=stored.area_node_id, kind=stored.kind,
                         caller_phone=stored.caller_phone, received_at=stored.received_at,
                         policy=hotline_policy(ctx.settings.policy)),
            id=wid, task_queue=ctx.settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    except WorkflowAlreadyStartedError:
        pass
    except RPCError:
        raise ApiError(503, "temporal_unavailable",
                       "流程服务暂时不可用，请稍后用同一来电编号重试（不会重复受理）") from None
    return stored, created


def _may_see(user: UserRecord, call: CallRecord) -> bool:
    if user.role in PATROL_ROLES or call.operator == user.username:
        return True
    if user.role in AGENCY_ROLES:
        return False
    return within(user, call.area_path) or (call.duty_path is not None and within(user, call.duty_path))


async def get_call(ctx: AppContext, user: UserRecord, call_id: str) -> CallRecord:
    async with ctx.pool.acquire() as conn:
        call = await hotline_repo.get_call(conn, call_id=call_id)
    if call is None or not _may_see(user, call):  # out of jurisdiction looks like not found
        raise ApiError(404, "call_not_found", "找不到该来电")
    return call


async def list_calls(ctx: AppContext, user: UserRecord) -> list[CallRecord]:
    if user.role in AGENCY_ROLES and user.role not in PATROL_ROLES:
        return []
    path = "/" if user.role in PATROL_ROLES else user.node_path
    async with ctx.pool.acquire() as conn:
        return await hotline_repo.list_calls(conn, path=path, operator=user.username)


async def _update(ctx: AppContext, call: CallRecord, update: Any, arg: Any) -> HotlineState:
    return await send_update(ctx.temporal.get_workflow_handle(call.workflow_id), update, arg,
                             errors=_ERRORS, result_type=HotlineState, closed=_CLOSED)


async def confirm_arrival(ctx: AppContext, user: UserRecord, call_id: str, note: str | None) -> CallRecord:
    call = await get_call(ctx, user, call_id)
    await _update(ctx, call, HotlineReportWorkflow.confirm_arrival, ArrivalInput(actor=_actor(user), note=note))
    return await get_call(ctx, user, call_id)


async def record_finding(ctx: AppContext, user: UserRecord, call_id: str, body: FindingRequest,
                         client: str | None) -> CallRecord:
    """A person found gets a case (report id ``hotline-<call id>``: repeating opens no second one)."""
    call = await get_call(ctx, user, call_id)
    case_id = None
    if body.found:
        state = await _query(ctx, call)
        if state is not None and state.arrived_at is None:
            raise ApiError(409, "call_step_refused", "请先确认到场，再登记现场情况")
        opened = await case_service.open_case(ctx, user, CreateCaseRequest(
            report_id=f"hotline-{call.call_id}", channel=DiscoveryChannel.HOTLINE, place=call.place,
            person_name=body.person_name, sex=body.sex, apparent_minor=body.apparent_minor,
            condition=body.condition, description=(call.description or "") + f"\n现场：{body.note}",
            reporter_phone=call.caller_phone, station_node_id=call.duty_node_id,
            policy=body.policy, policy_overrides=body.policy_overrides), client)
        case_id = opened.case_id
    await _update(ctx, call, HotlineReportWorkflow.record_finding,
                  FindingInput(actor=_actor(user), found=body.found, note=body.note, case_id=case_id))
    return await get_call(ctx, user, call_id)


async def record_callback(ctx: AppContext, user: UserRecord, call_id: str, note: str) -> CallRecord:
    call = await get_call(ctx, user, call_id)
    await _update(ctx, call, HotlineReportWorkflow.record_callback, CallbackInput(actor=_actor(user), note=note))
    return await get_call(ctx, user, call_id)


async def _query(ctx: AppContext, call: CallRecord) -> HotlineState | None:
    try:
        async with asyncio.timeout(10):
            return await ctx.temporal.get_workflow_handle(call.workflow_id).query(HotlineReportWorkflow.state)
    except (RPCError, TimeoutError):
        return None
