"""The case pages of the console: the new discovery report and the case page. Server-rendered,
usable without JavaScript; every decision is the case service's."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.auth.access import (
    READS_OPERATIONS,
    REPORTS_CASES,
    masked_tasks,
    masked_timeline,
    may_act_on_case,
    may_report_to,
    within,
)
from api.cases import service as case_service
from api.cases.action_views import ACTIONS
from api.cases.case_page import NextStep, documents, stepper, with_names
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
from api.guard import edge_context
from api.operator.routes import workflow_url
from api.photos.views import photo_panel
from db.cases_repo import get_case, get_report_by_case
from db.network_repo import (
    STATION_LEVELS,
    list_nodes,
    nearest_station,
)
from db.person_links_repo import open_duplicate_flags
from db.person_repo import event_count, kinds_seen, latest_notice, stages_reached
from db.tasks_repo import list_open_tasks_of_case
from db.users_repo import get_user_by_username
from domain.enums import DiscoveryChannel, Role, Stage, label
from domain.messages import chinese_message as _message
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
        body = CreateCaseRequest.model_validate(payload, extra="forbid", context=edge_context(request))
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


async def _display_names(ctx: AppContext, usernames: Iterable[str | None]) -> dict[str, str]:
    names: dict[str, str] = {}
    async with ctx.pool.acquire() as conn:
        for username in {u for u in usernames if u}:
            user = await get_user_by_username(conn, username=username)
            names[username] = user.display_name if user else username
    return names


TIMELINE_PAGE = 100
"""Timeline lines per further page of the case page (the first is the case read's newest)."""


@router.get("/cases/{case_id}")
async def case_page(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    case = await case_service.read_case(ctx, user, case_id, client_address(request))
    before = request.query_params.get("before") or None
    if before:  # an older page of the timeline, from the read model
        older = await case_service.read_timeline(ctx, user, case_id, before, TIMELINE_PAGE,
                                                 client_address(request))
        events, next_cursor = older.events, older.next_cursor
    else:  # the case read's newest lines (those still on their way included), newest first
        events, next_cursor = list(reversed(case.timeline)), case.timeline_next_cursor
    cid = uuid.UUID(case.case_id)
    async with ctx.pool.acquire() as conn:
        task_rows = await list_open_tasks_of_case(conn, case_id=cid)
        open_tasks = masked_tasks(user, [t.as_case_task() for t in task_rows])
        workflow_of = {str(t.task_id): t.workflow_id for t in task_rows}
        total = await event_count(conn, case_id=cid)
        seen = await kinds_seen(conn, case_id=cid)
        reached = await stages_reached(conn, case_id=cid)
        notice = await latest_notice(conn, case_id=cid)
        record = await get_case(conn, case_id=cid)
        report = await get_report_by_case(conn, case_id=cid)
        same_person = [f for f in await open_duplicate_flags(conn, case_id=cid) if within(user, f["station_path"])]
        names = {n.node_id: n.name for n in await list_nodes(conn)}
    timeline = masked_timeline(user, events)
    actors = await _display_names(ctx, (e.actor for e in timeline))
    mine = {t.task_id for t in open_tasks
            if (t.assignee.node_id, t.assignee.role) == (user.node_id, user.role)}
    operator = user.role in READS_OPERATIONS
    temporal_url = workflow_url(ctx, case_workflow_id(case.case_number)) if operator else None
    task_urls = ({t.task_id: workflow_url(ctx, workflow_of.get(t.task_id) or case_workflow_id(case.case_number))
                  for t in open_tasks} if operator else {})
    first = min(open_tasks, key=lambda t: t.deadline) if open_tasks else None
    next_step = (NextStep(what=label(first.kind), deadline=first.deadline, overdue=first.overdue,
                          holder=f"{names.get(first.assignee.node_id, '办理单位')}·{label(first.assignee.role)}")
                 if first else None)
    closed = case.stage == Stage.CLOSED
    registered = bool(record and record.person)
    panel = await photo_panel(ctx, request, user, case_id=case.case_id,
                              station_node_id=case.station_node_id,
                              next_url=f"/console/cases/{case.case_id}")
    return page(request, "cases/case.html", nav="cases", case=case, nodes=names, actors=actors,
                reported_name=report.reported_name if report else None, same_person=same_person,
                mine=mine, open_tasks=open_tasks, timeline=timeline, notice=notice_of(request),
                temporal_url=temporal_url, task_urls=task_urls,
                steps=stepper(case.stage, reached, seen, case.outcome), next_step=next_step,
                documents=documents(registered=registered, classification=case.classification,
                                    closed=closed, seen=seen, has_notice=notice is not None),
                family_notice=notice, with_names=lambda text: with_names(text, names),
                actions=list(ACTIONS.values()) if (not closed and may_act_on_case(
                    user, station_node_id=case.station_node_id)) else [],
                older_cursor=next_cursor, paged=before is not None,
                total_events=max(total, len(timeline)), photo_panel=panel)
