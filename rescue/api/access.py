"""Who may see and do what: subtree rules and field masking, enforced on the server.

Deny by default: a user reads a case when it belongs to their subtree (the station or the
origin community), when one of its tasks is assigned to their node and role, or when they
filed the report that opened it.
"""

from __future__ import annotations

from rescue.db.users_repo import UserRecord
from rescue.domain.enums import Role
from rescue.domain.identity import mask_id_number
from rescue.domain.person import PersonSummary

SEES_ID_NUMBERS = frozenset({Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE})
"""Roles that need identity numbers in clear (registration, lookup, verification)."""
READS_HISTORY = frozenset({Role.OPERATOR, Role.STATION_HEAD, Role.CASEWORKER, Role.BUREAU_LEADER})
"""Roles that may read a case's raw workflow history."""
REPORTS_CASES = frozenset({
    Role.CASEWORKER, Role.STATION_HEAD, Role.HOTLINE_OPERATOR, Role.LIAISON,
    Role.TOWNSHIP_OFFICER, Role.POLICE, Role.URBAN_MANAGEMENT,
})
"""Roles that may file a discovery report, which opens a case."""
_AGENCY_ROLES = frozenset({Role.POLICE, Role.HOSPITAL, Role.TRANSPORT, Role.FINANCE})


def within(user: UserRecord, node_path: str | None) -> bool:
    return node_path is not None and node_path.startswith(user.node_path)


def may_read_case(user: UserRecord, *, station_path: str, origin_path: str | None,
                  has_task_for_user: bool, reported_by_user: bool) -> bool:
    if has_task_for_user or reported_by_user:
        return True
    if user.role in _AGENCY_ROLES:
        return False  # agencies see only the cases they have work on
    return within(user, station_path) or within(user, origin_path)


def masked_person(user: UserRecord, person: PersonSummary) -> PersonSummary:
    if user.role in SEES_ID_NUMBERS:
        return person
    return person.model_copy(update={"id_number": mask_id_number(person.id_number)})
