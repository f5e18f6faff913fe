"""Console pages of the people of the network (liaison training, the volunteer team), with the
forms of the users who keep them."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.auth.network_access import EDITS_NETWORK
from api.console.forms import list_items
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx
from api.errors import invalid_request
from api.network import service as network_service
from api.people import routes as people
from db import people_repo
from domain.enums import label
from domain.network import StaffDuty
from domain.network_people import (
    TrainingInput,
    VolunteerActivityInput,
    VolunteerActivityKind,
    VolunteerInput,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


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
    return page(request, "people/people.html", session=session, nav="people", trainings=trainings,
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
        raise invalid_request("请填写培训日期和培训内容") from None
    await people.record_training(ctx, session.user, body)
    return see_other("/console/people")


@router.post("/people/volunteers")
async def volunteer(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    try:
        body = VolunteerInput(name=data.get("name", "").strip(), phone=data.get("phone") or None,
                              skills=list_items(data.get("skills", "")), availability=data.get("availability") or None)
    except ValidationError:
        raise invalid_request("请填写志愿者姓名") from None
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
        raise invalid_request("请选择活动类型，填写日期和活动名称") from None
    await people.record_activity(ctx, session.user, body)
    return see_other("/console/people")
