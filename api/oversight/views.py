"""Console pages of oversight: the leading groups (members, meetings) and the supervision
items (督办事项) with their monthly progress."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.console.forms import list_items
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx
from api.errors import ApiError, invalid_request
from api.network import service as network_service
from api.oversight import routes as oversight
from domain.enums import label
from domain.monthly_report import month_of
from domain.oversight import (
    GroupPosition,
    MeetingInput,
    MemberInput,
    ProgressInput,
    SupervisionInput,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/oversight")
async def oversight_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    nodes = await network_service.subtree(ctx, user)
    return page(request, "oversight/oversight.html", session=session, nav="oversight",
                groups=await oversight.groups(ctx, user), items=await oversight.items(ctx, user),
                can_keep=user.role in oversight.KEEPS_GROUPS, can_assign=user.role in oversight.ASSIGNS_ITEMS,
                owners=[(n.node_id, n.name) for n in nodes if n.depth > 0],
                positions=[(p.value, label(p)) for p in GroupPosition], month=month_of(datetime.now(UTC)),
                today=datetime.now(UTC).date().isoformat())


@router.post("/oversight/groups/{node_id}/{what}")
async def group_post(node_id: str, what: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        if what == "members":
            await oversight.add_member(ctx, session.user, node_id, MemberInput(
                name=data.get("name", "").strip(), department=data.get("department", "").strip(),
                position=data.get("position", "")))
        elif what == "meetings":
            await oversight.add_meeting(ctx, session.user, node_id, MeetingInput(
                held_on=data.get("held_on", ""), topic=data.get("topic", "").strip(),
                attendees=list_items(data.get("attendees", "")), decisions=list_items(data.get("decisions", ""))))
        else:
            raise ApiError(404, "not_found", "找不到该页面")
    except ValidationError:
        raise invalid_request("请完整填写表单（会议须填写议定事项）") from None
    return see_other("/console/oversight")


@router.post("/oversight/items")
async def item_post(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = SupervisionInput(title=data.get("title", "").strip(), detail=data.get("detail") or None,
                                owner_node_id=data.get("owner_node_id", ""),
                                owner_department=data.get("owner_department") or None,
                                deadline=data.get("deadline", ""))
    except ValidationError:
        raise invalid_request("请填写督办事项、承办单位和完成时限") from None
    await oversight.assign(ctx, session.user, body)
    return see_other("/console/oversight")


@router.post("/oversight/items/{item_id}/{what}")
async def item_step(item_id: str, what: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    if what == "progress":
        try:
            body = ProgressInput(month=data.get("month", ""), progress=data.get("progress", "").strip())
        except ValidationError:
            raise invalid_request("请填写本月进展") from None
        await oversight.progress(ctx, session.user, item_id, body)
    elif what == "done":
        await oversight.complete(ctx, session.user, item_id)
    else:
        raise ApiError(404, "not_found", "找不到该页面")
    return see_other("/console/oversight")
