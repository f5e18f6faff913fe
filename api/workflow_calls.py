"""Sending an update to one of the network's workflows (monthly report, hotline call) and
turning its refusals into the API's stable error codes."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import (
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ApiError


async def send_update(handle: WorkflowHandle[Any, Any], update: Any, arg: Any, *,
                      errors: dict[str, tuple[int, str]], result_type: type[Any],
                      closed: tuple[str, str]) -> Any:
    """Execute ``update``; a validator's refusal becomes the mapped (status, code), a finished
    workflow the ``closed`` (code, message) as 409, an unreachable service 503."""
    try:
        async with asyncio.timeout(30):
            return await handle.execute_update(update, arg, result_type=result_type)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type in errors:
            status, code = errors[cause.type]
            raise ApiError(status, code, cause.message) from None
        raise ApiError(409, "update_rejected", f"未能办理：{cause}") from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise ApiError(409, closed[0], closed[1]) from None
        raise ApiError(503, "temporal_unavailable", "流程服务暂时不可用，请稍后重试") from None
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):  # the SDK's own timeout
        raise ApiError(503, "worker_unavailable", "流程处理超时，请稍后刷新查看是否已办理") from None
