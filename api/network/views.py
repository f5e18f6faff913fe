"""Console pages of the network registry: the subtree with each node's standard and what it
lacks, one node's page, and the edit forms for the level above."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.console.names import people_names
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.network import service
from api.network.service import NodeEdit, StaffInput
from domain.enums import label
from domain.network import Equipment, NodeProfile, StaffDuty

router = APIRouter(prefix="/console/network", route_class=ConsoleRoute, include_in_schema=False)

_NOTICES = {"saved": "已保存", "staff_added": "已添加人员", "staff_removed": "已移除人员"}


@router.get("")
async def registry(request: Request, ctx: Ctx, session: Sess) -> Response:
    views = await service.subtree(ctx, session.user)
    return page(request, "network/network.html", session=session, nav="network", nodes=views,
                summary=service.summarise(views))


@router.get("/{node_id}")
async def node_page(node_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    node = await service.one(ctx, session.user, node_id)
    return page(request, "network/node.html", session=session, nav="network", node=node,
                people=await people_names(ctx, [node.profile.updated_by] if node.profile else []),
                equipment=[(e.value, label(e)) for e in Equipment],
                duties=[(d.value, label(d)) for d in StaffDuty],
                notice=_NOTICES.get(request.query_params.get("notice", "")), errors=[])


@router.post("/{node_id}")
async def node_edit(node_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    form = await request.form()
    data = await checked_form(request, ctx, session)
    try:
        body = NodeEdit(address=data.get("address") or None, phone=data.get("phone") or None,
                        profile=NodeProfile(
                            has_office="has_office" in data, office_rooms=int(data.get("office_rooms") or 0),
                            beds=int(data.get("beds") or 0), daily_necessities="daily_necessities" in data,
                            equipment=[Equipment(v) for v in form.getlist("equipment")],
                            sign_installed="sign_installed" in data, sign_text=data.get("sign_text") or None,
                            has_ledger="has_ledger" in data, has_procedures="has_procedures" in data,
                            notes=data.get("notes") or None))
    except (ValidationError, ValueError):
        node = await service.one(ctx, session.user, node_id)
        return page(request, "network/node.html", session=session, nav="network", node=node, status=422,
                    people=await people_names(ctx, [node.profile.updated_by] if node.profile else []),
                    equipment=[(e.value, label(e)) for e in Equipment],
                    duties=[(d.value, label(d)) for d in StaffDuty], notice=None,
                    errors=["填写有误：间数、床位须为不小于0的整数"])
    await service.edit(ctx, session.user, node_id, body, client_address(request))
    return see_other(f"/console/network/{node_id}?notice=saved")


@router.post("/{node_id}/staff")
async def staff_add(node_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = StaffInput(name=data.get("name", "").strip(), duty=StaffDuty(data.get("duty", "")),
                          phone=data.get("phone") or None)
    except (ValidationError, ValueError):
        raise ApiError(422, "invalid_request", "请填写姓名并选择岗位") from None
    await service.add_staff(ctx, session.user, node_id, body, client_address(request))
    return see_other(f"/console/network/{node_id}?notice=staff_added")


@router.post("/{node_id}/staff/{staff_id}/remove")
async def staff_remove(node_id: str, staff_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    await checked_form(request, ctx, session)
    await service.remove_staff(ctx, session.user, node_id, staff_id, client_address(request))
    return see_other(f"/console/network/{node_id}?notice=staff_removed")
