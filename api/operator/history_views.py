"""流程历史 of a case in the console: the events of the case's workflow, or of one of its child
workflows (treatment episodes, follow-up), in Chinese and Beijing time; a task completion is
linked to its task, and the Temporal UI link goes to the workflow shown."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from temporalio.service import RPCError

from api.audit.trail import deny_unless
from api.auth.access import READS_HISTORY, READS_OPERATIONS
from api.cases.access import load_case_for
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.operator.history import readable_history, update_of
from api.operator.routes import workflow_url
from db.network_repo import list_nodes
from db.person_repo import child_workflow_ids, kinds_seen, tasks_brief
from domain.case import CompleteTaskInput
from domain.enums import Role, TaskKind, label
from workflows.ids import (
    case_workflow_id,
    follow_up_workflow_id,
    treatment_case_ref,
    treatment_workflow_id,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


async def _workflows(conn: Any, case_id: uuid.UUID, case_number: str) -> list[tuple[str, str]]:
    """The case's workflow and its children as (workflow id, Chinese name): every workflow
    that held one of its tasks, and the follow-up once the person was handed over."""
    ids, episodes = await child_workflow_ids(conn, case_id=case_id)
    seen = await kinds_seen(conn, case_id=case_id)
    if "follow_up_handed" in seen or "follow_up_started" in seen:
        ids.add(follow_up_workflow_id(case_number))
    ids.update(treatment_workflow_id(treatment_case_ref(case_number, n)) for n in range(1, episodes + 1))
    main = case_workflow_id(case_number)
    ids.discard(main)
    out = [(main, "个案流程")]
    for wid in sorted(ids):
        if wid.startswith("rescue-treatment:"):
            out.append((wid, f"第{wid.rsplit('-T', 1)[-1]}次救治"))
        elif wid.startswith("rescue-follow-up:"):
            out.append((wid, "跟踪随访"))
    return out


async def _task_ids(ctx: Ctx, events: list[Any]) -> dict[int, str]:
    """Event id → the task id a completion names (read through the codec, nothing else kept)."""
    out: dict[int, str] = {}
    for e in events:
        request = update_of(e)
        if request is None or request.input.name != "complete_task":
            continue
        try:
            [done] = await ctx.temporal.data_converter.decode(list(request.input.args.payloads),
                                                             [CompleteTaskInput])
            out[e.event_id] = done.task_id
        except Exception:  # a payload this code cannot read: the line stays without its link
            continue
    return out


@router.get("/cases/{case_id}/history")
async def history_page(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    client = client_address(request)
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role in READS_HISTORY, action="read_history",
                          subject=f"case:{case_id}"[:80], client=client, message="您的岗位不能查看流程历史")
        report, _ = await load_case_for(conn, user=user, case_id=case_id, action="read_history", client=client)
        workflows = await _workflows(conn, report.case_id, report.case_number)
        names = {n.node_id: n.name for n in await list_nodes(conn)}
    wanted = request.query_params.get("workflow") or workflows[0][0]
    if wanted not in dict(workflows):
        raise ApiError(404, "not_found", "该个案没有这个流程")
    everything = request.query_params.get("all") == "1"
    try:
        async with asyncio.timeout(20):
            history = await ctx.temporal.get_workflow_handle(wanted).fetch_history()
    except (RPCError, TimeoutError):
        raise ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试") from None
    events = list(history.events)
    task_of = await _task_ids(ctx, events)
    tasks: dict[str, Any] = {}
    if task_of:
        async with ctx.pool.acquire() as conn:
            rows = await tasks_brief(conn, task_ids=[uuid.UUID(t) for t in task_of.values()])
        for r in rows:
            tasks[str(r["task_id"])] = {
                "id": str(r["task_id"]), "kind": label(TaskKind(r["kind"])),
                "holder": f"{names.get(r['assignee_node_id'], '办理单位')}·{label(Role(r['assignee_role']))}",
                "mine": (r["assignee_node_id"], r["assignee_role"]) == (user.node_id, user.role.value)
                and r["status"] == "open",
                "temporal": workflow_url(ctx, r["workflow_id"] or case_workflow_id(report.case_number))}
    lines = readable_history(events, chinese=True, everything=everything)
    for line in lines:
        tid = task_of.get(line["event_id"])
        line["task"] = tasks.get(tid) if tid else None
    return page(request, "operator/history.html", nav="cases", events=lines, case_id=case_id,
                case_number=report.case_number, workflows=workflows, wanted=wanted,
                wanted_name=dict(workflows)[wanted], everything=everything,
                temporal_url=workflow_url(ctx, wanted) if user.role in READS_OPERATIONS else None)
