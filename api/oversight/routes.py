"""Oversight over JSON: the leading groups of the city and the counties (members, meetings and
decisions) and the supervision items (督办事项) with their monthly progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter

from api.auth.network_access import AGENCY_ROLES, require_sees, within
from api.context import AppContext
from api.deps import Ctx, CurrentUser
from api.errors import ApiError
from db import oversight_repo
from db.network_repo import NodeNotFound, get_node
from db.users_repo import UserRecord
from domain.enums import NodeLevel, Role
from domain.oversight import (
    LeadingGroup,
    MeetingInput,
    MemberInput,
    ProgressInput,
    SupervisionInput,
    SupervisionItem,
)

router = APIRouter(prefix="/api/v1/oversight", tags=["oversight"])

KEEPS_GROUPS = frozenset({Role.BUREAU_LEADER, Role.STATION_HEAD})
ASSIGNS_ITEMS = frozenset({Role.BUREAU_LEADER, Role.STATION_HEAD})


def _today() -> datetime:
    return datetime.now(UTC)


async def groups(ctx: AppContext, user: UserRecord) -> list[LeadingGroup]:
    require_sees(user, user.node_path)
    async with ctx.pool.acquire() as conn:
        return [LeadingGroup(node_id=n["node_id"], node_name=n["name"],
                             members=await oversight_repo.members(conn, node_id=n["node_id"]),
                             meetings=await oversight_repo.meetings(conn, node_id=n["node_id"]))
                for n in await oversight_repo.group_nodes(conn, path=user.node_path)]


async def _group_node(conn: object, user: UserRecord, node_id: str) -> None:
    try:
        node = await get_node(conn, node_id=node_id)  # type: ignore[arg-type]
    except NodeNotFound:
        raise ApiError(404, "group_not_found", "找不到该领导小组") from None
    if node.level not in (NodeLevel.BUREAU, NodeLevel.COUNTY_STATION):
        raise ApiError(404, "group_not_found", "领导小组设在市、县两级")
    if user.role not in KEEPS_GROUPS or not within(user, node.path):
        raise ApiError(403, "forbidden", "领导小组由本级民政局或救助站维护")


@router.get("/groups", response_model=list[LeadingGroup])
async def list_groups(ctx: Ctx, user: CurrentUser) -> list[LeadingGroup]:
    """The leading groups in the caller's subtree with members and meetings."""
    return await groups(ctx, user)


async def add_member(ctx: AppContext, user: UserRecord, node_id: str, body: MemberInput) -> None:
    async with ctx.pool.acquire() as conn:
        await _group_node(conn, user, node_id)
        await oversight_repo.add_member(conn, node_id=node_id, data=body)


@router.post("/groups/{node_id}/members", status_code=204)
async def post_member(ctx: Ctx, user: CurrentUser, node_id: str, body: MemberInput) -> None:
    await add_member(ctx, user, node_id, body)


async def add_meeting(ctx: AppContext, user: UserRecord, node_id: str, body: MeetingInput) -> None:
    async with ctx.pool.acquire() as conn:
        await _group_node(conn, user, node_id)
        await oversight_repo.add_meeting(conn, node_id=node_id, data=body, by=user.username)


@router.post("/groups/{node_id}/meetings", status_code=204)
async def post_meeting(ctx: Ctx, user: CurrentUser, node_id: str, body: MeetingInput) -> None:
    """Record a meeting (联席会议) and its decisions."""
    await add_meeting(ctx, user, node_id, body)


async def items(ctx: AppContext, user: UserRecord) -> list[SupervisionItem]:
    if user.role in AGENCY_ROLES:
        raise ApiError(403, "forbidden", "协作单位不查看督办事项")
    async with ctx.pool.acquire() as conn:
        return await oversight_repo.items(conn, path=user.node_path, today=_today().date())


@router.get("/items", response_model=list[SupervisionItem])
async def list_items(ctx: Ctx, user: CurrentUser) -> list[SupervisionItem]:
    """Items owned in the caller's subtree or assigned from it; open first, by deadline."""
    return await items(ctx, user)


async def assign(ctx: AppContext, user: UserRecord, body: SupervisionInput) -> SupervisionItem:
    if user.role not in ASSIGNS_ITEMS:
        raise ApiError(403, "forbidden", "督办事项由领导小组办公室（民政局）或救助站交办")
    async with ctx.pool.acquire() as conn:
        try:
            owner = await get_node(conn, node_id=body.owner_node_id)
        except NodeNotFound:
            raise ApiError(422, "node_not_found", f"找不到承办单位：{body.owner_node_id}") from None
        if owner.path == user.node_path or not within(user, owner.path):
            raise ApiError(403, "forbidden", "只能向下级地区或单位交办")
        iid = await oversight_repo.add_item(conn, data=body, by=user.username, node_id=user.node_id)
        found = await oversight_repo.get_item(conn, item_id=uuid.UUID(iid), today=_today().date())
    assert found is not None
    return found[0]


@router.post("/items", response_model=SupervisionItem, status_code=201)
async def post_item(ctx: Ctx, user: CurrentUser, body: SupervisionInput) -> SupervisionItem:
    """Assign a supervision item to a locality or unit below the caller."""
    return await assign(ctx, user, body)


async def _load(conn: object, item_id: str) -> tuple[SupervisionItem, str, str]:
    try:
        iid = uuid.UUID(item_id)
    except ValueError:
        raise ApiError(404, "item_not_found", "找不到该督办事项") from None
    found = await oversight_repo.get_item(conn, item_id=iid, today=_today().date())  # type: ignore[arg-type]
    if found is None:
        raise ApiError(404, "item_not_found", "找不到该督办事项")
    return found


async def progress(ctx: AppContext, user: UserRecord, item_id: str, body: ProgressInput) -> SupervisionItem:
    async with ctx.pool.acquire() as conn:
        item, owner_path, _ = await _load(conn, item_id)
        if user.role in AGENCY_ROLES or not within(user, owner_path):
            raise ApiError(403, "forbidden", "进展由承办地区或单位填报")
        await oversight_repo.record_progress(conn, item_id=uuid.UUID(item.item_id), month=body.month,
                                             text=body.progress, by=user.username)
        return (await _load(conn, item_id))[0]


@router.post("/items/{item_id}/progress", response_model=SupervisionItem)
async def post_progress(ctx: Ctx, user: CurrentUser, item_id: str, body: ProgressInput) -> SupervisionItem:
    """The owner records the month's progress (one entry per month, rewritable)."""
    return await progress(ctx, user, item_id, body)


async def complete(ctx: AppContext, user: UserRecord, item_id: str) -> SupervisionItem:
    async with ctx.pool.acquire() as conn:
        item, _, assigned_path = await _load(conn, item_id)
        if user.role not in ASSIGNS_ITEMS or not within(user, assigned_path):
            raise ApiError(403, "forbidden", "办结由交办单位确认")
        await oversight_repo.mark_done(conn, item_id=uuid.UUID(item.item_id))
        return (await _load(conn, item_id))[0]


@router.post("/items/{item_id}/done", response_model=SupervisionItem)
async def post_done(ctx: Ctx, user: CurrentUser, item_id: str) -> SupervisionItem:
    """The assigning office confirms the item is done."""
    return await complete(ctx, user, item_id)
