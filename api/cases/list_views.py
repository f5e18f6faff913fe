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
