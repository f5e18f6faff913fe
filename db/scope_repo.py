"""What a user's scope is made of: the nodes of their subtree, and whether they have work on a
case (the access rules themselves live in ``api.auth.access``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from db.cases_repo import CaseRecord, ReportRecord
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


@dataclass(frozen=True)
class CaseForAccess:
    """What an access decision on a case needs (``case_for_access``)."""

    report: ReportRecord
    record: CaseRecord | None
    """The read model's row, None before the case's first sync."""
    station_path: str | None
    """The path of the case's station (the read model's, else the report's)."""
    origin_path: str | None
    involved: bool
    """The node and role have (or had) a task on the case (or, for the admitting hospital, an
    admission), as :func:`case_involves` answers."""


_REPORT = ("report_id", "case_id", "case_number", "workflow_id", "channel", "station_node_id",
           "reported_by", "created_at", "reported_name")


async def case_for_access(conn: asyncpg.Connection, *, case_id: uuid.UUID, node_id: str, role: Role,
                          admitting_hospital: bool) -> CaseForAccess | None:
    """The registry row, the read model and the involvement of a case in one round trip; None
    when no report names the case."""
    row = await conn.fetchrow(sql("case_for_access"), case_id, node_id, role.value,
                              admitting_hospital)
    if row is None:
        return None
    record = None
    if row["has_record"]:
        record = CaseRecord(case_id=row["case_id"],
                            **{k[2:]: v for k, v in row.items() if k.startswith("c_")})
    return CaseForAccess(report=ReportRecord(**{k: row[k] for k in _REPORT}), record=record,
                         station_path=row["station_path"], origin_path=row["origin_path"],
                         involved=bool(row["involved"]))


@dataclass(frozen=True)
class ListScope:
    nodes: list[str]
    """Nodes at or below the listed node."""
    own_stations: list[str]
    """Stations at or below the user's node."""
    all_stations: list[str]


async def list_scope(conn: asyncpg.Connection, *, node_path: str, user_path: str) -> ListScope:
    """:func:`subtree_node_ids` of ``node_path`` and :func:`subtree_station_ids` of the user's
    path and of the whole network, in one round trip."""
    row = await conn.fetchrow(sql("list_scope"), node_path, user_path, "/")
    return ListScope(nodes=list(row["nodes"]), own_stations=list(row["own_stations"]),
                     all_stations=list(row["all_stations"]))
