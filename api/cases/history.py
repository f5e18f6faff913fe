"""A case's workflow history in readable form, for operators: what ran, waited, failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError

from api.audit.trail import deny_unless
from api.auth.access import READS_HISTORY
from api.cases.access import load_case_for
from api.context import AppContext
from api.errors import ApiError
from api.operator.history import readable_history
from db.users_repo import UserRecord


class HistoryEvent(BaseModel):
    event_id: int
    time: datetime
    type: str
    label: str
    detail: str | None = None


async def read_history(ctx: AppContext, user: UserRecord, case_id: str,
                       client: str | None) -> list[HistoryEvent]:
    """The workflow's events in readable form, for operators: what ran, waited, failed."""
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, user.role in READS_HISTORY, action="read_history",
                          subject=f"case:{case_id}"[:80], client=client,
                          message="您的岗位不能查看流程历史")
        report, _ = await load_case_for(conn, user=user, case_id=case_id, action="read_history",
                                        client=client)
    handle: WorkflowHandle[Any, Any] = ctx.temporal.get_workflow_handle(report.workflow_id)
    try:
        history = await handle.fetch_history()
    except RPCError as exc:
        raise ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试",
                       {"reason": exc.message}) from None
    return [HistoryEvent(**e) for e in readable_history(history.events)]
