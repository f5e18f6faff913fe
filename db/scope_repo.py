"""What a user's scope is made of: the nodes of their subtree, and whether they have work on a
case (the access rules themselves live in ``api.auth.access``)."""

from __future__ import annotations

import uuid

import asyncpg

from db.queries import sql
from domain.enums import Role


async def subtree_node_ids(conn: asyncpg.Connection, *, node_path: str) -> list[str]:
    return [r["node_id"] for r in await conn.fetch(sql("subtree_node_ids"), node_path)]


async def subtree_station_ids(conn: asyncpg.Connection, *, node_path: str) -> list[str]:
    """The rescue stations (city and county) at or below a node."""
    return [r["node_id"] for r in await conn.fetch(sql("subtree_station_ids"), node_path)]


async def case_involves(conn: asyncpg.Connection, *, case_id: uuid.UUID, node_id: str, role: Role,
                        admitting_hospital: bool) -> bool:
    """The node and role have (or had) a task on the case, or — ``admitting_hospital`` — the
    case has a hospital admission."""
    return bool(await conn.fetchval(sql("case_involves"), case_id, node_id, role.value,
                                    admitting_hospital))
