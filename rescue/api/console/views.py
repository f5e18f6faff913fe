"""The console's pages: new reports, case pages and history, and the Chinese 404 for any other
address. Server-rendered, usable without JavaScript; every decision is the services' (login
is in gate_views, the dashboard and lists in list_views, task pages in task_views)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from rescue.api import case_service
from rescue.api.access import READS_OPERATIONS, REPORTS_CASES, may_report_to
from rescue.api.case_access import parse_uuid
from rescue.api.case_service import CreateCaseRequest
from rescue.api.console import forms
from rescue.api.console.forms import Field, Option
from rescue.api.console.render import ConsoleRoute, error_page, page, see_other
from rescue.api.console.session import (
    Sess,
    Session,
    checked_form,
    load_session,
    notice_of,
)
from rescue.api.context import AppContext
from rescue.api.deps import Ctx, client_address
from rescue.api.errors import ApiError
from rescue.api.operator import workflow_url
from rescue.db.cases_repo import get_report_by_case
from rescue.db.network_repo import (
    STATION_LEVELS,
    NodeNotFound,
    get_node,
    list_nodes,
    nearest_station,
)
from rescue.db.users_repo import get_user_by_username
from rescue.domain.completion import _message
from rescue.domain.enums import DiscoveryChannel, Role
from rescue.domain.report import DiscoveryReport
from rescue.workflows.ids import case_workflow_id

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

# --- new discovery report --------------------------------------------------------------------


_DEFAULT_CHANNEL = {
    Role.HOTLINE_OPERATOR: DiscoveryChannel.HOTLINE,
    Role.LIAISON: DiscoveryChannel.COMMUNITY,
    Role.POLICE: DiscoveryChannel.POLICE,
    Role.URBAN_MANAGEMENT: DiscoveryChannel.POLICE,
}


async def _report_form(ctx: AppContext, session: Session) -> list[forms.Item]:
    # the report itself (not the API's request: its policy options are for drills only)
    items = forms.build_form(
        DiscoveryReport.model_json_schema(), exclude={"report_id"},
        overrides={"reporter_phone": {"input_type": "tel"}, "place": {"hint": "如：火车站广场东侧地下通道"},
                   "found_at": {"hint": "不填则为提交时间（北京时间）"}})
    async with ctx.pool.acquire() as conn:
        nodes = await list_nodes(conn)
        own = await nearest_station(conn, node_id=session.user.node_id)
    user = session.user
    stations = [Option(n.node_id, n.name) for n in nodes if n.level in STATION_LEVELS
                and may_report_to(user, station_path=n.path, station_id=n.node_id,
                                  own_station_id=own.node_id if own else None)]
    items.append(Field(
        name="station_node_id", label="负责救助站", kind="select", options=stations,
        empty_label=f"默认：{own.name}" if own else "请选择", required=own is None,
        hint="一般不用改；需要由其他救助站接收时再选择"))
    return items


def _new_report_page(request: Request, items: list[forms.Item], values: dict[str, Any],
                     errors: dict[str, list[str]] | None = None, top: Iterable[str] = (),
                     status: int = 200) -> Response:
    return page(request, "new_report.html", status=status, nav="new", items=items, values=values,
                errors=errors or {}, top=list(top), labels=forms.field_labels(items),
                ids={name: forms.element_id(items, name) for name in (errors or {})})


@router.get("/cases/new")
async def new_report_form(request: Request, ctx: Ctx, session: Sess) -> Response:
    if session.user.role not in REPORTS_CASES:
        raise ApiError(403, "forbidden", "您的岗位不能登记发现报告")
    items = await _report_form(ctx, session)
    values = forms.initial_values(items)
    values["report_id"] = f"console-{uuid.uuid4().hex}"  # one id per form: a resubmit is one case
    if channel := _DEFAULT_CHANNEL.get(session.user.role):
        values["channel"] = channel.value
    return _new_report_page(request, items, values)


@router.post("/cases/new")
async def new_report_submit(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    items = await _report_form(ctx, session)
    values = forms.submitted_values(items, data)
    values["report_id"] = data.get("report_id", "")
    payload = forms.to_payload(items, data)
    payload["report_id"] = data.get("report_id", "")
    try:
        body = CreateCaseRequest.model_validate(payload)
    except ValidationError as exc:
        details = [{"loc": list(e["loc"]), "msg": _message(e)} for e in exc.errors()]
        errors, loose = forms.place_errors(items, details)
        if any(d["loc"][:1] == ["report_id"] for d in details):
            loose = ["表单已失效，请刷新页面后重新填写"]
        return _new_report_page(request, items, values, errors, loose, status=422)
    try:
        result = await case_service.open_case(ctx, session.user, body, client_address(request))
    except ApiError as exc:
        if exc.status in (401, 403):
            raise
        if exc.code in ("station_not_found", "station_required"):
            return _new_report_page(request, items, values, {"station_node_id": [exc.message]},
                                    status=422)
        return _new_report_page(request, items, values, top=[exc.message], status=exc.status)
    notice = "reported" if result.created else "existing"
    return see_other(f"/console/cases/{result.case_id}?notice={notice}")


# --- case page and history -------------------------------------------------------------------


async def _node_names(ctx: AppContext, ids: Iterable[str | None]) -> dict[str, str]:
    names: dict[str, str] = {}
    async with ctx.pool.acquire() as conn:
        for node_id in {i for i in ids if i}:
            try:
                names[node_id] = (await get_node(conn, node_id=node_id)).name
            except NodeNotFound:
                names[node_id] = node_id
    return names


async def _display_names(ctx: AppContext, usernames: Iterable[str | None]) -> dict[str, str]:
    names: dict[str, str] = {}
    async with ctx.pool.acquire() as conn:
        for username in {u for u in usernames if u}:
            user = await get_user_by_username(conn, username=username)
            names[username] = user.display_name if user else username
    return names


@router.get("/cases/{case_id}")
async def case_page(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    case = await case_service.read_case(ctx, user, case_id, client_address(request))
    nodes = await _node_names(ctx, [case.station_node_id, case.origin_node_id,
                                    *(t.assignee.node_id for t in case.open_tasks)])
    actors = await _display_names(ctx, (e.actor for e in case.timeline))
    mine = {t.task_id for t in case.open_tasks
            if (t.assignee.node_id, t.assignee.role) == (user.node_id, user.role)}
    temporal_url = (workflow_url(ctx, case_workflow_id(case.case_number))
                    if user.role in READS_OPERATIONS else None)
    return page(request, "case.html", nav="cases", case=case, nodes=nodes, actors=actors,
                mine=mine, timeline=list(reversed(case.timeline)), notice=notice_of(request),
                temporal_url=temporal_url)


@router.get("/cases/{case_id}/history")
async def history_page(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    events = await case_service.read_history(ctx, session.user, case_id, client_address(request))
    async with ctx.pool.acquire() as conn:
        report = await get_report_by_case(conn, case_id=parse_uuid(case_id, "case"))
    return page(request, "history.html", nav="cases", events=events, case_id=case_id,
                case_number=report.case_number if report else "")


# --- anything else under /console/ (included last) ----------------------------------------

fallback = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@fallback.api_route("/{rest:path}", methods=["GET", "POST"])
async def not_found(rest: str, request: Request, ctx: Ctx) -> Response:
    await load_session(request, ctx)  # the header shows who is logged in, if anyone
    return error_page(request, 404, "找不到该页面，请从工作台重新进入")
