"""Temporal history events as lines an operator can read, in Chinese: what the workflow did,
which system it called, what it waited for and how long, which update or notice came in.
Payloads stay encrypted (they hold personal data); only a task completion's task id is read
from its update (by the caller, through the codec) to link the line to its task."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from domain.agencies import label_of_call

_LABELS = {
    "WORKFLOW_EXECUTION_STARTED": "流程启动",
    "WORKFLOW_EXECUTION_COMPLETED": "流程结束",
    "WORKFLOW_EXECUTION_FAILED": "流程失败",
    "WORKFLOW_EXECUTION_TIMED_OUT": "流程超时",
    "WORKFLOW_EXECUTION_CANCELED": "流程已取消",
    "WORKFLOW_EXECUTION_TERMINATED": "流程被强制终止",
    "WORKFLOW_EXECUTION_CONTINUED_AS_NEW": "流程接续（保持历史精简）",
    "WORKFLOW_EXECUTION_CANCEL_REQUESTED": "收到取消请求",
    "ACTIVITY_TASK_SCHEDULED": "安排调用",
    "ACTIVITY_TASK_STARTED": "调用开始",
    "ACTIVITY_TASK_COMPLETED": "调用完成",
    "ACTIVITY_TASK_FAILED": "调用失败",
    "ACTIVITY_TASK_TIMED_OUT": "调用超时",
    "ACTIVITY_TASK_CANCEL_REQUESTED": "请求取消调用",
    "ACTIVITY_TASK_CANCELED": "调用已取消",
    "TIMER_STARTED": "开始计时",
    "TIMER_FIRED": "计时到期",
    "TIMER_CANCELED": "计时取消（等待的事已发生）",
    "WORKFLOW_EXECUTION_UPDATE_ADMITTED": "收到办理请求",
    "WORKFLOW_EXECUTION_UPDATE_ACCEPTED": "受理办理请求",
    "WORKFLOW_EXECUTION_UPDATE_REJECTED": "办理请求被拒绝",
    "WORKFLOW_EXECUTION_UPDATE_COMPLETED": "办理请求处理完成",
    "WORKFLOW_EXECUTION_SIGNALED": "收到外部通知",
    "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES": "更新检索标签（阶段、超期）",
    "WORKFLOW_PROPERTIES_MODIFIED": "更新流程属性",
    "MARKER_RECORDED": "记录程序版本标记",
    "WORKFLOW_TASK_SCHEDULED": "等待流程处理",
    "WORKFLOW_TASK_STARTED": "流程开始处理",
    "WORKFLOW_TASK_COMPLETED": "流程处理完成",
    "WORKFLOW_TASK_FAILED": "流程处理出错",
    "WORKFLOW_TASK_TIMED_OUT": "流程处理超时",
    "START_CHILD_WORKFLOW_EXECUTION_INITIATED": "启动子流程",
    "START_CHILD_WORKFLOW_EXECUTION_FAILED": "子流程启动失败",
    "CHILD_WORKFLOW_EXECUTION_STARTED": "子流程已启动",
    "CHILD_WORKFLOW_EXECUTION_COMPLETED": "子流程结束",
    "CHILD_WORKFLOW_EXECUTION_FAILED": "子流程失败",
    "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED": "通知另一流程",
    "EXTERNAL_WORKFLOW_EXECUTION_SIGNALED": "另一流程已收到通知",
    "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED": "通知另一流程失败",
}
_QUIET = {"WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED", "WORKFLOW_TASK_COMPLETED"}
"""Bookkeeping of the engine itself: hidden unless asked for (failures always show)."""

_CALLS = {
    "sync_case": "同步个案记录", "record_child_activity": "记录救治或随访情况",
    "resolve_supervisor": "查找督办单位", "notify": "发送提醒", "publish_family_search_notice": "发布寻亲公告",
    "find_previous_cases": "查找既往个案", "record_settlement": "记录医疗结算",
    "register_returned_person": "登记到流出地台账", "pay_settlement": "支付医疗费用",
    "dispatch_hotline_call": "热线派单", "escalate_hotline_call": "热线督促", "record_hotline_call": "记录热线来电",
}
_UPDATES = {
    "complete_task": "办结任务", "record_departure": "自行离站", "record_death": "登记死亡",
    "reclassify": "改变救助类型", "transfer": "转移", "record_care": "照料服务", "refer_behaviour": "行为转介",
    "request_treatment": "送医", "correct_identity": "更正身份信息",
}
_SIGNALS = {
    "dna_result": "公安DNA比对结果", "treatment_discharged": "救治结束（出院）",
    "hospital_discharge": "医院出院通知", "settlement_voucher": "医院结算凭证",
}
_WORKFLOWS = {"RescueCaseWorkflow": "个案流程", "TreatmentWorkflow": "救治流程", "FollowUpWorkflow": "跟踪随访流程"}


def call_label(name: str) -> str:
    """The Chinese name of an activity (agency call or record keeping)."""
    return _CALLS.get(name) or (label_of_call(name) if label_of_call(name) != name else "内部调用")


def duration(value: timedelta) -> str:
    """A wait in Chinese, to the unit that matters: 30天, 2小时30分, 10分钟, 1.5秒."""
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}".rstrip("0").rstrip(".") + "秒"
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天" + (f"{hours}小时" if hours else "")
    if hours:
        return f"{hours}小时" + (f"{mins}分" if mins else "")
    return f"{mins}分钟"


def _code(event: HistoryEvent) -> str | None:
    """The detail as the JSON API gives it: the names of calls, updates and signals as coded."""
    attr = event.WhichOneof("attributes")
    a: Any = getattr(event, attr) if attr else None
    if attr == "activity_task_scheduled_event_attributes":
        return str(a.activity_type.name)
    if attr == "timer_started_event_attributes":
        return str(a.start_to_fire_timeout.ToTimedelta())
    if attr == "workflow_execution_update_accepted_event_attributes":
        return str(a.accepted_request.input.name)
    if attr == "workflow_execution_started_event_attributes":
        return str(a.workflow_type.name)
    if attr == "workflow_execution_signaled_event_attributes":
        return str(a.signal_name)
    return _detail(event) if attr in ("activity_task_failed_event_attributes",
                                      "workflow_task_failed_event_attributes",
                                      "activity_task_started_event_attributes") else None


def _detail(event: HistoryEvent) -> str | None:
    attr = event.WhichOneof("attributes")
    if attr is None:
        return None
    a: Any = getattr(event, attr)
    if attr == "activity_task_scheduled_event_attributes":
        return call_label(a.activity_type.name)
    if attr in ("activity_task_failed_event_attributes", "workflow_task_failed_event_attributes"):
        return "原因：" + a.failure.message[:300]
    if attr == "activity_task_started_event_attributes":
        return f"第{a.attempt}次尝试" + (f"，上次失败：{a.last_failure.message[:200]}" if a.attempt > 1 else "")
    if attr == "timer_started_event_attributes":
        return "等待" + duration(a.start_to_fire_timeout.ToTimedelta())
    if attr in ("workflow_execution_update_accepted_event_attributes",
                "workflow_execution_update_admitted_event_attributes"):
        request = a.accepted_request if attr.endswith("accepted_event_attributes") else a.request
        return _UPDATES.get(request.input.name, "办理请求")
    if attr == "workflow_execution_started_event_attributes":
        return _WORKFLOWS.get(a.workflow_type.name, "流程")
    if attr == "workflow_execution_signaled_event_attributes":
        return _SIGNALS.get(a.signal_name, "外部通知")
    if attr == "start_child_workflow_execution_initiated_event_attributes":
        return f"{_WORKFLOWS.get(a.workflow_type.name, '子流程')}（{a.workflow_id}）"
    if attr == "marker_recorded_event_attributes":
        return "流程升级后仍按原办法处理已开始的个案" if a.marker_name == "core_patch" else None
    return None


def update_of(event: HistoryEvent) -> Any:
    """The accepted update's request of an UPDATE_ACCEPTED event (None for other events)."""
    if event.WhichOneof("attributes") != "workflow_execution_update_accepted_event_attributes":
        return None
    return event.workflow_execution_update_accepted_event_attributes.accepted_request


def readable_history(events: Iterable[HistoryEvent], *, chinese: bool = False,
                     everything: bool = True) -> list[dict[str, Any]]:
    """The events as lines (number, time, type, Chinese label, detail). ``chinese``: the
    detail in words (the console), else the coded names (the JSON API, for tools); without
    ``everything`` the engine's own bookkeeping (workflow tasks that went well) is left out."""
    out = []
    for e in events:
        type_name = EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
        if not everything and type_name in _QUIET:
            continue
        out.append({
            "event_id": e.event_id,
            "time": e.event_time.ToDatetime().replace(tzinfo=UTC),
            "type": type_name,
            "label": _LABELS.get(type_name, "其他事件"),
            "detail": _detail(e) if chinese else _code(e),
        })
    return out
