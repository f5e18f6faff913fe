"""Console pages of the 12349 hotline: the operator's call form and list, and one call with
the step its viewer can take (arrival, finding, callback)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.audit.trail import audit
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.exports.download import table_download
from api.hotline import service
from db.network_repo import list_nodes
from db.users_repo import get_user_by_username
from domain.enums import DiscoveryCondition, NodeLevel, Role, label
from domain.hotline import CallKind, CallStatus, FindingRequest, HotlineCallRequest

router = APIRouter(prefix="/console/hotline", route_class=ConsoleRoute, include_in_schema=False)


async def _areas(ctx: Ctx) -> list[tuple[str, str]]:
    async with ctx.pool.acquire() as conn:
        nodes = await list_nodes(conn)
    # The city station too: a call about the city centre goes to the city's own station.
    levels = (NodeLevel.CITY_STATION, NodeLevel.COUNTY_STATION, NodeLevel.TOWNSHIP, NodeLevel.COMMUNITY)
    return [(n.node_id, n.name) for n in nodes if n.level in levels]


@router.get("")
async def calls(request: Request, ctx: Ctx, session: Sess) -> Response:
    items = await service.list_calls(ctx, session.user)
    operator = session.user.role == Role.HOTLINE_OPERATOR
    return page(request, "hotline/hotline.html", session=session, nav="hotline", calls=items, operator=operator,
                areas=await _areas(ctx) if operator else [], kinds=[(k.value, label(k)) for k in CallKind],
                call_id=f"call-{uuid.uuid4().hex[:12]}")


@router.get("/export.{kind}")
async def calls_export(kind: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The hotline log (the calls the page lists), as CSV or Excel."""
    items = await service.list_calls(ctx, session.user)
    async with ctx.pool.acquire() as conn:
        await audit(conn, session.user, action="export", subject=f"node:{session.user.node_id}",
                    allowed=True, client=client_address(request), detail=f"hotline {kind}")
    rows: list[list[object]] = [["来电时间", "类型", "发生地", "具体地点", "来电内容", "值班单位", "到场期限",
                                 "到场时间", "现场情况", "个案编号", "回访时间", "回访情况", "督促次数", "状态"]]
    rows += [[c.received_at, label(c.kind), c.area_name, c.place, c.description or "", c.duty_name or "",
              c.arrival_due, c.arrived_at, c.finding or "", c.case_number or "", c.callback_at,
              c.callback_note or "", c.escalations, label(c.status)] for c in items]
    return table_download(rows, kind=kind, title="12349热线来电记录", ascii_name="hotline-calls")


@router.post("")
async def record(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = HotlineCallRequest(call_id=data.get("call_id", ""), kind=data.get("kind", ""),
                                  area_node_id=data.get("area_node_id", ""), place=data.get("place", "").strip(),
                                  description=data.get("description") or None,
                                  caller_phone=data.get("caller_phone") or None)
    except ValidationError:
        raise ApiError(422, "invalid_request", "请选择来电类型、发生地并填写具体地点") from None
    call, _ = await service.record_call(ctx, session.user, body, client_address(request))
    return see_other(f"/console/hotline/{call.call_id}")


@router.get("/{call_id}")
async def call_page(call_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    call = await service.get_call(ctx, session.user, call_id)
    user = session.user
    on_duty = user.node_id == call.duty_node_id or user.role in (Role.POLICE, Role.URBAN_MANAGEMENT)
    async with ctx.pool.acquire() as conn:
        taker = await get_user_by_username(conn, username=call.operator)
    return page(request, "hotline/hotline_call.html", session=session, nav="hotline", call=call,
                operator_name=taker.display_name if taker else "12349热线接线员",
                can_arrive=on_duty and call.status == CallStatus.DISPATCHED,
                can_find=on_duty and call.status == CallStatus.ARRIVED,
                can_callback=(user.role == Role.HOTLINE_OPERATOR and call.caller_phone is not None
                              and call.callback_at is None
                              and call.status in (CallStatus.FOUND, CallStatus.NOT_FOUND)),
                conditions=[(c.value, label(c)) for c in DiscoveryCondition])


@router.post("/{call_id}/{step}")
async def call_step(call_id: str, step: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    user = session.user
    if step == "arrival":
        await service.confirm_arrival(ctx, user, call_id, data.get("note") or None)
    elif step == "finding":
        if data.get("found") not in ("true", "false"):
            raise ApiError(422, "invalid_request", "请选择是否找到需要救助的人员")
        try:
            body = FindingRequest(found=data.get("found") == "true", note=data.get("note", "").strip(),
                                  condition=data.get("condition") or DiscoveryCondition.ABLE_ADULT)
        except ValidationError:
            raise ApiError(422, "invalid_request", "请填写现场情况") from None
        await service.record_finding(ctx, user, call_id, body, client_address(request))
    elif step == "callback":
        note = data.get("note", "").strip()
        if not note:
            raise ApiError(422, "invalid_request", "请填写回访情况")
        await service.record_callback(ctx, user, call_id, note)
    else:
        raise ApiError(404, "not_found", "找不到该页面")
    return see_other(f"/console/hotline/{call_id}")
