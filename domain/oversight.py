"""Oversight of the network: the leading groups of the city and the counties (members by
department, meetings and their decisions) and the supervision items (督办事项) the office
assigns, each with an owner, a deadline and monthly progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.labels_ext import register_labels


class GroupPosition(StrEnum):
    """A member's place in a leading group."""

    LEADER = "leader"  # 组长: the government's leader in charge
    DEPUTY = "deputy"  # 副组长
    MEMBER = "member"  # 成员: a member department's leader


class SupervisionStatus(StrEnum):
    OPEN = "open"  # being worked on
    DONE = "done"  # finished, confirmed by the office


register_labels([
    (GroupPosition.LEADER, "组长"), (GroupPosition.DEPUTY, "副组长"), (GroupPosition.MEMBER, "成员"),
    (SupervisionStatus.OPEN, "办理中"), (SupervisionStatus.DONE, "已办结"),
])


class MemberInput(BaseModel):
    name: str = Field(min_length=1, max_length=50, description="姓名")
    department: str = Field(min_length=1, max_length=100, description="单位及职务")
    position: GroupPosition = Field(description="组内职务")


class Member(MemberInput):
    member_id: str


class MeetingInput(BaseModel):
    held_on: date = Field(description="会议日期")
    topic: str = Field(min_length=1, max_length=200, description="议题")
    attendees: list[str] = Field(default_factory=list, description="参会人员")
    decisions: list[str] = Field(min_length=1, description="议定事项")


class Meeting(MeetingInput):
    meeting_id: str
    recorded_by: str


class LeadingGroup(BaseModel):
    node_id: str
    node_name: str
    members: list[Member]
    meetings: list[Meeting]


class SupervisionInput(BaseModel):
    title: str = Field(min_length=1, max_length=200, description="督办事项")
    detail: str | None = Field(default=None, max_length=2000, description="具体要求")
    owner_node_id: str = Field(description="承办地区或单位")
    owner_department: str | None = Field(default=None, max_length=100, description="承办部门")
    deadline: date = Field(description="完成时限")


class ProgressInput(BaseModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM")
    progress: str = Field(min_length=1, max_length=2000, description="本月进展")


class Progress(ProgressInput):
    recorded_by: str
    recorded_at: datetime


class SupervisionItem(SupervisionInput):
    item_id: str
    owner_name: str
    status: SupervisionStatus
    assigned_by: str
    assigned_node_id: str
    created_at: datetime
    done_at: datetime | None
    overdue: bool = False
    progress: list[Progress] = Field(default_factory=list)
