"""Task operations shared by the JSON API and the console: inbox, detail, completion."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.audit.trail import audit, decide
from api.auth.access import masked_context
from api.cases.access import parse_uuid
from api.cases.service import CaseView, current_view
from api.context import AppContext
from api.errors import ApiError
from api.photos.service import photo_of_case
from db.tasks_repo import TaskRecord, get_task, list_open_tasks_for
from db.users_repo import UserRecord
from domain.case import CaseAck, CompleteTaskInput
from domain.completion import PayloadInvalid, check_payload
from domain.enums import Role, TaskKind, TaskStatus, label
from domain.tasks import Actor, payload_schema
from workflows import case_runtime as rt
from workflows.ids import case_workflow_id
from workflows.rescue_case import RescueCaseWorkflow


class TaskView(BaseModel):
    task_id: str
    case_id: str
    case_number: str
    kind: TaskKind
    kind_label: str
    assignee_node_id: str
    assignee_role: Role
    status: TaskStatus
    opened_at: datetime
    deadline: datetime
    overdue: bool
    context: dict[str, Any]


class TaskDetail(TaskView):
    payload_schema: dict[str, Any] = Field(description="完成任务时提交内容的 JSON Schema")


class CompleteTaskRequest(BaseModel):
    payload: dict[str, Any] = Field(description="按任务的 payload_schema 填写的内容")


class CompleteTaskResponse(BaseModel):
    task_id: str
    case: CaseView


def task_view(t: TaskRecord, user: UserRecord | None = None) -> TaskView:
    """A task for the API; with ``user``, its context is masked for that user's role."""
    context = masked_context(user, t.kind, t.context) if user is not None else t.context
    overdue = t.overdue or (t.status == TaskStatus.OPEN and t.deadline < datetime.now(UTC))
    return TaskView(task_id=str(t.task_id), case_id=str(t.case_id), case_number=t.case_number,
                    kind=t.kind, kind_label=label(t.kind), assignee_node_id=t.assignee_node_id,
                    assignee_role=t.assignee_role, status=t.status, opened_at=t.opened_at,
                    deadline=t.deadline, overdue=overdue, context=context)


def _is_mine(user: UserRecord, t: TaskRecord) -> bool:
    return (t.assignee_node_id, t.assignee_role) == (user.node_id, user.role)


async def inbox(ctx: AppContext, user: UserRecord, limit: int = 100,
                client: str | None = None) -> list[TaskView]:
    """Open tasks of the caller's organisation and role, overdue first, then by deadline."""
    async with ctx.pool.acquire() as conn:
        tasks = await list_open_tasks_for(conn, node_id=user.node_id, role=user.role, limit=limit)
        await audit(conn, user, action="list_tasks", subject=f"inbox:{user.node_id}:{user.role.value}",
                    allowed=True, client=client, detail=f"rows={len(tasks)}")
    return [task_view(t, user) for t in tasks]


async def inbox_when_changed(ctx: AppContext, user: UserRecord, limit: int, client: str | None, *,
                             since: int | None, wait: float) -> tuple[list[TaskView], int | None]:
    """The inbox once it changed after version ``since`` (or ``wait`` s passed), and its
    version now (None without notifications: the caller polls)."""
    signals = ctx.inbox
    if signals is None:
        return await inbox(ctx, user, limit, client), None
    key = f"{user.node_id}:{user.role.value}"
    if since is not None and wait > 0:
        await signals.wait(key, since, wait)
    version = signals.current(key) if signals.listening else None  # before reading: no gap
    return await inbox(ctx, user, limit, client), version


async def load_task(ctx: AppContext, user: UserRecord, task_id: str, action: str,
                    client: str | None) -> TaskRecord:
    """The task if it is the caller's (404 unknown, 403 someone else's); audited."""
    tid = parse_uuid(task_id, "task")
    async with ctx.pool.acquire() as conn:
        task = await get_task(conn, task_id=tid)
        if task is None:
            raise ApiError(404, "task_not_found", "找不到该任务")
        # The subject is the case (its person's data); the task is named in the detail.
        await decide(conn, user, _is_mine(user, task), action=action, subject=f"case:{task.case_id}",
                     client=client, code="task_not_yours", detail=f"task:{tid} {task.kind.value}",
                     message=f"该任务由{label(task.assignee_role)}（{task.assignee_node_id}）办理，不属于您")
    return task


async def task_detail(ctx: AppContext, user: UserRecord, task_id: str, client: str | None) -> TaskDetail:
    """One task, with the JSON Schema of its completion payload to build a form from."""
    task = await load_task(ctx, user, task_id, "read_task", client)
    return TaskDetail(**task_view(task, user).model_dump(), payload_schema=payload_schema(task.kind))


_UPDATE_ERRORS = {
    rt.TASK_NOT_FOUND: (404, "task_not_found"),
    rt.TASK_ALREADY_DONE: (409, "task_already_done"),
    rt.TASK_NOT_YOURS: (403, "task_not_yours"),
    rt.INVALID_PAYLOAD: (422, "invalid_payload"),
}


async def complete(ctx: AppContext, user: UserRecord, task_id: str, payload: dict[str, Any],
                   client: str | None) -> CompleteTaskResponse:
    """Complete a task: the case's workflow validates it (right task, assignee, payload),
    moves on, and the new case state is answered."""
    task = await load_task(ctx, user, task_id, "complete_task", client)
    if task.status != TaskStatus.OPEN:
        raise ApiError(409, "task_already_done", "该任务已经办结，不能重复提交")
    policy, now = ctx.policy, datetime.now(UTC)
    try:
        check_payload(task.kind, payload, today=policy.local_date(now), policy=policy, now=now)
    except PayloadInvalid as exc:
        raise ApiError(422, "invalid_payload", exc.message, exc.errors) from None
    photo_id = payload.get("photo_id") if task.kind == TaskKind.REGISTRATION else None
    if photo_id and not await photo_of_case(ctx, task.case_id, str(photo_id)):
        msg = "所选照片不是本个案的入站照片，请先在本页上传照片再选择"
        raise ApiError(422, "invalid_payload", msg, [{"loc": ["photo_id"], "msg": msg, "type": "photo"}])
    case_wf = case_workflow_id(task.case_number)
    handle = ctx.temporal.get_workflow_handle(task.workflow_id or case_wf)
    actor = Actor(user_id=str(user.user_id), username=user.username, node_id=user.node_id, role=user.role,
                          display_name=user.display_name)
    settled: int | None = None
    try:
        async with asyncio.timeout(30):
            # The update answers small (stage and version); the case is read afresh below,
            # the case workflow's state even for a treatment's or follow-up's task. Its id is
            # the submission's: the same completion sent again is the same update, done once.
            ack = await handle.execute_update(
                RescueCaseWorkflow.complete_task,
                CompleteTaskInput(task_id=str(task.task_id), actor=actor, payload=payload),
                id=_update_id(task, user, payload),
            )
        if isinstance(ack, CaseAck) and ack.settled and handle.id == case_wf:
            settled = ack.version  # the read model holds the case as the update left it
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type in _UPDATE_ERRORS:
            status, code = _UPDATE_ERRORS[cause.type]
            details = cause.details[0].get("errors") if cause.details and isinstance(cause.details[0], dict) else None
            raise ApiError(status, code, cause.message, details) from None
        raise ApiError(409, "task_rejected", f"任务未能办结：{cause}") from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ApiError(409, "case_closed", "该个案流程已结束，任务不能再办理") from None
        await _check_lost_answer(ctx, user, task)  # Temporal's error may hide a done update
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError, RuntimeError):
        # No answer in time (the SDK turns the timeout into its own error), or the client
        # cannot (re)connect (RuntimeError): the update may still have been applied.
        await _check_lost_answer(ctx, user, task)
    return CompleteTaskResponse(task_id=str(task.task_id), case=await current_view(
        ctx, user, case_wf, task.case_id, settled_version=settled))


def _update_id(task: TaskRecord, user: UserRecord, payload: dict[str, Any]) -> str:
    """One id per submission (task, person, content): a resent completion is deduplicated by
    Temporal, a corrected one is new."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()[:16]
    return f"complete-task:{task.task_id}:{user.user_id}:{digest}"


LOST_ANSWER_WAIT_SECONDS = 3.0
"""How long a completion whose answer was lost watches the read model before saying so."""


async def _check_lost_answer(ctx: AppContext, user: UserRecord, task: TaskRecord) -> None:
    """Temporal answered an error (or nothing) although the update may have been applied:
    look at the task in the read model. Done by this user: return (the caller answers 200).
    Done by someone else or withdrawn: 409. Still open: 503, "may be done, refresh"."""
    deadline = asyncio.get_running_loop().time() + LOST_ANSWER_WAIT_SECONDS
    while True:
        async with ctx.pool.acquire() as conn:
            now = await get_task(conn, task_id=task.task_id)
        if now is not None and now.status == TaskStatus.DONE:
            if now.completed_by == user.username:
                return
            raise ApiError(409, "task_already_done", "该任务已由他人办结")
        if now is None or now.status == TaskStatus.CANCELLED:
            raise ApiError(409, "task_cancelled", "该任务已撤销（个案已结束或已转入其他环节），无需办理")
        if asyncio.get_running_loop().time() >= deadline:
            raise ApiError(503, "completion_unknown",
                           "流程服务暂时无法确认办理结果：可能已办理，请稍后刷新查看。"
                           "若仍显示待办，原样重新提交不会重复办理。",
                           headers={"Retry-After": "5"})
        await asyncio.sleep(0.25)
