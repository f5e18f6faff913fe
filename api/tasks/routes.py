"""Tasks over JSON: the inbox, one task with its payload schema, completion."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from api.deps import Ctx, CurrentUser, client_address
from api.tasks import service
from api.tasks.service import CompleteTaskRequest, CompleteTaskResponse, TaskDetail, TaskView

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.get("", response_model=list[TaskView])
async def my_tasks(ctx: Ctx, user: CurrentUser, request: Request, response: Response,
                   limit: int = Query(default=100, ge=1, le=500),
                   since: int | None = Query(default=None, description="上次答复的 X-Inbox-Version"),
                   wait: float = Query(default=0, ge=0, le=25,
                                       description="收件箱无新任务时最多等待的秒数")) -> list[TaskView]:
    """Open tasks of the caller's organisation and role, overdue first, then by deadline.
    With ``since`` (the X-Inbox-Version header of the last answer) and ``wait``, an inbox kept
    open is answered when a task arrives (or after ``wait`` seconds) instead of polling."""
    tasks, version = await service.inbox_when_changed(ctx, user, limit, client_address(request),
                                                      since=since, wait=wait)
    if version is not None:
        response.headers["X-Inbox-Version"] = str(version)
    return tasks


@router.get("/{task_id}", response_model=TaskDetail)
async def get_task_detail(ctx: Ctx, user: CurrentUser, task_id: str, request: Request) -> TaskDetail:
    """One task, with the JSON Schema of its completion payload to build a form from."""
    return await service.task_detail(ctx, user, task_id, client_address(request))


@router.post("/{task_id}/complete", response_model=CompleteTaskResponse)
async def complete_task(ctx: Ctx, user: CurrentUser, task_id: str, body: CompleteTaskRequest,
                        request: Request) -> CompleteTaskResponse:
    """Complete a task: the case's workflow validates it (right task, assignee, payload),
    moves on, and the new case state is answered. 404 unknown, 403 not yours, 409 done,
    422 wrong payload."""
    return await service.complete(ctx, user, task_id, body.payload, client_address(request))
