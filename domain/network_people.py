"""The people of the network: liaison training sessions (who attended, when, what) and the
volunteer team (registration, skills, availability, the activities they join)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.labels_ext import register_labels


class VolunteerActivityKind(StrEnum):
    """What volunteers do (the plan: surveys, charity help, public aid; and patrols)."""

    SURVEY = "survey"  # 民情调查
    CHARITY = "charity"  # 慈善帮扶
    PUBLIC_AID = "public_aid"  # 公益援助
    PATROL = "patrol"  # joining a street patrol


register_labels([
    (VolunteerActivityKind.SURVEY, "民情调查"), (VolunteerActivityKind.CHARITY, "慈善帮扶"),
    (VolunteerActivityKind.PUBLIC_AID, "公益援助"), (VolunteerActivityKind.PATROL, "参加街面巡查"),
])


class TrainingInput(BaseModel):
    """A training session for liaisons (联络员业务培训), organised by the caller's node."""

    held_on: date = Field(description="培训日期")
    topic: str = Field(min_length=1, max_length=200, description="培训内容")
    place: str | None = Field(default=None, max_length=200, description="地点")
    trainer: str | None = Field(default=None, max_length=100, description="授课人")
    attendee_staff_ids: list[str] = Field(default_factory=list, description="参训人员（工作人员编号）")


class Attendee(BaseModel):
    staff_id: str
    name: str
    node_id: str
    node_name: str


class TrainingSession(BaseModel):
    session_id: str
    organiser_node_id: str
    organiser_name: str
    held_on: date
    topic: str
    place: str | None
    trainer: str | None
    recorded_by: str
    attendees: list[Attendee] = Field(default_factory=list)


class VolunteerInput(BaseModel):
    """A volunteer joining the team (志愿者队伍) of a node."""

    node_id: str | None = Field(default=None, description="所属单位（默认本单位）")
    name: str = Field(min_length=1, max_length=50, description="姓名")
    phone: str | None = Field(default=None, max_length=30, description="联系电话")
    skills: list[str] = Field(default_factory=list, description="特长（医护、心理、法律、驾驶等）")
    availability: str | None = Field(default=None, max_length=200, description="可服务时间")


class Volunteer(VolunteerInput):
    volunteer_id: str
    node_name: str
    registered_at: datetime
    activities: int = 0


class VolunteerActivityInput(BaseModel):
    node_id: str | None = Field(default=None, description="组织单位（默认本单位）")
    kind: VolunteerActivityKind = Field(description="活动类型")
    held_on: date = Field(description="日期")
    title: str = Field(min_length=1, max_length=200, description="活动名称")
    notes: str | None = Field(default=None, max_length=1000, description="情况")
    volunteer_ids: list[str] = Field(default_factory=list, description="参加的志愿者编号")


class VolunteerActivity(BaseModel):
    activity_id: str
    node_id: str
    node_name: str
    kind: VolunteerActivityKind
    held_on: date
    title: str
    notes: str | None
    participants: list[str] = Field(default_factory=list)
