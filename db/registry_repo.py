"""The network registry: each node's profile (office, beds, equipment, sign), its staff, and
the people staying at each station now (bed occupancy from the case records)."""

from __future__ import annotations

import uuid

import asyncpg

from db.network_repo import OrgNode
from db.queries import sql
from domain.network import NodeProfile, StaffDuty, StaffMember


async def subtree_nodes(conn: asyncpg.Connection, *, path: str) -> list[OrgNode]:
    """The network's nodes at or below ``path`` (agencies left out), in tree order."""
    return [OrgNode(**dict(r)) for r in await conn.fetch(sql("list_subtree_nodes"), path)]


def _profile(row: asyncpg.Record | None) -> NodeProfile:
    if row is None:
        return NodeProfile()
    data = dict(row)
    data.pop("node_id")
    return NodeProfile(**data)


async def get_profile(conn: asyncpg.Connection, *, node_id: str) -> NodeProfile:
    return _profile(await conn.fetchrow(sql("get_profile"), node_id))


async def profiles_in_subtree(conn: asyncpg.Connection, *, path: str) -> dict[str, NodeProfile]:
    rows = await conn.fetch(sql("list_profiles_in_subtree"), path)
    return {r["node_id"]: _profile(r) for r in rows}


async def save_profile(conn: asyncpg.Connection, *, node_id: str, profile: NodeProfile,
                       by: str) -> None:
    await conn.execute(sql("upsert_profile"), node_id, profile.has_office, profile.office_rooms,
                       profile.beds, profile.daily_necessities,
                       sorted(e.value for e in set(profile.equipment)), profile.sign_installed,
                       profile.sign_text, profile.has_ledger, profile.has_procedures,
                       profile.notes, by)


async def update_contact(conn: asyncpg.Connection, *, node_id: str, address: str | None,
                         phone: str | None) -> None:
    await conn.execute(sql("update_node_contact"), node_id, address, phone)


async def staff_in_subtree(conn: asyncpg.Connection, *, path: str) -> dict[str, list[StaffMember]]:
    """Active staff of every node at or below ``path``, by node id."""
    out: dict[str, list[StaffMember]] = {}
    for r in await conn.fetch(sql("list_staff_in_subtree"), path):
        out.setdefault(r["node_id"], []).append(StaffMember(
            staff_id=str(r["staff_id"]), name=r["name"], duty=StaffDuty(r["duty"]), phone=r["phone"]))
    return out


async def add_staff(conn: asyncpg.Connection, *, node_id: str, name: str, duty: StaffDuty,
                    phone: str | None, staff_id: uuid.UUID | None = None) -> str:
    sid = staff_id or uuid.uuid4()
    await conn.execute(sql("insert_staff"), sid, node_id, name, duty.value, phone)
    return str(sid)


async def staff_node(conn: asyncpg.Connection, *, staff_id: uuid.UUID) -> str | None:
    """The node of an active staff member (None when unknown or already retired)."""
    row = await conn.fetchrow(sql("get_staff"), staff_id)
    return row["node_id"] if row and row["active"] else None


async def retire_staff(conn: asyncpg.Connection, *, staff_id: uuid.UUID) -> None:
    await conn.execute(sql("retire_staff"), staff_id)


async def occupancy_in_subtree(conn: asyncpg.Connection, *, path: str) -> dict[str, int]:
    """People staying at each station of the subtree now (admitted, not yet home)."""
    return {r["node_id"]: int(r["occupied"])
            for r in await conn.fetch(sql("occupancy_in_subtree"), path)}
