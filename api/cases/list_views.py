"""The console's case list with its filters, search and keyset paging."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from api.auth.access import AGENCY_DESKS, lists_subtree, may_search_id_numbers
from api.cases import service as case_service
from api.cases.lists import CaseFilter
from api.console.forms import Option
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.exports.download import table_download
from db.network_repo import list_nodes
from domain.enums import Classification, NodeLevel, Stage, label

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

IN_STATION = "in_station"
"""The stage filter's extra choice: everyone in the station now."""
_FILTER_KEYS = ("stage", "classification", "minor", "node_id", "overdue", "due", "q")


def _filters(params: Any) -> tuple[CaseFilter, dict[str, str]]:
    """The case filter from the query string (unknown values are ignored), and the values to
    show back in the form."""
    values = {k: str(params.get(k) or "").strip() for k in _FILTER_KEYS}
    stage = values["stage"]
    classification = values["classification"]
    f = CaseFilter(
        stage=Stage(stage) if stage in Stage._value2member_map_ else None,
        in_station=stage == IN_STATION or params.get("in_station") == "1",
        classification=(Classification(classification)
                        if classification in Classification._value2member_map_ else None),
        minor={"1": True, "0": False}.get(values["minor"]),
        node_id=values["node_id"] or None,
        overdue=True if values["overdue"] == "1" else None,
        due_today=values["due"] == "today" or params.get("due_today") == "1",
        q=values["q"][:50] or None)
    if f.in_station:
        values["stage"] = IN_STATION
    if f.due_today:
        values["due"] = "today"
    return f, values


EXPORT_LIMIT = 5000
"""Most cases in one export (a larger one asks for narrower filters)."""


@router.get("/cases/export.{kind}")
async def case_export(kind: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The case list with the page's filters, every page of it, as CSV or Excel."""
    user = session.user
    f, _ = _filters(request.query_params)
    items, cursor = [], None
    while len(items) < EXPORT_LIMIT:
        result = await case_service.list_cases(ctx, user, None, cursor, 200, client_address(request),
                                               filters=f)
        items.extend(result.items)
        cursor = result.next_cursor
        if not cursor:
            break
    if cursor:
        raise ApiError(422, "export_too_large", f"符合条件的个案超过{EXPORT_LIMIT}个，请缩小筛选范围后再导出")
    rows: list[list[object]] = [["个案编号", "受助人员", "未成年人", "身份证号码", "阶段", "救助类型",
                                 "负责救助站", "流出地", "已超期", "最近期限", "立案时间", "更新时间", "结案时间"]]
    rows += [[c.case_number, c.person.name or "姓名不详", c.person.is_minor, c.person.id_number or "",
              c.stage_label, c.classification_label or "待甄别", c.station_name, c.origin_name or "",
              c.overdue, c.next_deadline, c.opened_at, c.updated_at, c.closed_at] for c in items]
    return table_download(rows, kind=kind, title="个案列表", ascii_name="cases")


@router.get("/cases")
async def case_list(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    f, values = _filters(request.query_params)
    cursor = request.query_params.get("cursor") or None
    search_error = None
    try:
        result = await case_service.list_cases(ctx, user, None, cursor, 50, client_address(request),
                                               filters=f)
    except ApiError as exc:
        if exc.code not in ("id_search_forbidden", "search_too_short", "node_not_found"):
            raise
        search_error, result = exc.message, None
    async with ctx.pool.acquire() as conn:
        nodes = [n for n in await list_nodes(conn)
                 if n.path.startswith(user.node_path) and n.level != NodeLevel.AGENCY]
    kept = {k: v for k, v in values.items() if v}
    stages = [Option(IN_STATION, "在站人员（甄别后至返乡前）"), *(Option(s.value, label(s)) for s in Stage)]
    return page(
        request, "cases/cases.html", nav="cases", cases=result.items if result else [],
        next_cursor=result.next_cursor if result else None, paged=cursor is not None,
        values=values, stages=stages, stage=values["stage"],
        classifications=[Option(c.value, label(c)) for c in Classification],
        nodes=[Option(n.node_id, n.name) for n in nodes] if len(nodes) > 1 else [],
        filtered=bool(kept), query=urlencode(kept), search_error=search_error,
        id_search=may_search_id_numbers(user), agency=not lists_subtree(user),
        desk=AGENCY_DESKS.get(user.role))
