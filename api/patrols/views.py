"""Console pages of the joint patrols: the list and the start form (extreme weather, a major
event), one patrol with its places, encounters and the forms of the team on the street."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.patrols import service
from db.network_repo import list_nodes
from domain.enums import DiscoveryCondition, NodeLevel, label
from domain.patrol import (
    EncounterOutcome,
    EncounterRequest,
    PatrolRequest,
    PatrolStatus,
    PatrolTrigger,
)
from workflows.patrol import PATROL_ROLES

router = APIRouter(prefix="/console/patrols", route_class=ConsoleRoute, include_in_schema=False)


@router.get("")
async def patrols(request: Request, ctx: Ctx, session: Sess) -> Response:
    items = await service.list_patrols(ctx, session.user)
    can_start = session.user.role in service.STARTS_PATROLS
    areas: list[tuple[str, str]] = []
    if can_start:
        async with ctx.pool.acquire() as conn:
            areas = [(n.node_id, n.name) for n in await list_nodes(conn)
                     if n.level == NodeLevel.COUNTY_STATION and n.path.startswith(session.user.node_path)]
    return page(request, "patrols/patrols.html", session=session, nav="patrols", patrols=items,
                can_start=can_start, areas=areas,
                triggers=[(t.value, label(t)) for t in PatrolTrigger if t != PatrolTrigger.KEY_DAY])


@router.post("")
async def start(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = PatrolRequest(area_node_id=data.get("area_node_id", ""), trigger=data.get("trigger", ""),
                             reason=data.get("reason", "").strip())
    except ValidationError:
        raise ApiError(422, "invalid_request", "请选择巡查区域、原因并填写说明") from None
    patrol_id, _ = await service.start(ctx, session.user, body)
    return see_other(f"/console/patrols/{patrol_id}")


@router.get("/{patrol_id}")
async def patrol_page(patrol_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    patrol = await service.get(ctx, session.user, patrol_id)
    return page(request, "patrols/patrol.html", session=session, nav="patrols", patrol=patrol,
                can_record=patrol.status == PatrolStatus.OPEN and session.user.role in PATROL_ROLES,
                outcomes=[(o.value, label(o)) for o in EncounterOutcome],
                conditions=[(c.value, label(c)) for c in DiscoveryCondition])


@router.post("/{patrol_id}/encounters")
async def encounter(patrol_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = EncounterRequest(place=data.get("place", "").strip(), outcome=data.get("outcome", ""),
                                note=data.get("note", "").strip(),
                                condition=data.get("condition") or DiscoveryCondition.ABLE_ADULT)
    except ValidationError:
        raise ApiError(422, "invalid_request", "请填写地点、处置结果和情况说明") from None
    await service.record_encounter(ctx, session.user, patrol_id, body, client_address(request))
    return see_other(f"/console/patrols/{patrol_id}")


@router.post("/{patrol_id}/finish")
async def finish(patrol_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    summary = data.get("summary", "").strip()
    if not summary:
        raise ApiError(422, "invalid_request", "请填写巡查小结")
    await service.finish(ctx, session.user, patrol_id, summary)
    return see_other(f"/console/patrols/{patrol_id}")
