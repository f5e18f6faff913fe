"""The case pages of the console: the new discovery report and the case page. Server-rendered,
usable without JavaScript; every decision is the case service's."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.auth.access import READS_OPERATIONS, REPORTS_CASES, may_report_to
from api.cases import service as case_service
from api.cases.service import CreateCaseRequest
from api.console import forms
from api.console.forms import Field, Option
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import (
    Sess,
    Session,
    checked_form,
    notice_of,
)
from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.operator.routes import workflow_url
from api.photos.views import photo_panel
from db.network_repo import (
    STATION_LEVELS,
    NodeNotFound,
    get_node,
    list_nodes,
    nearest_station,
)
from db.users_repo import get_user_by_username
from domain.completion import _message
from domain.enums import DiscoveryChannel, Role
from domain.report import DiscoveryReport
from workflows.ids import case_workflow_id

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
    return page(request, "cases/new_report.html", status=status, nav="new", items=items, values=values,
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


# --- case page -------------------------------------------------------------------


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
    panel = await photo_panel(ctx, request, user, case_id=case.case_id,
                              station_node_id=case.station_node_id,
                              next_url=f"/console/cases/{case.case_id}")
    return page(request, "cases/case.html", nav="cases", case=case, nodes=nodes, actors=actors,
                mine=mine, timeline=list(reversed(case.timeline)), notice=notice_of(request),
                temporal_url=temporal_url, photo_panel=panel)
