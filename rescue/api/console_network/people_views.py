"""Console pages of the people of the network (training, volunteers) and of oversight
(leading groups, supervision items), each with the forms of the users who keep them."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from rescue.api import network_service, oversight, people
from rescue.api.console.render import ConsoleRoute, see_other
from rescue.api.console.session import Sess, checked_form
from rescue.api.console_network.render import page
from rescue.api.deps import Ctx
from rescue.api.errors import ApiError
from rescue.api.network_access import EDITS_NETWORK
from rescue.db import people_repo
from rescue.domain.enums import label
from rescue.domain.monthly_report import month_of
from rescue.domain.network import StaffDuty
from rescue.domain.network_people import (
    TrainingInput,
    VolunteerActivityInput,
    VolunteerActivityKind,
    VolunteerInput,
)
from rescue.domain.oversight import (
    GroupPosition,
    MeetingInput,
    MemberInput,
    ProgressInput,
    SupervisionInput,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.replace("，", ",").replace("\n", ",").split(",") if x.strip()]


def _invalid(message: str) -> ApiError:
    return ApiError(422, "invalid_request", message)


@router.get("/people")
async def people_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    async with ctx.pool.acquire() as conn:
        trainings = await people_repo.trainings(conn, path=user.node_path)
        volunteers = await people_repo.volunteers(conn, path=user.node_path)
        activities = await people_repo.activities(conn, path=user.node_path)
    staff = []
    if user.role in EDITS_NETWORK:
        staff = [(s, n) for n in await network_service.subtree(ctx, user) for s in n.staff
                 if s.duty in (StaffDuty.LIAISON, StaffDuty.DEDICATED_OFFICER)]
    return page(request, "people.html", session=session, nav="people", trainings=trainings,
                volunteers=volunteers, activities=activities, staff=staff,
                can_train=user.role in EDITS_NETWORK, can_keep=user.role in people.KEEPS_VOLUNTEERS,
                kinds=[(k.value, label(k)) for k in VolunteerActivityKind],
                today=datetime.now(UTC).date().isoformat())


@router.post("/people/trainings")
async def training(request: Request, ctx: Ctx, session: Sess) -> Response:
    form = await request.form()
    data = await checked_form(request, ctx, session)
    try:
        body = TrainingInput(held_on=data.get("held_on", ""), topic=data.get("topic", "").strip(),
                             place=data.get("place") or None, trainer=data.get("trainer") or None,
                             attendee_staff_ids=[str(v) for v in form.getlist("attendees")])
    except ValidationError:
        raise _invalid("请填写培训日期和培训内容") from None
    await people.record_training(ctx, session.user, body)
    return see_other("/console/people")


@router.post("/people/volunteers")
async def volunteer(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = VolunteerInput(name=data.get("name", "").strip(), phone=data.get("phone") or None,
                              skills=_lines(data.get("skills", "")), availability=data.get("availability") or None)
    except ValidationError:
        raise _invalid("请填写志愿者姓名") from None
    await people.register_volunteer(ctx, session.user, body)
    return see_other("/console/people")


@router.post("/people/activities")
async def activity(request: Request, ctx: Ctx, session: Sess) -> Response:
    form = await request.form()
    data = await checked_form(request, ctx, session)
    try:
        body = VolunteerActivityInput(kind=data.get("kind", ""), held_on=data.get("held_on", ""),
                                      title=data.get("title", "").strip(), notes=data.get("notes") or None,
                                      volunteer_ids=[str(v) for v in form.getlist("volunteers")])
    except ValidationError:
        raise _invalid("请选择活动类型，填写日期和活动名称") from None
    await people.record_activity(ctx, session.user, body)
    return see_other("/console/people")


@router.get("/oversight")
async def oversight_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    nodes = await network_service.subtree(ctx, user)
    return page(request, "oversight.html", session=session, nav="oversight",
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
                attendees=_lines(data.get("attendees", "")), decisions=_lines(data.get("decisions", ""))))
        else:
            raise ApiError(404, "not_found", "找不到该页面")
    except ValidationError:
        raise _invalid("请完整填写表单（会议须填写议定事项）") from None
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
        raise _invalid("请填写督办事项、承办单位和完成时限") from None
    await oversight.assign(ctx, session.user, body)
    return see_other("/console/oversight")


@router.post("/oversight/items/{item_id}/{what}")
async def item_step(item_id: str, what: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    if what == "progress":
        try:
            body = ProgressInput(month=data.get("month", ""), progress=data.get("progress", "").strip())
        except ValidationError:
            raise _invalid("请填写本月进展") from None
        await oversight.progress(ctx, session.user, item_id, body)
    elif what == "done":
        await oversight.complete(ctx, session.user, item_id)
    else:
        raise ApiError(404, "not_found", "找不到该页面")
    return see_other("/console/oversight")
