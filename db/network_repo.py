"""The four-level network: organisation nodes and their subtrees."""

from __future__ import annotations

import asyncpg
from pydantic import BaseModel

from db.queries import sql
from domain.enums import NodeLevel

STATION_LEVELS = (NodeLevel.CITY_STATION, NodeLevel.COUNTY_STATION)


class OrgNode(BaseModel):
    """One organisation of the network (or an agency beside it)."""

    node_id: str
    parent_id: str | None
    level: NodeLevel
    name: str
    path: str
    address: str | None = None
    phone: str | None = None

    def contains(self, other_path: str) -> bool:
        """True when the node at ``other_path`` is this node or below it."""
        return other_path.startswith(self.path)


class NodeNotFound(LookupError):
    """No organisation has that id."""


async def upsert_node(
    conn: asyncpg.Connection,
    *,
    node_id: str,
    parent: OrgNode | None,
    level: NodeLevel,
    name: str,
    address: str | None = None,
    phone: str | None = None,
) -> OrgNode:
    """Create or update a node below ``parent``; the path follows the parent's."""
    path = (parent.path if parent else "/") + node_id + "/"
    await conn.execute(
        sql("upsert_node"),
        node_id,
        parent.node_id if parent else None,
        level.value,
        name,
        path,
        address,
        phone,
    )
    return OrgNode(
        node_id=node_id,
        parent_id=parent.node_id if parent else None,
        level=level,
        name=name,
        path=path,
        address=address,
        phone=phone,
    )


async def get_node(conn: asyncpg.Connection, *, node_id: str) -> OrgNode:
    row = await conn.fetchrow(sql("get_node"), node_id)
    if row is None:
        raise NodeNotFound(node_id)
    return OrgNode(**dict(row))


async def list_nodes(conn: asyncpg.Connection) -> list[OrgNode]:
    return [OrgNode(**dict(r)) for r in await conn.fetch(sql("list_nodes"))]


async def nearest_station(conn: asyncpg.Connection, *, node_id: str) -> OrgNode | None:
    """The rescue station at or above a node (a community's county station), if any."""
    node: OrgNode | None = await get_node(conn, node_id=node_id)
    while node is not None:
        if node.level in STATION_LEVELS:
            return node
        node = await get_node(conn, node_id=node.parent_id) if node.parent_id else None
    return None
