"""Printing a case's documents as PDF (reportlab, Chinese set with an embedded CJK font):
whoever may read the case may print, with the same fields masked as on screen, and every
print leaves a line in the audit log (which document, never its content)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from temporalio.service import RPCError

from api.audit.trail import audit
from api.auth.access import (
    Sensitive,
    masked_person,
    masked_tasks,
    masked_timeline,
    may_see_photos,
    sees,
)
from api.cases.access import load_case_for
from api.console.render import ConsoleRoute
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.documents.content import BUILDERS, TITLES, Facts, channel_label
from api.errors import ApiError
from api.exports.pdf import build
from api.photos.service import case_photos, view_photo
from db.network_repo import list_nodes
from db.person_repo import events_page, kinds_seen, latest_notice
from db.tasks_repo import list_open_tasks_of_case
from db.users_repo import get_user_by_username
from domain.case import CaseState
from domain.enums import CaseOutcome, Classification, Stage, label
from domain.person import PersonSummary
from workflows.rescue_case import RescueCaseWorkflow

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

SUMMARY_EVENTS = 40
"""Timeline lines in the case summary (the newest)."""


async def _state(ctx: Ctx, workflow_id: str) -> CaseState | None:
    try:
        async with asyncio.timeout(10):
            return await ctx.temporal.get_workflow_handle(workflow_id).query(RescueCaseWorkflow.state)
    except (RPCError, TimeoutError):
        return None


def _person(user: Any, details: dict[str, Any]) -> dict[str, Any]:
    person = dict(details)
    person["id_number"] = masked_person(user, PersonSummary(id_number=details.get("id_number"))).id_number
    if not sees(user, Sensitive.HEALTH):
        person.pop("cannot_care_for_self", None)
    return person


@router.get("/cases/{case_id}/documents/{slug}.pdf")
async def print_document(case_id: str, slug: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    if slug not in BUILDERS:
        raise ApiError(404, "not_found", "没有这种文书")
    user = session.user
    client = client_address(request)
    async with ctx.pool.acquire() as conn:
        report, record = await load_case_for(conn, user=user, case_id=case_id, action="print_document",
                                             client=client)
        if record is None:
            raise ApiError(409, "case_unavailable", "个案正在建立，请稍后再打印")
        cid = uuid.UUID(str(record.case_id))
        seen = await kinds_seen(conn, case_id=cid)
        notice = await latest_notice(conn, case_id=cid)
        events, _ = await events_page(conn, case_id=cid, limit=SUMMARY_EVENTS, offset=0)
        rows = await list_open_tasks_of_case(conn, case_id=cid)
        nodes = {n.node_id: n for n in await list_nodes(conn)}
        actors: dict[str, str] = {}
        for e in events:
            if e.actor and e.actor not in actors:
                who = await get_user_by_username(conn, username=e.actor)
                actors[e.actor] = who.display_name if who else "系统"
        if slug == "family-search-notice" and notice is None:
            raise ApiError(409, "no_notice", "该个案没有发布寻亲公告")
        await audit(conn, user, action="print_document", subject=f"case:{cid}", allowed=True,
                    client=client, detail=slug)
    state = await _state(ctx, report.workflow_id)
    names = {k: n.name for k, n in nodes.items()}
    station = nodes.get(record.station_node_id)
    tasks = masked_tasks(user, [r.as_case_task() for r in rows])
    classification = Classification(record.classification) if record.classification else None
    closed = seen.get("closed")
    outcome = state.outcome if state else None
    if outcome is None and closed and closed.data.get("outcome") in CaseOutcome._value2member_map_:
        outcome = CaseOutcome(closed.data["outcome"])
    facts = Facts(
        case_number=record.case_number, stage=label(Stage(record.stage)),
        classification=label(classification) if classification else "待甄别",
        outcome=label(outcome) if outcome else "",
        station=station.name if station else "救助站", station_address=(station.address or "") if station else "",
        station_phone=(station.phone or "") if station else "",
        origin=(names.get(record.origin_node_id or "") or (state.origin_address if state else "") or ""),
        person=_person(user, record.person or {"name": record.person_name}),
        is_minor=record.is_minor, age=state.person.age if state else None,
        channel=channel_label(report.channel), seen=seen,
        ticket=state.ticket.model_dump(mode="json") if state and state.ticket else None,
        notice=notice, events=masked_timeline(user, events), actors=actors, names=names,
        printed_by=user.display_name, printed_at=datetime.now(UTC),
        open_tasks=[(label(t.kind), f"{names.get(t.assignee.node_id, '办理单位')}·{label(t.assignee.role)}",
                     t.deadline) for t in tasks])
    if slug == "family-search-notice" and may_see_photos(user):
        photos = await case_photos(ctx, user, case_id, client)
        if photos:
            facts.photo, _ = await view_photo(ctx, user, case_id, photos[-1].photo_id, client)
    title = TITLES[slug]
    pdf = await asyncio.to_thread(build, BUILDERS[slug](facts), title=f"{title} {record.case_number}")
    filename = f"{title}-{record.case_number}.pdf"
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"{record.case_number}-{slug}.pdf\"; "
                               f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})
