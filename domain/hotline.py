"""The 12349 hotline (救助热线): one workflow per call. Contracts shared by the workflow, its
activities and the API, and the hotline policy (durations compressed in tests)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domain.contract import Contract
from domain.enums import DiscoveryCondition, Sex
from domain.labels_ext import register_labels
from domain.tasks import Actor

RECORD_HOTLINE_CALL = "record_hotline_call"
"""Activity: project the call's state into PostgreSQL (idempotent: newest state wins)."""
DISPATCH_HOTLINE_CALL = "dispatch_hotline_call"
"""Activity: find the station on duty for the call's place and tell it (answers its node id)."""
ESCALATE_HOTLINE_CALL = "escalate_hotline_call"
"""Activity: tell the duty station's head (and the hotline) that a step is overdue."""

CALL_STEP_REFUSED = "CallStepRefused"
CALL_NOT_YOURS = "CallNotYours"


class CallKind(StrEnum):
    """What the caller wants."""

    SIGHTING = "sighting"  # a member of the public saw someone who may need help
    HELP_REQUEST = "help_request"  # the person asks for help themself
    CONSULTATION = "consultation"  # a question about rescue (no dispatch)


class CallStatus(StrEnum):
    """Where a call is."""

    RECEIVED = "received"  # recorded by the operator
    DISPATCHED = "dispatched"  # sent to the station on duty, arrival awaited
    ARRIVED = "arrived"  # staff or patrol on the spot, finding awaited
    FOUND = "found"  # person found: a case was opened
    NOT_FOUND = "not_found"  # nobody needing help was found
    CLOSED = "closed"  # caller told the outcome (or no callback needed)
    UNANSWERED = "unanswered"  # the escalations ran out without an answer


register_labels([
    (CallKind.SIGHTING, "群众反映发现流浪人员"), (CallKind.HELP_REQUEST, "本人求助"),
    (CallKind.CONSULTATION, "政策咨询"),
    (CallStatus.RECEIVED, "已受理"), (CallStatus.DISPATCHED, "已派单待到场"),
    (CallStatus.ARRIVED, "已到场"), (CallStatus.FOUND, "已找到并建案"),
    (CallStatus.NOT_FOUND, "未找到需救助人员"), (CallStatus.CLOSED, "已回访办结"),
    (CallStatus.UNANSWERED, "超时未处置"),
])


class HotlinePolicy(BaseModel):
    """Deadlines of a hotline call."""

    name: str
    arrival_within: timedelta = timedelta(minutes=60)
    """The station or patrol on duty must confirm arrival on the spot within this."""
    finding_within: timedelta = timedelta(hours=2)
    callback_within: timedelta = timedelta(hours=24)
    escalation_repeat: timedelta = timedelta(minutes=30)
    escalations_max: int = Field(default=6, ge=1)


HOTLINE_POLICIES = {p.name: p for p in (
    HotlinePolicy(name="standard"),
    HotlinePolicy(name="compressed", arrival_within=timedelta(seconds=3),
                  finding_within=timedelta(seconds=30), callback_within=timedelta(seconds=30),
                  escalation_repeat=timedelta(seconds=2), escalations_max=5),
)}


def hotline_policy(name: str) -> HotlinePolicy:
    return HOTLINE_POLICIES.get(name, HOTLINE_POLICIES["standard"])


def hotline_workflow_id(call_id: str) -> str:
    """``hotline-call:<call id>``: one workflow per call."""
    return f"hotline-call:{call_id}"


class HotlineCallRequest(BaseModel):
    """What the operator records (the call id makes a repeated submission one call)."""

    call_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
                         description="来电编号：同一编号重复提交只受理一次")
    kind: CallKind = Field(description="来电类型")
    area_node_id: str = Field(description="发生地所属社区(村)、乡镇或县(区)编号")
    place: str = Field(min_length=1, max_length=200, description="具体地点")
    description: str | None = Field(default=None, max_length=1000, description="来电内容")
    caller_phone: str | None = Field(default=None, max_length=30, description="来电号码（用于回访）")


class HotlineInput(Contract):
    call_id: str
    area_node_id: str
    kind: CallKind
    caller_phone: str | None = None
    received_at: datetime
    policy: HotlinePolicy


class HotlineState(BaseModel):
    call_id: str
    status: CallStatus = CallStatus.RECEIVED
    duty_node_id: str | None = None
    arrival_due: datetime | None = None
    arrived_at: datetime | None = None
    finding: str | None = None
    case_id: str | None = None
    callback_at: datetime | None = None
    callback_note: str | None = None
    escalations: int = 0
    version: int = 0


class ArrivalInput(Contract):
    actor: Actor
    note: str | None = Field(default=None, max_length=500)


class FindingInput(Contract):
    actor: Actor
    found: bool
    note: str = Field(min_length=1, max_length=1000)
    case_id: str | None = None
    """The case opened for the person found (the API opens it first, keyed by the call)."""


class CallbackInput(Contract):
    actor: Actor
    note: str = Field(min_length=1, max_length=500)


class EscalationInput(BaseModel):
    call_id: str
    duty_node_id: str
    step: str
    count: int


class FindingRequest(BaseModel):
    """The API body of a finding: found or not, and what the reporter saw of the person."""

    found: bool = Field(description="是否找到需要救助的人员")
    note: str = Field(min_length=1, max_length=1000, description="现场情况")
    condition: DiscoveryCondition = Field(default=DiscoveryCondition.ABLE_ADULT,
                                          description="人员状况")
    sex: Sex = Field(default=Sex.UNKNOWN, description="性别")
    apparent_minor: bool = Field(default=False, description="看起来是未成年人")
    person_name: str | None = Field(default=None, max_length=50, description="姓名（如知道）")
    policy: str | None = Field(default=None, description="个案时限策略名称（默认为系统配置；演练用 compressed）")
    policy_overrides: dict[str, Any] | None = Field(default=None, description="时限覆盖（仅测试与演练环境允许）")
