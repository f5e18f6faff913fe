"""Case lists shared by the JSON API and the console: the cases a user may list, filtered
(stage, in the station now, classification, minor, node, overdue, due today), searched (name,
identity number, case number) and keyset paged; masked by role and audited."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, Field

from api.audit.trail import audit, deny_unless
from api.auth.access import (
    NO_CASES,
    lists_subtree,
    masked_person,
    may_search_id_numbers,
    reports_stay_in_subtree,
    within,
)
from api.context import AppContext
from api.errors import ApiError
from db.case_search_repo import CaseQuery, like_prefix, search_cases
from db.network_repo import NodeNotFound, get_node
from db.scope_repo import list_scope, subtree_node_ids
from db.users_repo import UserRecord
from domain.enums import Classification, Stage, label
from domain.person import PersonSummary

IN_STATION = (Stage.IDENTITY_SEARCH, Stage.LONG_TERM_STAY, Stage.RETURN_HOME)
"""Stages in which the person stays at the station (registered, not yet gone home)."""
_CASE_NUMBER = re.compile(r"^JZ\d", re.IGNORECASE)
_ID_PREFIX = re.compile(r"^\d[\dXx]*$")


class CaseFilter(BaseModel):
    """Filters of a case list; every one is optional."""

    stage: Stage | None = None
    in_station: bool = Field(default=False, description="只看在站人员（甄别后至返乡前）")
    classification: Classification | None = None
    minor: bool | None = None
    node_id: str | None = Field(default=None, description="只看该网络节点（及下级）的个案")
    overdue: bool | None = None
    due_today: bool = Field(default=False, description="只看今天有任务到期的个案")
    q: str | None = Field(default=None, max_length=50,
                          description="姓名开头、身份证号码开头（有权限的岗位）或个案编号开头")


class CaseSummary(BaseModel):
    """One line of a case list, masked for the caller like the case page."""

    case_id: str
    case_number: str
    stage: Stage
    stage_label: str
    classification: Classification | None
    classification_label: str | None
    station_node_id: str
    station_name: str
    origin_node_id: str | None
    origin_name: str | None
    person: PersonSummary
    overdue: bool
    next_deadline: datetime | None
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(
        default=None, description="下一页的游标（没有更多时为空），原样作为 cursor 参数传回")


def encode_cursor(updated_at: datetime, case_id: str) -> str:
    raw = f"{updated_at.isoformat()}|{case_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, case_id = raw.split("|", 1)
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError(at)
        return moment, uuid.UUID(case_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError(422, "invalid_cursor", "翻页游标无效，请从第一页重新查看") from None


def _search(user: UserRecord, text: str, filters: dict[str, Any]) -> str:
    """Put the search text into the filters; answer what kind of search it is (for the audit
    line, which never holds the text itself)."""
    text = text.strip()
    if _CASE_NUMBER.match(text):
        filters["number_prefix"] = like_prefix(text.upper())
        return "case_number"
    if _ID_PREFIX.match(text):
        if not may_search_id_numbers(user):
            raise ApiError(403, "id_search_forbidden", "您的岗位不能按身份证号码查询")
        if len(text) < 6:
            raise ApiError(422, "search_too_short", "按身份证号码查询请至少输入前6位")
        filters["id_prefix"] = like_prefix(text.upper())
        return "id_number"
    filters["name_prefix"] = like_prefix(text)
    return "name"


async def _query(ctx: AppContext, conn: Any, user: UserRecord, f: CaseFilter,
                 client: str | None) -> tuple[CaseQuery, str]:
    filters: dict[str, Any] = {}
    detail = []
    if f.in_station or f.stage:
        filters["stages"] = [s.value for s in IN_STATION] if f.in_station else [f.stage.value]  # type: ignore[union-attr]
    if f.classification:
        filters["classification"] = f.classification.value
    filters["minor"], filters["overdue"] = f.minor, f.overdue
    if f.due_today:
        _, end = today_bounds(ctx)
        filters["due_from"], filters["due_until"] = datetime.now(UTC), end
    if f.q and f.q.strip():
        detail.append(f"search={_search(user, f.q, filters)}")
    scope_path = user.node_path
    if f.node_id:
        try:
            node = await get_node(conn, node_id=f.node_id)
        except NodeNotFound:
            raise ApiError(422, "node_not_found", f"找不到网络节点：{f.node_id}") from None
        await deny_unless(conn, user, within(user, node.path), action="list_cases",
                          subject=f"node:{node.node_id}", client=client,
                          message="该网络节点不在您所在单位的管辖范围内")
        filters["in_nodes"] = await subtree_node_ids(conn, node_path=node.path)
        scope_path = node.path
    q = CaseQuery(filters=filters)
    if lists_subtree(user):
        if "/" not in user.node_path.strip("/") and not f.node_id:  # the root of the network
            q.everything = True
        else:
            scope = await list_scope(conn, node_path=scope_path, user_path=user.node_path)
            q.station_ids, q.origin_ids = scope.nodes, scope.nodes
            mine = scope.own_stations
            if not reports_stay_in_subtree(user, has_stations=bool(mine),
                                           has_all_stations=set(mine) >= set(scope.all_stations)):
                q.reported_by = user.user_id  # e.g. a liaison's reports go up to the county
    else:
        q.reported_by = user.user_id  # agencies: what they reported (their work is on their desk)
    shown = f.model_dump(mode="json", exclude={"q"}, exclude_defaults=True)
    detail.extend(f"{k}={v}" for k, v in shown.items())
    return q, " ".join(detail)


def today_bounds(ctx: AppContext) -> tuple[datetime, datetime]:
    """The start and end of today in the policy's local time (China time by default)."""
    local = timezone(timedelta(hours=ctx.policy.utc_offset_hours))
    start = datetime.now(local).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


async def list_cases(ctx: AppContext, user: UserRecord, filters: CaseFilter | None = None,
                     cursor: str | None = None, limit: int = 50,
                     client: str | None = None) -> CaseList:
    """Cases the user may list (their subtree and what they reported; agencies: what they
    reported), newest change first, ``limit`` a page; masked by role; audited."""
    f = filters or CaseFilter()
    limit = max(1, min(limit, 200))
    after = decode_cursor(cursor) if cursor else None
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role not in NO_CASES, action="list_cases",
                          subject=f"node:{user.node_id}", client=client,
                          message="您的岗位不查看个案（财政看救治资金，审计看访问记录）")
        q, detail = await _query(ctx, conn, user, f, client)
        rows = await search_cases(conn, q, after=after, limit=limit + 1)
        await audit(conn, user, action="list_cases", subject=f"node:{f.node_id or user.node_id}",
                    allowed=True, client=client, detail=f"{detail} rows={min(len(rows), limit)}".strip())
    items = []
    for r in rows[:limit]:
        stage = Stage(r.stage)
        classification = Classification(r.classification) if r.classification else None
        person = PersonSummary(name=r.person_name, is_minor=r.is_minor, id_number=r.id_number)
        items.append(CaseSummary(
            case_id=str(r.case_id), case_number=r.case_number, stage=stage,
            stage_label=label(stage), classification=classification,
            classification_label=label(classification) if classification else None,
            station_node_id=r.station_node_id, station_name=r.station_name,
            origin_node_id=r.origin_node_id, origin_name=r.origin_name,
            person=masked_person(user, person), overdue=r.overdue,
            next_deadline=r.next_deadline, opened_at=r.opened_at, updated_at=r.updated_at,
            closed_at=r.closed_at))
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last.updated_at, str(last.case_id))
    return CaseList(items=items, next_cursor=next_cursor)
