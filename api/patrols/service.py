"""Joint patrols for the API and the console: started by hand (extreme weather, a major event)
by a station head or the bureau, followed by the area's subtree; each encounter recorded, a
person needing help gets a case (report id ``patrol-<patrol id>-<n>``, channel patrol)."""

from __future__ import annotations

import uuid
from typing import Any

from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.auth.network_access import AGENCY_ROLES, within
from api.cases import service as case_service
from api.cases.service import CreateCaseRequest
from api.context import AppContext
from api.errors import ApiError
from api.workflow_calls import send_update
from db import patrols_repo
from db.network_repo import NodeNotFound, get_node
from db.patrols_repo import PatrolRecord
from db.users_repo import UserRecord
from domain.enums import DiscoveryChannel, NodeLevel, Role
from domain.patrol import (
    ENCOUNTER_REFUSED,
    EncounterInput,
    EncounterOutcome,
    EncounterRequest,
    FinishInput,
    PatrolInput,
    PatrolRequest,
    PatrolState,
    patrol_policy,
    patrol_workflow_id,
)
from domain.tasks import Actor
from workflows.patrol import PATROL_ROLES, PatrolWorkflow

STARTS_PATROLS = frozenset({Role.BUREAU_LEADER, Role.STATION_HEAD})
_FIELD_ROLES = frozenset({Role.POLICE, Role.URBAN_MANAGEMENT})
"""Police and urban management take part in every area's patrols."""


def _actor(user: UserRecord) -> Actor:
    return Actor(user_id=str(user.user_id), username=user.username, node_id=user.node_id,
                 role=user.role, display_name=user.display_name)


async def start(ctx: AppContext, user: UserRecord, body: PatrolRequest) -> tuple[str, bool]:
    """Start a patrol by hand; the same patrol id starts nothing twice."""
    if user.role not in STARTS_PATROLS:
        raise ApiError(403, "forbidden", "联合巡查由救助站站长或民政局启动")
    async with ctx.pool.acquire() as conn:
        try:
            area = await get_node(conn, node_id=body.area_node_id)
        except NodeNotFound:
            raise ApiError(422, "area_not_found", f"找不到巡查区域：{body.area_node_id}") from None
    if area.level != NodeLevel.COUNTY_STATION:
        raise ApiError(422, "area_not_found", "巡查区域请选择县(区)救助站")
    if not within(user, area.path):
        raise ApiError(403, "forbidden", "该区域不在您所在单位的管辖范围内")
    patrol_id = body.patrol_id or f"{area.node_id}:{uuid.uuid4().hex[:8]}:{body.trigger.value}"
    try:
        await ctx.temporal.start_workflow(
            PatrolWorkflow.run,
            PatrolInput(patrol_id=patrol_id, area_node_id=area.node_id, trigger=body.trigger,
                        reason=body.reason, places=body.places, departments=body.departments,
                        started_by=user.username, policy=patrol_policy(ctx.settings.policy)),
            id=patrol_workflow_id(patrol_id), task_queue=ctx.settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        return patrol_id, True
    except WorkflowAlreadyStartedError:
        return patrol_id, False
    except RPCError:
        raise ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试") from None


def _may_see(user: UserRecord, patrol: PatrolRecord) -> bool:
    if user.role in _FIELD_ROLES:
        return True
    return user.role not in AGENCY_ROLES and within(user, patrol.area_path)


async def get(ctx: AppContext, user: UserRecord, patrol_id: str) -> PatrolRecord:
    async with ctx.pool.acquire() as conn:
        patrol = await patrols_repo.get(conn, patrol_id=patrol_id)
    if patrol is None:
        raise ApiError(404, "patrol_not_found", "找不到该次巡查（刚启动的巡查请稍后刷新）")
    if not _may_see(user, patrol):
        raise ApiError(403, "forbidden", "该次巡查不在您所在单位的管辖范围内")
    return patrol


async def list_patrols(ctx: AppContext, user: UserRecord) -> list[PatrolRecord]:
    if user.role in AGENCY_ROLES and user.role not in _FIELD_ROLES:
        return []
    async with ctx.pool.acquire() as conn:
        return await patrols_repo.list_in(conn, path="/" if user.role in _FIELD_ROLES else user.node_path)


async def _update(ctx: AppContext, patrol: PatrolRecord, update: Any, arg: Any) -> None:
    await send_update(ctx.temporal.get_workflow_handle(patrol_workflow_id(patrol.patrol_id)), update,
                      arg, errors={ENCOUNTER_REFUSED: (409, "patrol_refused")},
                      result_type=PatrolState, closed=("patrol_finished", "本次巡查已结束"))


async def record_encounter(ctx: AppContext, user: UserRecord, patrol_id: str, body: EncounterRequest,
                           client: str | None) -> PatrolRecord:
    patrol = await get(ctx, user, patrol_id)
    if user.role not in PATROL_ROLES:
        raise ApiError(403, "forbidden", "只有参加联合巡查的部门可以登记")
    case_id = None
    if body.outcome == EncounterOutcome.CASE_OPENED:
        opened = await case_service.open_case(ctx, user, CreateCaseRequest(
            report_id=f"patrol-{patrol.patrol_id.replace(':', '-')}-{len(patrol.encounters) + 1}",
            channel=DiscoveryChannel.PATROL, place=body.place, sex=body.sex,
            apparent_minor=body.apparent_minor, condition=body.condition,
            description=f"联合巡查发现：{body.note}", station_node_id=patrol.area_node_id,
            policy=body.policy, policy_overrides=body.policy_overrides), client)
        case_id = opened.case_id
    await _update(ctx, patrol, PatrolWorkflow.record_encounter,
                  EncounterInput(actor=_actor(user), place=body.place, outcome=body.outcome,
                                 note=body.note, case_id=case_id))
    return await get(ctx, user, patrol_id)


async def finish(ctx: AppContext, user: UserRecord, patrol_id: str, summary: str) -> PatrolRecord:
    patrol = await get(ctx, user, patrol_id)
    await _update(ctx, patrol, PatrolWorkflow.finish, FinishInput(actor=_actor(user), summary=summary))
    return await get(ctx, user, patrol_id)
