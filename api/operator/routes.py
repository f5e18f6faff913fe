"""The operator's view of cases that stopped moving: tasks past their deadline (from the
records), and agency or database calls failing again and again (from Temporal: the pending
activities of each open case's workflow, with attempt count and last error), with links to
the raw history and to the workflow in the Temporal UI.

Temporal is asked only about a bounded page of open cases (``RESCUE_OPERATOR_SCAN_LIMIT``, the
most recently changed first; the next page goes further back), a few calls at a time. The same
descriptions, and the cases whose last sync reported a long history, give the workflows whose
history passed a share of Temporal's warning limits (``RESCUE_OPERATOR_HISTORY_SHARE``).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from temporalio.service import RPCError

from api.audit.trail import audit, deny_unless
from api.auth.access import READS_OPERATIONS
from api.cases.lists import decode_cursor, encode_cursor
from api.context import AppContext
from api.deps import Ctx, CurrentUser, client_address
from db.cases_repo import long_histories
from db.operator_repo import OpenCase, open_cases, overdue_tasks
from db.scope_repo import subtree_node_ids
from db.users_repo import UserRecord
from domain.agencies import label_of_call
from domain.enums import Role, TaskKind, label
from rescue.settings import TEMPORAL_UI_PATH

router = APIRouter(prefix="/api/v1/operator", tags=["operator"])
_CONCURRENCY = 8


class OverdueTaskLine(BaseModel):
    case_id: str
    case_number: str
    task_id: str
    kind: TaskKind
    kind_label: str
    assignee_node_id: str
    assignee_role: Role
    assignee_role_label: str
    deadline: datetime
    workflow_url: str


class FailingCall(BaseModel):
    case_id: str
    case_number: str
    stage: str
    activity: str
    activity_label: str
    attempt: int
    last_error: str = Field(description="最近一次失败的原因（截断）")
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    workflow_url: str


WARN_EVENTS = 10_240
"""Temporal warns when a run's history has this many events (it terminates at 51,200)."""
WARN_BYTES = 10 * 1024 * 1024
"""Temporal warns when a run's history is this large (it terminates at 50 MiB)."""


class LongHistory(BaseModel):
    case_id: str
    case_number: str
    stage: str
    history_events: int = Field(description="当前这一段流程的历史事件数")
    history_bytes: int
    share: float = Field(description="相对 Temporal 告警上限（10,240 个事件或 10 MiB）的比例，取较大者")
    runs: int = Field(description="个案流程已分几段（continue-as-new）")
    workflow_url: str


class StuckCases(BaseModel):
    overdue_tasks: list[OverdueTaskLine]
    failing_calls: list[FailingCall]
    long_histories: list[LongHistory] = Field(
        default_factory=list, description="历史记录接近 Temporal 上限的流程（由 describe 得出）")
    scanned: int = Field(description="本页检查了多少个未结案个案的流程")
    unreachable: int = Field(default=0, description="流程服务未答复的个案数")
    next_cursor: str | None = Field(default=None, description="检查更早变动的未结案个案")


def workflow_url(ctx: AppContext, workflow_id: str) -> str:
    """The workflow's page in the Temporal UI (through the console's proxy)."""
    ns = quote(ctx.settings.temporal_namespace, safe="")
    return f"{TEMPORAL_UI_PATH}/namespaces/{ns}/workflows/{quote(workflow_id, safe='')}"


def _time(ts: object) -> datetime | None:
    seconds = getattr(ts, "seconds", 0)
    return ts.ToDatetime().astimezone() if seconds else None  # type: ignore[attr-defined]


class _Described(BaseModel):
    failing: list[FailingCall]
    history_events: int
    history_bytes: int


async def _describe(ctx: AppContext, case: OpenCase, gate: asyncio.Semaphore) -> _Described | None:
    """The case's activities attempted at least N times and its history's size; None when
    Temporal did not answer."""
    async with gate:
        try:
            async with asyncio.timeout(5):
                desc = await ctx.temporal.get_workflow_handle(case.workflow_id).describe()
        except (RPCError, TimeoutError, RuntimeError):
            return None
    out = []
    for act in desc.raw_description.pending_activities:
        if act.attempt < ctx.settings.operator_min_attempts:
            continue
        name = act.activity_type.name
        out.append(FailingCall(
            case_id=str(case.case_id), case_number=case.case_number, stage=case.stage,
            activity=name, activity_label=label_of_call(name), attempt=act.attempt,
            last_error=(act.last_failure.message or "（无错误信息）")[:300],
            last_attempt_at=_time(act.last_attempt_complete_time),
            next_attempt_at=_time(act.next_attempt_schedule_time),
            workflow_url=workflow_url(ctx, case.workflow_id)))
    info = desc.raw_description.workflow_execution_info
    return _Described(failing=out, history_events=info.history_length,
                      history_bytes=info.history_size_bytes)


def _long(ctx: AppContext, case: OpenCase, d: _Described, runs: int) -> LongHistory | None:
    share = max(d.history_events / WARN_EVENTS, d.history_bytes / WARN_BYTES)
    if share < ctx.settings.operator_history_share:
        return None
    return LongHistory(case_id=str(case.case_id), case_number=case.case_number, stage=case.stage,
                       history_events=d.history_events, history_bytes=d.history_bytes,
                       share=round(share, 3), runs=runs,
                       workflow_url=workflow_url(ctx, case.workflow_id))


async def stuck_cases(ctx: AppContext, user: UserRecord, cursor: str | None,
                      client: str | None) -> StuckCases:
    """Overdue tasks and repeatedly failing calls of the open cases in the operator's scope."""
    after = decode_cursor(cursor) if cursor else None
    limit = ctx.settings.operator_scan_limit
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role in READS_OPERATIONS, action="read_operations",
                          subject=f"node:{user.node_id}", client=client,
                          message="只有运维人员可以查看流程运行情况")
        root = "/" not in user.node_path.strip("/")
        nodes = None if root else await subtree_node_ids(conn, node_path=user.node_path)
        late = await overdue_tasks(conn, node_ids=nodes) if after is None else []
        page = await open_cases(conn, node_ids=nodes, after=after, limit=limit + 1)
        share = ctx.settings.operator_history_share
        reported = await long_histories(conn, min_events=int(share * WARN_EVENTS),
                                        min_bytes=int(share * WARN_BYTES), node_path=user.node_path)
        await audit(conn, user, action="read_operations", subject=f"node:{user.node_id}",
                    allowed=True, client=client, detail=f"scanned={min(len(page), limit)}")
    gate = asyncio.Semaphore(_CONCURRENCY)
    scanned = page[:limit]
    answers = await asyncio.gather(*(_describe(ctx, c, gate) for c in scanned))
    failing = [f for a in answers if a for f in a.failing]
    failing.sort(key=lambda f: -f.attempt)
    # Long histories: the scanned cases, and those whose last sync reported one (described too,
    # so the figures are Temporal's own).
    runs = {str(r.case_id): r.runs for r in reported}
    extra = [OpenCase(case_id=r.case_id, case_number=r.case_number, workflow_id=r.workflow_id,
                      stage=r.stage, station_node_id=r.station_node_id, updated_at=r.updated_at)
             for r in reported
             if r.case_id not in {c.case_id for c in scanned}]
    more = await asyncio.gather(*(_describe(ctx, c, gate) for c in extra))
    longs = [line for c, d in zip([*scanned, *extra], [*answers, *more], strict=True)
             if d is not None and (line := _long(ctx, c, d, runs.get(str(c.case_id), 1)))]
    longs.sort(key=lambda x: -x.share)
    next_cursor = None
    if len(page) > limit:
        last = page[limit - 1]
        next_cursor = encode_cursor(last.updated_at, str(last.case_id))
    return StuckCases(
        overdue_tasks=[OverdueTaskLine(
            case_id=str(t.case_id), case_number=t.case_number, task_id=str(t.task_id),
            kind=t.kind, kind_label=label(t.kind), assignee_node_id=t.assignee_node_id,
            assignee_role=t.assignee_role, assignee_role_label=label(t.assignee_role),
            deadline=t.deadline,
            workflow_url=workflow_url(ctx, t.workflow_id or t.case_workflow_id)) for t in late],
        failing_calls=failing, long_histories=longs, scanned=len(scanned),
        unreachable=sum(1 for a in answers if a is None), next_cursor=next_cursor)


@router.get("/stuck-cases", response_model=StuckCases)
async def get_stuck_cases(ctx: Ctx, user: CurrentUser, request: Request,
                          cursor: str | None = Query(default=None, description="上一页的 next_cursor")
                          ) -> StuckCases:
    """Cases that stopped moving: overdue tasks, and calls failing again and again with their
    last error (operators only)."""
    return await stuck_cases(ctx, user, cursor, client_address(request))
