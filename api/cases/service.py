"""Case operations shared by the JSON API and the console: open, read, read history."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError

from api.audit.trail import audit, deny_unless
from api.auth.access import (
    REPORTS_CASES,
    Sensitive,
    masked_flag,
    masked_person,
    masked_tasks,
    masked_timeline,
    may_report_to,
)
from api.cases.access import load_case_for
from api.cases.lists import CaseFilter, CaseList, CaseSummary
from api.cases.lists import list_cases as _list_cases
from api.cases.starter import START_TIMEOUT_SECONDS, queue_case_start, start_case_workflow
from api.context import AppContext
from api.errors import ApiError
from db.cases_repo import get_case, list_events_newest, register_report
from db.network_repo import NodeNotFound, get_node, nearest_station
from db.tasks_repo import TaskRecord, list_open_tasks_of_case
from db.users_repo import UserRecord
from domain.case import CaseEvent, CaseState, RescueCaseInput
from domain.enums import CaseOutcome, Classification, Stage, label
from domain.messages import chinese_message
from domain.person import PersonSummary
from domain.policy import Policy, policy_named, with_overrides
from domain.report import DiscoveryReport
from domain.tasks import Actor, Assignee, CaseTask
from workflows.ids import case_workflow_id
from workflows.rescue_case import RescueCaseWorkflow
from workflows.versions import LOGIC


class CreateCaseRequest(DiscoveryReport):
    """A discovery report; ``station_node_id`` defaults to the reporter's own station."""

    station_node_id: str | None = Field(default=None, description="负责救助站编号（默认为报告人所属救助站）")
    policy: str | None = Field(
        default=None, description="时限策略名称（默认为系统配置；演示用 compressed）")
    policy_overrides: dict[str, Any] | None = Field(
        default=None, description="时限覆盖（仅测试与演练环境允许）")


class CreateCaseResponse(BaseModel):
    case_id: str
    case_number: str
    workflow_id: str
    created: bool
    """False when this report id had already opened the case."""
    workflow_started: bool = True
    """False: the report is recorded, its workflow starts as soon as the process service is
    back (202); the case's page says so until then."""


class CaseView(BaseModel):
    """A case as the API shows it: exact state from the workflow, masked for the caller."""

    case_id: str
    case_number: str
    stage: Stage
    stage_label: str
    classification: Classification | None
    classification_label: str | None
    station_node_id: str
    origin_node_id: str | None
    person: PersonSummary
    open_tasks: list[CaseTask]
    timeline: list[CaseEvent]
    overdue: bool
    outcome: CaseOutcome | None = None
    outcome_label: str | None = None
    identity_known: bool = False
    in_hospital: bool | None = Field(default=False, description="正在住院（无权查看健康信息的岗位为空）")
    long_term: bool = False
    previous_cases: list[str] = Field(default_factory=list)
    follow_up_by: str | None = Field(default=None, description="返乡后负责跟踪随访的外地单位")
    follow_up_acknowledged: bool = Field(default=False, description="外地单位是否已确认接续随访")
    source: str = Field(description="workflow（精确状态）、closed（已办结个案：办结时流程留下的最终状态，"
                                    "不再变化）或 read_model（工作流暂不可达时的记录）")
    timeline_next_cursor: str | None = Field(
        default=None, description="时间线只含最近的事件时：更早事件的游标，传给 /cases/{id}/timeline")


class TimelinePage(BaseModel):
    """A page of a case's timeline (its own events and its treatments' and follow-up's)."""

    events: list[CaseEvent] = Field(description="由新到旧")
    next_cursor: str | None = Field(default=None, description="更早事件的游标（没有更多时为空）")


TIMELINE_ON_CASE = 100
"""Newest events a case read carries; the rest is paged through /cases/{id}/timeline."""


def encode_event_cursor(cursor: tuple[datetime, int] | None) -> str | None:
    if cursor is None:
        return None
    return base64.urlsafe_b64encode(f"{cursor[0].isoformat()}|{cursor[1]}".encode()).decode().rstrip("=")


def decode_event_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, seq = raw.rsplit("|", 1)
        return datetime.fromisoformat(at), int(seq)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "invalid_cursor", "翻页游标无效，请从第一页重新查看") from None


def masked_view(user: UserRecord, state: CaseState, source: str) -> CaseView:
    """The case as this user may see it: every sensitive field masked by ``access``."""
    view = case_view(state, masked_person(user, state.person), source)
    return view.model_copy(update={
        "open_tasks": masked_tasks(user, view.open_tasks),
        "timeline": masked_timeline(user, view.timeline),
        "in_hospital": masked_flag(user, Sensitive.HEALTH, state.in_hospital)})


def case_view(state: CaseState, person: PersonSummary, source: str) -> CaseView:
    """Unmasked: callers answer :func:`masked_view` instead."""
    return CaseView(
        case_id=state.case_id, case_number=state.case_number, stage=state.stage,
        stage_label=label(state.stage), classification=state.classification,
        classification_label=label(state.classification) if state.classification else None,
        station_node_id=state.station_node_id, origin_node_id=state.origin_node_id,
        person=person, open_tasks=state.open_tasks, timeline=state.timeline,
        overdue=state.overdue, outcome=state.outcome,
        outcome_label=label(state.outcome) if state.outcome else None,
        identity_known=state.identity_known, in_hospital=state.in_hospital,
        long_term=state.long_term, previous_cases=state.previous_cases,
        follow_up_by=state.follow_up_by, follow_up_acknowledged=state.follow_up_acknowledged,
        source=source,
    )


async def open_case(ctx: AppContext, user: UserRecord, body: CreateCaseRequest,
                    client: str | None) -> CreateCaseResponse:
    """Open a case from a discovery report and start its workflow; the same report id
    returns the same case (``created`` False). Every check runs before anything is written."""
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role in REPORTS_CASES, action="create_case",
                          subject=f"node:{user.node_id}", client=client,
                          message="您的岗位不能登记发现报告")
    policy = _policy_for(ctx, body.policy, body.policy_overrides)  # every check before anything is written
    async with ctx.pool.acquire() as conn:
        station = await _station_for(conn, user, body.station_node_id)
        own = await nearest_station(conn, node_id=user.node_id)
        allowed = may_report_to(user, station_path=station.path, station_id=station.node_id,
                                own_station_id=own.node_id if own else None)
        await deny_unless(conn, user, allowed, action="create_case",
                          subject=f"node:{station.node_id}", client=client,
                          message=f"不能向{station.name}登记报告：请选择本单位所属或下级的救助站")
        record, created = await register_report(
            conn, report_id=body.report_id, channel=body.channel.value,
            station_node_id=station.node_id, reported_by=user.user_id,
            workflow_id_for=case_workflow_id, reported_name=body.person_name)
        await audit(conn, user, action="create_case", subject=f"case:{record.case_id}",
                    allowed=True, client=client, detail="new" if created else "repeat")
    report = DiscoveryReport.model_validate(body.model_dump(exclude={"station_node_id", "policy", "policy_overrides"}))
    inp = RescueCaseInput(
        case_id=str(record.case_id), case_number=record.case_number,
        station_node_id=record.station_node_id, report=report,
        reported_by=Actor(user_id=str(user.user_id), username=user.username,
                          node_id=user.node_id, role=user.role,
                          display_name=user.display_name),
        policy=policy, logic=LOGIC,
    )
    started = True
    try:
        async with asyncio.timeout(START_TIMEOUT_SECONDS):
            await start_case_workflow(ctx.temporal, task_queue=ctx.settings.task_queue,
                                      workflow_id=record.workflow_id, inp=inp)
    except (RPCError, TimeoutError, RuntimeError):
        # Temporal cannot take it now: the report is recorded; the relay starts the workflow
        # when Temporal is back (a repeat of the report queues nothing twice).
        async with ctx.pool.acquire() as conn:
            await queue_case_start(conn, task_queue=ctx.settings.task_queue,
                                   workflow_id=record.workflow_id, inp=inp,
                                   report_id=body.report_id)
        started = False
    return CreateCaseResponse(case_id=str(record.case_id), case_number=record.case_number,
                              workflow_id=record.workflow_id, created=created,
                              workflow_started=started)


def _policy_for(ctx: AppContext, requested: str | None, overrides: dict[str, Any] | None) -> Policy:
    if requested is None:
        policy = ctx.policy
    elif requested not in ctx.settings.allowed_policies:
        raise ApiError(422, "policy_not_allowed", f"不允许使用时限策略：{requested}",
                       {"allowed": ctx.settings.allowed_policies})
    else:
        policy = policy_named(requested)
    if overrides:
        if not ctx.settings.allow_policy_overrides:
            raise ApiError(422, "policy_overrides_not_allowed", "本系统不允许覆盖时限策略")
        try:
            policy = with_overrides(policy, overrides)
        except ValidationError as exc:
            raise ApiError(422, "invalid_policy_overrides", "时限覆盖内容有误",
                           [{"loc": list(e["loc"]), "msg": chinese_message(e), "type": e["type"]}
                            for e in exc.errors(include_url=False)]) from None
    return policy


async def _station_for(conn: Any, user: Any, requested: str | None) -> Any:
    if requested:
        try:
            node = await get_node(conn, node_id=requested)
        except NodeNotFound:
            raise ApiError(422, "station_not_found", f"找不到救助站：{requested}") from None
        if node.level.value not in ("city_station", "county_station"):
            raise ApiError(422, "station_not_found", f"{node.name}不是救助站，请选择市或县(区)救助站")
        return node
    station = await nearest_station(conn, node_id=user.node_id)
    if station is None:
        raise ApiError(422, "station_required", "请指定负责的救助站（station_node_id）")
    return station


async def read_case(ctx: AppContext, user: UserRecord, case_id: str, client: str | None) -> CaseView:
    """The case's exact state from its workflow (or the read model if the workflow is out of
    reach) and its newest timeline from the read model, masked for the caller's role."""
    async with ctx.pool.acquire() as conn:
        report, record = await load_case_for(conn, user=user, case_id=case_id, action="read_case",
                                             client=client)
        final = recorded_state(record)
        if final is not None:  # closed: its workflow has nothing more to say
            page, recorded_tasks, record = await _recorded(conn, report.case_id, record)
            return _view(user, report.workflow_id, final, page, recorded_tasks, record, "closed")
        # Allowed and on record: the workflow is asked now, while the same connection reads
        # the timeline and the tasks (one connection, the two waits overlap).
        state = _query_state(ctx, report.workflow_id)
        try:
            page, recorded_tasks, record = await _recorded(conn, report.case_id, record)
        except BaseException:
            state.cancel()
            raise
    return _view(user, report.workflow_id, await state, page, recorded_tasks, record)


def recorded_state(record: Any | None, settled_version: int | None = None) -> CaseState | None:
    """The workflow's state as its newest sync wrote it to the read model (0025), when that is
    the state now: the case is closed (nothing changes a closed workflow), or an update just
    answered that the workflow had nothing left to write at exactly this version. Asking the
    workflow instead is a round trip through Temporal to a worker, and for a closed workflow
    a replay of its whole history there."""
    if record is None or record.state is None:
        return None
    if record.closed_at is not None or (settled_version is not None and record.version == settled_version):
        return CaseState.model_validate(record.state)
    return None


def _task(r: TaskRecord) -> CaseTask:
    return CaseTask(task_id=str(r.task_id), case_id=str(r.case_id), kind=r.kind,
                    assignee=Assignee(node_id=r.assignee_node_id, role=r.assignee_role),
                    opened_at=r.opened_at, deadline=r.deadline, overdue=r.overdue, context=r.context)


READ_FALLBACK_SECONDS = 2.0
"""A case's workflow that does not answer its state query within this (Temporal or the worker
down) is read from the read model instead, open tasks included (``source: read_model``)."""


def _query_state(ctx: AppContext, workflow_id: str) -> asyncio.Task[CaseState | None]:
    """The workflow's state query, started now; None when it cannot answer in time."""
    handle: WorkflowHandle[Any, Any] = ctx.temporal.get_workflow_handle(workflow_id)

    async def query() -> CaseState | None:
        try:
            async with asyncio.timeout(READ_FALLBACK_SECONDS):
                return await handle.query(RescueCaseWorkflow.state)
        except (RPCError, TimeoutError, RuntimeError):  # RuntimeError: the client cannot connect
            return None

    return asyncio.create_task(query())


async def _recorded(conn: Any, case_id: Any, record: Any | None) -> tuple[Any, list[TaskRecord], Any]:
    page = await list_events_newest(conn, case_id=case_id, before=None, limit=TIMELINE_ON_CASE)
    recorded_tasks = await list_open_tasks_of_case(conn, case_id=case_id)
    if record is None:
        record = await get_case(conn, case_id=case_id)
    return page, recorded_tasks, record


async def current_view(ctx: AppContext, user: UserRecord, workflow_id: str, case_id: Any,
                       record: Any | None = None, *, settled_version: int | None = None) -> CaseView:
    """The case as it is now, whole: its workflow's current state (query, or the state it
    wrote when that is current: :func:`recorded_state`; ``settled_version`` is an update's
    settled answer) with the open tasks of its treatments and follow-up, and the newest part
    of one timeline (its own and its children's events) from the read model; the caller has
    already been allowed to see it. A query goes out while the read model is read."""
    asked: asyncio.Task[CaseState | None] | None = None
    try:
        async with ctx.pool.acquire() as conn:
            if record is None:
                record = await get_case(conn, case_id=case_id)
            final = recorded_state(record, settled_version)
            if final is None:
                asked = _query_state(ctx, workflow_id)
            page, recorded_tasks, record = await _recorded(conn, case_id, record)
    except BaseException:
        if asked is not None:
            asked.cancel()
        raise
    if asked is None:
        closed = record is not None and record.closed_at is not None
        return _view(user, workflow_id, final, page, recorded_tasks, record, "closed" if closed else "workflow")
    return _view(user, workflow_id, await asked, page, recorded_tasks, record)


def _view(user: UserRecord, workflow_id: str, state: CaseState | None, page: Any,
          recorded_tasks: list[TaskRecord], record: Any | None, source: str = "workflow") -> CaseView:
    timeline = list(reversed(page.events))
    cursor = encode_event_cursor(page.next_cursor)
    if state is None:
        if record is None:
            raise ApiError(503, "case_unavailable", "个案正在建立，请稍后刷新")
        state = CaseState(
            case_id=str(record.case_id), case_number=record.case_number, stage=Stage(record.stage),
            station_node_id=record.station_node_id,
            classification=Classification(record.classification) if record.classification else None,
            origin_node_id=record.origin_node_id,
            person=PersonSummary(name=record.person_name, is_minor=record.is_minor,
                                 id_number=record.id_number),
            open_tasks=[_task(r) for r in recorded_tasks], overdue=record.overdue,
            policy_name="", version=record.version)
        view = masked_view(user, state.model_copy(update={"timeline": timeline}), "read_model")
        return view.model_copy(update={"timeline_next_cursor": cursor})
    # Tasks of the case's children (a follow-up visit, a settlement review) are theirs, not
    # the case workflow's: the read model has them, during the case and after it closed.
    children_tasks = [_task(r) for r in recorded_tasks if r.workflow_id and r.workflow_id != workflow_id]
    # The workflow answers the few events still on their way to the read model.
    known = {e.event_id for e in timeline}
    timeline += [e for e in state.timeline if e.event_id not in known]
    own = {t.task_id for t in state.open_tasks}
    tasks = [*state.open_tasks, *(t for t in children_tasks if t.task_id not in own)]
    overdue = state.overdue or any(t.overdue for t in tasks)
    view = masked_view(user, state.model_copy(update={"timeline": timeline, "open_tasks": tasks,
                                                      "overdue": overdue}), source)
    return view.model_copy(update={"timeline_next_cursor": cursor})


async def read_timeline(ctx: AppContext, user: UserRecord, case_id: str, cursor: str | None,
                        limit: int, client: str | None) -> TimelinePage:
    """A page of the case's timeline, newest first (every event is kept in the read model)."""
    before = decode_event_cursor(cursor) if cursor else None
    async with ctx.pool.acquire() as conn:
        report, _ = await load_case_for(conn, user=user, case_id=case_id, action="read_case",
                                        client=client)
        page = await list_events_newest(conn, case_id=report.case_id, before=before, limit=limit)
    return TimelinePage(events=masked_timeline(user, page.events),
                        next_cursor=encode_event_cursor(page.next_cursor))


async def list_cases(ctx: AppContext, user: UserRecord, stage: Stage | None = None,
                     cursor: str | None = None, limit: int = 50, client: str | None = None,
                     *, filters: CaseFilter | None = None) -> CaseList:
    """Cases the user may list, filtered and keyset paged (see ``case_lists``)."""
    f = filters or CaseFilter()
    if stage is not None:
        f = f.model_copy(update={"stage": stage})
    return await _list_cases(ctx, user, f, cursor, limit, client)


__all__ = ["CaseFilter", "CaseList", "CaseSummary", "CaseView", "list_cases", "masked_view"]
