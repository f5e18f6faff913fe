"""The network registry for the API and the console: each node of a subtree with its profile,
staff, compliance against its standard and bed occupancy; edits by the level above."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.auth.network_access import AGENCY_ROLES, require_edits, require_sees
from api.context import AppContext
from api.errors import ApiError
from db import registry_repo
from db.audit_repo import record_access
from db.network_repo import NodeNotFound, OrgNode, get_node
from db.users_repo import UserRecord
from domain.enums import NodeLevel, label
from domain.network import (
    Compliance,
    NodeProfile,
    StaffDuty,
    StaffMember,
    check_compliance,
)

BED_LEVELS = (NodeLevel.CITY_STATION, NodeLevel.COUNTY_STATION, NodeLevel.TOWNSHIP)


class NodeView(BaseModel):
    """A node of the network as the registry shows it."""

    node_id: str
    parent_id: str | None
    level: NodeLevel
    level_label: str
    name: str
    depth: int
    address: str | None
    phone: str | None
    profile: NodeProfile
    staff: list[StaffMember]
    liaisons: list[str] = Field(default_factory=list)
    compliance: Compliance
    occupied_beds: int = 0
    """People staying at the station now (cases admitted and not yet home)."""
    editable: bool = False
    """True when the caller may edit this node (they manage a level above it)."""


class NodeEdit(BaseModel):
    """What the level above may change of a node."""

    address: str | None = Field(default=None, max_length=200, description="地址")
    phone: str | None = Field(default=None, max_length=30, description="联系电话")
    profile: NodeProfile


class StaffInput(BaseModel):
    name: str = Field(min_length=1, max_length=50, description="姓名")
    duty: StaffDuty = Field(description="岗位")
    phone: str | None = Field(default=None, max_length=30, description="联系电话")


class ComplianceSummary(BaseModel):
    """How many nodes of each standard meet it, and those behind."""

    checked: int
    compliant: int
    behind: list[NodeView]


def _view(user: UserRecord, node: OrgNode, root_depth: int, profile: NodeProfile,
          staff: list[StaffMember], occupied: int) -> NodeView:
    try:
        require_edits(user, node.path)
        editable = True
    except ApiError:
        editable = False
    return NodeView(
        node_id=node.node_id, parent_id=node.parent_id, level=node.level,
        level_label=label(node.level), name=node.name,
        depth=node.path.count("/") - 1 - root_depth, address=node.address, phone=node.phone,
        profile=profile, staff=staff,
        liaisons=[s.name for s in staff if s.duty == StaffDuty.LIAISON],
        compliance=check_compliance(node.level, profile, staff), occupied_beds=occupied,
        editable=editable)


async def subtree(ctx: AppContext, user: UserRecord, node_id: str | None = None) -> list[NodeView]:
    """Every node of the caller's subtree (or of ``node_id`` within it), in tree order."""
    if user.role in AGENCY_ROLES:
        raise ApiError(403, "forbidden", "协作单位不查看救助网络台账")
    async with ctx.pool.acquire() as conn:
        root = await _node(conn, node_id or user.node_id)
        require_sees(user, root.path)
        nodes = await registry_repo.subtree_nodes(conn, path=root.path)
        profiles = await registry_repo.profiles_in_subtree(conn, path=root.path)
        staff = await registry_repo.staff_in_subtree(conn, path=root.path)
        occupancy = await registry_repo.occupancy_in_subtree(conn, path=root.path)
    depth = root.path.count("/") - 1
    return [_view(user, n, depth, profiles.get(n.node_id, NodeProfile()), staff.get(n.node_id, []),
                  occupancy.get(n.node_id, 0)) for n in nodes]


async def one(ctx: AppContext, user: UserRecord, node_id: str) -> NodeView:
    views = await subtree(ctx, user, node_id)
    return views[0]


def summarise(views: list[NodeView]) -> ComplianceSummary:
    checked = [v for v in views if v.compliance.standard]
    behind = [v for v in checked if not v.compliance.compliant]
    return ComplianceSummary(checked=len(checked), compliant=len(checked) - len(behind), behind=behind)


async def edit(ctx: AppContext, user: UserRecord, node_id: str, body: NodeEdit,
               client: str | None) -> NodeView:
    """The level above records what a node has (address, phone, profile)."""
    async with ctx.pool.acquire() as conn:
        node = await _node(conn, node_id)
        await _checked_edit(conn, user, node, client, "edit_node")
        async with conn.transaction():
            await registry_repo.update_contact(conn, node_id=node_id, address=body.address,
                                               phone=body.phone)
            await registry_repo.save_profile(conn, node_id=node_id, profile=body.profile,
                                             by=user.username)
    return await one(ctx, user, node_id)


async def add_staff(ctx: AppContext, user: UserRecord, node_id: str, body: StaffInput,
                    client: str | None) -> NodeView:
    async with ctx.pool.acquire() as conn:
        node = await _node(conn, node_id)
        await _checked_edit(conn, user, node, client, "add_staff")
        await registry_repo.add_staff(conn, node_id=node_id, name=body.name, duty=body.duty,
                                      phone=body.phone)
    return await one(ctx, user, node_id)


async def remove_staff(ctx: AppContext, user: UserRecord, node_id: str, staff_id: str,
                       client: str | None) -> NodeView:
    import uuid

    try:
        sid = uuid.UUID(staff_id)
    except ValueError:
        raise ApiError(404, "staff_not_found", "找不到该工作人员") from None
    async with ctx.pool.acquire() as conn:
        node = await _node(conn, node_id)
        await _checked_edit(conn, user, node, client, "remove_staff")
        if await registry_repo.staff_node(conn, staff_id=sid) != node_id:
            raise ApiError(404, "staff_not_found", "该单位没有这名工作人员")
        await registry_repo.retire_staff(conn, staff_id=sid)
    return await one(ctx, user, node_id)


async def _node(conn: object, node_id: str) -> OrgNode:
    try:
        node = await get_node(conn, node_id=node_id)  # type: ignore[arg-type]
    except NodeNotFound:
        raise ApiError(404, "node_not_found", f"找不到单位：{node_id}") from None
    if node.level == NodeLevel.AGENCY:
        raise ApiError(404, "node_not_found", "协作单位不属于四级救助网络")
    return node


async def _checked_edit(conn: object, user: UserRecord, node: OrgNode, client: str | None,
                        action: str) -> None:
    try:
        require_edits(user, node.path)
    except ApiError:
        await record_access(conn, user_id=user.user_id, username=user.username,  # type: ignore[arg-type]
                            action=action, subject=f"node:{node.node_id}", allowed=False, client=client)
        raise
    await record_access(conn, user_id=user.user_id, username=user.username,  # type: ignore[arg-type]
                        action=action, subject=f"node:{node.node_id}", allowed=True, client=client)
