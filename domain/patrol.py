"""Joint street patrols (街面联合巡查): civil affairs, police, urban management and health
together, on key days (Temporal Schedules) or by hand in extreme weather, covering the places
where people sleep rough; each encounter is recorded and a person needing help gets a case."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domain.contract import Contract
from domain.enums import DiscoveryCondition, Sex
from domain.labels_ext import register_labels
from domain.tasks import Actor

RECORD_PATROL = "record_patrol"
"""Activity: write the patrol's state and encounters (idempotent by patrol id and version)."""
LIST_PATROL_AREAS = "list_patrol_areas"
"""Activity: the county/district stations that each organise a key-day patrol."""
ENCOUNTER_REFUSED = "EncounterRefused"


class PatrolTrigger(StrEnum):
    """Why the patrol goes out."""

    KEY_DAY = "key_day"  # important festival or key day (scheduled)
    EXTREME_WEATHER = "extreme_weather"  # cold wave, heat, storm (started by hand)
    MAJOR_EVENT = "major_event"  # a major event in the city (started by hand)


class PlaceKind(StrEnum):
    """Places the plan names where people sleep rough."""

    BUSY_STREET = "busy_street"  # 繁华街区
    BRIDGE_CULVERT = "bridge_culvert"  # 桥梁涵洞
    UNDERPASS = "underpass"  # 地下通道
    ABANDONED_HOUSE = "abandoned_house"  # 废弃房屋
    STATION_SQUARE = "station_square"  # 车站广场
    URBAN_FRINGE = "urban_fringe"  # 城乡结合部
    SCENIC_AREA = "scenic_area"  # 风景游览区


class EncounterOutcome(StrEnum):
    """What the patrol did for a person met."""

    CASE_OPENED = "case_opened"  # needs help: a case is opened (escorted, guided or treated)
    DECLINED = "declined"  # told where the station is, declined help
    NO_NEED = "no_need"  # not a person in need


class PatrolStatus(StrEnum):
    OPEN = "open"  # out on the street
    FINISHED = "finished"  # summary recorded


register_labels([
    (PatrolTrigger.KEY_DAY, "重要节日、重点时段"), (PatrolTrigger.EXTREME_WEATHER, "极端恶劣天气"),
    (PatrolTrigger.MAJOR_EVENT, "重大活动"),
    (PlaceKind.BUSY_STREET, "繁华街区"), (PlaceKind.BRIDGE_CULVERT, "桥梁涵洞"),
    (PlaceKind.UNDERPASS, "地下通道"), (PlaceKind.ABANDONED_HOUSE, "废弃房屋"),
    (PlaceKind.STATION_SQUARE, "车站广场"), (PlaceKind.URBAN_FRINGE, "城乡结合部"),
    (PlaceKind.SCENIC_AREA, "风景游览区"),
    (EncounterOutcome.CASE_OPENED, "需要救助，已建立个案"), (EncounterOutcome.DECLINED, "已告知救助站地址，本人拒绝救助"),
    (EncounterOutcome.NO_NEED, "非救助对象"),
    (PatrolStatus.OPEN, "巡查中"), (PatrolStatus.FINISHED, "已结束"),
])

DEPARTMENTS = ("民政", "公安", "城管", "卫生")
KEY_DAYS: tuple[tuple[int, int], ...] = ((1, 1), (2, 1), (5, 1), (10, 1), (12, 20))
"""Month and day of the scheduled key-day patrols (New Year, before the Spring Festival travel,
Labour Day, National Day, the cold season)."""


class PatrolPolicy(BaseModel):
    name: str
    duration: timedelta = timedelta(hours=12)
    """A patrol left open this long is closed with what was recorded."""


PATROL_POLICIES = {p.name: p for p in (PatrolPolicy(name="standard"),
                                       PatrolPolicy(name="compressed", duration=timedelta(seconds=60)))}


def patrol_policy(name: str) -> PatrolPolicy:
    return PATROL_POLICIES.get(name, PATROL_POLICIES["standard"])


def patrol_workflow_id(patrol_id: str) -> str:
    """``patrol:<patrol id>``: one workflow per patrol."""
    return f"patrol:{patrol_id}"


class PatrolPlace(BaseModel):
    kind: PlaceKind
    name: str = Field(min_length=1, max_length=100)


def default_places() -> list[PatrolPlace]:
    return [PatrolPlace(kind=k, name=n) for k, n in (
        (PlaceKind.STATION_SQUARE, "火车站、汽车站广场"), (PlaceKind.UNDERPASS, "地下通道"),
        (PlaceKind.BRIDGE_CULVERT, "桥梁涵洞"), (PlaceKind.BUSY_STREET, "繁华街区"),
        (PlaceKind.ABANDONED_HOUSE, "废弃房屋"), (PlaceKind.URBAN_FRINGE, "城乡结合部"))]


class PatrolRequest(BaseModel):
    """A patrol started by hand (extreme weather, a major event)."""

    patrol_id: str | None = Field(default=None, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
                                  description="巡查编号（默认自动生成；重复提交同一编号只启动一次）")
    area_node_id: str = Field(description="巡查区域（县(区)救助站编号）")
    trigger: PatrolTrigger = Field(description="巡查原因")
    reason: str = Field(min_length=1, max_length=200, description="说明（如：寒潮蓝色预警）")
    places: list[PatrolPlace] = Field(default_factory=default_places, description="重点巡查地点")
    departments: list[str] = Field(default_factory=lambda: list(DEPARTMENTS), description="参加部门")


class PatrolInput(Contract):
    patrol_id: str
    area_node_id: str
    trigger: PatrolTrigger
    reason: str
    places: list[PatrolPlace]
    departments: list[str]
    started_by: str
    policy: PatrolPolicy


class Encounter(BaseModel):
    number: int
    at: datetime
    place: str
    outcome: EncounterOutcome
    note: str
    case_id: str | None = None
    recorded_by: str


class PatrolState(BaseModel):
    patrol_id: str
    area_node_id: str
    trigger: PatrolTrigger
    reason: str
    places: list[PatrolPlace]
    departments: list[str]
    started_by: str
    status: PatrolStatus = PatrolStatus.OPEN
    started_at: datetime | None = None
    ends_at: datetime | None = None
    finished_at: datetime | None = None
    summary: str | None = None
    encounters: list[Encounter] = Field(default_factory=list)
    version: int = 0


class EncounterInput(Contract):
    actor: Actor
    place: str = Field(min_length=1, max_length=200)
    outcome: EncounterOutcome
    note: str = Field(min_length=1, max_length=1000)
    case_id: str | None = None


class FinishInput(Contract):
    actor: Actor
    summary: str = Field(min_length=1, max_length=2000)


class EncounterRequest(BaseModel):
    """The API body of an encounter: where, what was done, and what was seen of the person."""

    place: str = Field(min_length=1, max_length=200, description="地点")
    outcome: EncounterOutcome = Field(description="处置结果")
    note: str = Field(min_length=1, max_length=1000, description="情况说明")
    condition: DiscoveryCondition = Field(default=DiscoveryCondition.ABLE_ADULT, description="人员状况")
    sex: Sex = Field(default=Sex.UNKNOWN, description="性别")
    apparent_minor: bool = Field(default=False, description="看起来是未成年人")
    policy: str | None = Field(default=None, description="个案时限策略名称（默认为系统配置；演练用 compressed）")
    policy_overrides: dict[str, Any] | None = Field(default=None, description="时限覆盖（仅测试与演练环境允许）")


class PatrolRoundInput(Contract):
    """What the key-day schedule starts: one patrol per county/district station for the day."""

    policy_name: str = "standard"
