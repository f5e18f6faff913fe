"""Case lists at scale: filters, search and keyset paging over the cases a user may list.

The query is assembled from the constant fragments below (values are always parameters), so
each filter combination gets its own plan instead of one generic plan full of ``$n IS NULL OR``.
A user's scope is reached in up to three ways (the station lies in their subtree, the origin
does, they reported it); each becomes a branch that reads one page from its own index
(``0004_gate.sql``), and the branches are merged: a page costs the same at a thousand cases
and at a million.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from db.cases_repo import CaseListRow

_COLUMNS = ("c.case_id, c.case_number, c.station_node_id, c.origin_node_id, c.stage, "
            "c.classification, c.is_minor, c.person_name, c.id_number, c.overdue, "
            "c.next_deadline, c.opened_at, c.updated_at, c.closed_at")
_SCOPES = {
    "station": "c.station_node_id = ANY({}::text[])",
    "origin": "c.origin_node_id = ANY({}::text[])",
    "reported": "c.case_id IN (SELECT r.case_id FROM case_reports r WHERE r.reported_by = {}::uuid)",
}
_FILTERS = {
    "stages": "c.stage = ANY({}::text[])",
    "classification": "c.classification = {}::text",
    "minor": "c.is_minor = {}::boolean",
    "overdue": "c.overdue = {}::boolean",
    "due_from": "c.next_deadline >= {}::timestamptz",
    "due_until": "c.next_deadline < {}::timestamptz",
    "name_prefix": "c.person_name LIKE {}::text",
    "id_prefix": "c.id_number LIKE {}::text",
    "number_prefix": "c.case_number LIKE {}::text",
    "in_nodes": "(c.station_node_id = ANY({0}::text[]) OR c.origin_node_id = ANY({0}::text[]))",
}


@dataclass
class CaseQuery:
    """What to list: the scope branches (None: every case) and the filters that are set."""

    station_ids: list[str] | None = None
    origin_ids: list[str] | None = None
    reported_by: uuid.UUID | None = None
    everything: bool = False
    filters: dict[str, Any] = field(default_factory=dict)
    """Keys of ``_FILTERS``; prefixes are plain text (escaped here)."""


def like_prefix(text: str) -> str:
    """A LIKE pattern matching values that begin with ``text`` (wildcards escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _branch(scope: str | None, scope_value: Any, q: CaseQuery, params: list[Any],
            after: tuple[datetime, uuid.UUID] | None, limit_ref: str) -> str:
    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    where = []
    if scope is not None:
        where.append(_SCOPES[scope].format(param(scope_value)))
    for key, value in q.filters.items():
        if key in _FILTERS and value is not None:
            where.append(_FILTERS[key].format(param(value)))
    if after is not None:
        where.append(f"(c.updated_at, c.case_id) < ({param(after[0])}::timestamptz, {param(after[1])}::uuid)")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    order = f" ORDER BY c.updated_at DESC, c.case_id DESC LIMIT {limit_ref}"
    if q.filters.get("name_prefix") is not None:
        # A name search picks its page from the name index alone (index-only, 0023), then
        # reads just that page's rows instead of every matching case's.
        return (f"(SELECT {_COLUMNS} FROM cases c WHERE c.case_id = ANY(ARRAY("
                f"SELECT c.case_id FROM cases c{clause}{order})){order})")
    return f"(SELECT {_COLUMNS} FROM cases c{clause}{order})"


def build(q: CaseQuery, after: tuple[datetime, uuid.UUID] | None, limit: int) -> tuple[str, list[Any]]:
    """The SQL text and its parameters for one page of ``q``."""
    params: list[Any] = [limit]
    scopes: list[tuple[str | None, Any]] = []
    if q.everything:
        scopes.append((None, None))
    else:
        if q.station_ids:
            scopes.append(("station", q.station_ids))
        if q.origin_ids:
            scopes.append(("origin", q.origin_ids))
        if q.reported_by is not None:
            scopes.append(("reported", q.reported_by))
    if not scopes:
        return "", []
    branches = " UNION ".join(_branch(s, v, q, params, after, "$1") for s, v in scopes)
    text = (f"SELECT u.*, s.name AS station_name, o.name AS origin_name FROM ({branches}) u"
            " JOIN org_nodes s ON s.node_id = u.station_node_id"
            " LEFT JOIN org_nodes o ON o.node_id = u.origin_node_id"
            " ORDER BY u.updated_at DESC, u.case_id DESC LIMIT $1")
    return text, params


async def search_cases(conn: asyncpg.Connection, q: CaseQuery, *,
                       after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[CaseListRow]:
    """One page of cases matching ``q``, newest change first, after the keyset cursor."""
    text, params = build(q, after, limit)
    if not text:
        return []
    return [CaseListRow(**dict(r)) for r in await conn.fetch(text, *params)]
