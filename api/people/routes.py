"""The people of the network over JSON: liaison training sessions and the volunteer team.
A node sees its subtree; managers record training for the staff below them; stations,
townships and the bureau keep their volunteer teams."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.auth.network_access import AGENCY_ROLES, EDITS_NETWORK, require_sees, within
from api.context import AppContext
from api.deps import Ctx, CurrentUser
from api.errors import ApiError
from db import people_repo
from db.network_repo import NodeNotFound, get_node
from db.users_repo import UserRecord
from domain.enums import Role
from domain.network_people import (
    TrainingInput,
    TrainingSession,
    Volunteer,
    VolunteerActivity,
    VolunteerActivityInput,
    VolunteerInput,
)

router = APIRouter(prefix="/api/v1/people", tags=["people of the network"])

KEEPS_VOLUNTEERS = EDITS_NETWORK | {Role.CASEWORKER}


def _ids(values: list[str], what: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(v) for v in values]
    except ValueError:
        raise ApiError(422, f"{what}_not_found", "编号格式不正确") from None


async def _node_in_subtree(conn: object, user: UserRecord, node_id: str | None) -> str:
    target = node_id or user.node_id
    try:
        node = await get_node(conn, node_id=target)  # type: ignore[arg-type]
    except NodeNotFound:
        raise ApiError(422, "node_not_found", f"找不到单位：{target}") from None
    require_sees(user, node.path)
    return node.node_id


async def record_training(ctx: AppContext, user: UserRecord, body: TrainingInput) -> list[TrainingSession]:
    if user.role not in EDITS_NETWORK:
        raise ApiError(403, "forbidden", "联络员培训由市、县、乡镇救助机构组织和登记")
    ids = _ids(body.attendee_staff_ids, "staff")
    async with ctx.pool.acquire() as conn:
        paths = await people_repo.paths_of_staff(conn, ids)
        if len(paths) != len(set(ids)) or not all(within(user, p) for p in paths.values()):
            raise ApiError(422, "staff_not_found", "参训人员须为本单位及下级单位在岗人员")
        await people_repo.add_training(conn, organiser=user.node_id, data=body, attendees=ids,
                                       by=user.username)
        return await people_repo.trainings(conn, path=user.node_path)


@router.post("/trainings", response_model=list[TrainingSession], status_code=201)
async def add_training(ctx: Ctx, user: CurrentUser, body: TrainingInput) -> list[TrainingSession]:
    """Record a training session and who attended (staff of the caller's subtree)."""
    return await record_training(ctx, user, body)


@router.get("/trainings", response_model=list[TrainingSession])
async def list_trainings(ctx: Ctx, user: CurrentUser) -> list[TrainingSession]:
    """Sessions organised in the caller's subtree or attended by its people."""
    require_sees(user, user.node_path)
    async with ctx.pool.acquire() as conn:
        return await people_repo.trainings(conn, path=user.node_path)


async def register_volunteer(ctx: AppContext, user: UserRecord, body: VolunteerInput) -> Volunteer:
    if user.role not in KEEPS_VOLUNTEERS:
        raise ApiError(403, "forbidden", "志愿者由救助站、乡镇(街道)和民政局登记")
    async with ctx.pool.acquire() as conn:
        node_id = await _node_in_subtree(conn, user, body.node_id)
        vid = await people_repo.add_volunteer(conn, node_id=node_id, data=body, by=user.username)
        return next(v for v in await people_repo.volunteers(conn, path=user.node_path) if v.volunteer_id == vid)


@router.post("/volunteers", response_model=Volunteer, status_code=201)
async def add_volunteer(ctx: Ctx, user: CurrentUser, body: VolunteerInput) -> Volunteer:
    """Register a volunteer with skills and availability."""
    return await register_volunteer(ctx, user, body)


@router.get("/volunteers", response_model=list[Volunteer])
async def list_volunteers(ctx: Ctx, user: CurrentUser) -> list[Volunteer]:
    if user.role in AGENCY_ROLES:
        raise ApiError(403, "forbidden", "协作单位不查看志愿者队伍")
    async with ctx.pool.acquire() as conn:
        return await people_repo.volunteers(conn, path=user.node_path)


async def record_activity(ctx: AppContext, user: UserRecord, body: VolunteerActivityInput) -> list[VolunteerActivity]:
    if user.role not in KEEPS_VOLUNTEERS:
        raise ApiError(403, "forbidden", "志愿服务活动由救助站、乡镇(街道)和民政局登记")
    ids = _ids(body.volunteer_ids, "volunteer")
    async with ctx.pool.acquire() as conn:
        node_id = await _node_in_subtree(conn, user, body.node_id)
        paths = await people_repo.paths_of_volunteers(conn, ids)
        if len(paths) != len(set(ids)) or not all(within(user, p) for p in paths.values()):
            raise ApiError(422, "volunteer_not_found", "参加人员须为本单位及下级单位的志愿者")
        await people_repo.add_activity(conn, node_id=node_id, data=body, participants=ids, by=user.username)
        return await people_repo.activities(conn, path=user.node_path)


@router.post("/volunteer-activities", response_model=list[VolunteerActivity], status_code=201)
async def add_activity(ctx: Ctx, user: CurrentUser, body: VolunteerActivityInput) -> list[VolunteerActivity]:
    """Record an activity (survey, charity help, public aid, patrol) and who joined."""
    return await record_activity(ctx, user, body)


@router.get("/volunteer-activities", response_model=list[VolunteerActivity])
async def list_activities(ctx: Ctx, user: CurrentUser) -> list[VolunteerActivity]:
    require_sees(user, user.node_path)
    async with ctx.pool.acquire() as conn:
        return await people_repo.activities(conn, path=user.node_path)
