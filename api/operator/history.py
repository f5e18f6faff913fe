"""Turns Temporal history events into lines an operator can read (no payloads: they are
encrypted and hold personal data)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

_LABELS = {
    "WORKFLOW_EXECUTION_STARTED": "个案流程启动",
    "WORKFLOW_EXECUTION_COMPLETED": "个案流程结束",
    "WORKFLOW_EXECUTION_FAILED": "个案流程失败",
    "WORKFLOW_EXECUTION_CONTINUED_AS_NEW": "流程续期（continue-as-new）",
    "ACTIVITY_TASK_SCHEDULED": "调用外部系统/数据库",
    "ACTIVITY_TASK_STARTED": "调用开始",
    "ACTIVITY_TASK_COMPLETED": "调用完成",
    "ACTIVITY_TASK_FAILED": "调用失败",
    "ACTIVITY_TASK_TIMED_OUT": "调用超时",
    "TIMER_STARTED": "开始计时",
    "TIMER_FIRED": "计时到期",
    "WORKFLOW_EXECUTION_UPDATE_ACCEPTED": "收到任务办结",
    "WORKFLOW_EXECUTION_UPDATE_COMPLETED": "任务办结处理完成",
    "WORKFLOW_EXECUTION_SIGNALED": "收到外部通知",
    "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES": "更新检索标签",
    "WORKFLOW_TASK_SCHEDULED": "流程决策排队",
    "WORKFLOW_TASK_STARTED": "流程决策开始",
    "WORKFLOW_TASK_COMPLETED": "流程决策完成",
    "WORKFLOW_TASK_FAILED": "流程决策失败",
}


def _detail(event: HistoryEvent) -> str | None:
    attr = event.WhichOneof("attributes")
    if attr is None:
        return None
    a: Any = getattr(event, attr)
    if attr == "activity_task_scheduled_event_attributes":
        return a.activity_type.name
    if attr in ("activity_task_failed_event_attributes", "workflow_task_failed_event_attributes"):
        return a.failure.message[:300]
    if attr == "activity_task_started_event_attributes":
        return f"第{a.attempt}次尝试" + (f"，上次失败：{a.last_failure.message[:200]}" if a.attempt > 1 else "")
    if attr == "timer_started_event_attributes":
        return f"{a.start_to_fire_timeout.ToTimedelta()}"
    if attr == "workflow_execution_update_accepted_event_attributes":
        return a.accepted_request.input.name
    if attr == "workflow_execution_started_event_attributes":
        return a.workflow_type.name
    if attr == "workflow_execution_signaled_event_attributes":
        return a.signal_name
    return None


def readable_history(events: Iterable[HistoryEvent]) -> list[dict[str, Any]]:
    out = []
    for e in events:
        type_name = EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
        out.append({
            "event_id": e.event_id,
            "time": e.event_time.ToDatetime().replace(tzinfo=UTC),
            "type": type_name,
            "label": _LABELS.get(type_name, type_name),
            "detail": _detail(e),
        })
    return out
