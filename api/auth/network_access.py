"""Who may see and change the network's records (registry, ledger, reports, hotline).

A node sees its subtree; the level above edits. Deny by default; every decision is made here
so the JSON API and the console apply the same rules.
"""

from __future__ import annotations

from api.auth import access
from api.errors import ApiError
from db.users_repo import UserRecord
from domain.enums import Role

AGENCY_ROLES = frozenset({Role.POLICE, Role.HOSPITAL, Role.TRANSPORT, Role.FINANCE})
EDITS_NETWORK = frozenset({Role.BUREAU_LEADER, Role.STATION_HEAD, Role.TOWNSHIP_OFFICER})
"""Roles that edit the nodes below their own (the level above edits)."""
READS_LEDGER = frozenset({Role.LIAISON, Role.TOWNSHIP_OFFICER, Role.CASEWORKER,
                          Role.STATION_HEAD, Role.BUREAU_LEADER})
WRITES_LEDGER = frozenset({Role.LIAISON, Role.TOWNSHIP_OFFICER})
LEDGER_ID_IN_CLEAR = access.LEDGER_ID_IN_CLEAR  # the rule lives with the others in access.py
SUBMITS_REPORTS = frozenset({Role.STATION_HEAD, Role.CASEWORKER})
"""A locality's report is written and submitted by its station."""
CITY_OFFICE = frozenset({Role.BUREAU_LEADER})
"""The city leading-group office (at the civil-affairs bureau): sees every report, publishes."""


def within(user: UserRecord, path: str) -> bool:
    """The node at ``path`` is the user's node or below it."""
    return path.startswith(user.node_path)


def require_sees(user: UserRecord, path: str, what: str = "该单位") -> None:
    """403 unless the user's node is at or above the node at ``path`` (agencies never)."""
    if user.role in AGENCY_ROLES or not within(user, path):
        raise ApiError(403, "forbidden", f"{what}不在您所在单位的管辖范围内")


def require_edits(user: UserRecord, path: str) -> None:
    """403 unless the user manages a level above the node at ``path``."""
    if user.role not in EDITS_NETWORK:
        raise ApiError(403, "forbidden", "您的岗位不能维护救助网络信息")
    if path == user.node_path or not within(user, path):
        raise ApiError(403, "forbidden", "只能由上一级单位维护本单位的网络信息")


def require_ledger_read(user: UserRecord, path: str) -> None:
    if user.role not in READS_LEDGER:
        raise ApiError(403, "forbidden", "您的岗位不能查看摸底排查台账")
    require_sees(user, path, "该台账")


def require_ledger_write(user: UserRecord, path: str) -> None:
    if user.role not in WRITES_LEDGER:
        raise ApiError(403, "forbidden", "台账由社区联络员登记、乡镇专职人员汇总")
    require_sees(user, path, "该社区")
