"""The four-level network's registry: what each node has (staff, office, beds, equipment,
sign, liaison) and the standards it is checked against (DOMAIN.md): county stations "四有",
township centres "三有", community points "二有". Pure rules; the database keeps the records.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.enums import NodeLevel
from domain.labels_ext import register_labels


class Equipment(StrEnum):
    """Equipment and office items the standards name."""

    VIDEO_CAMERA = "video_camera"  # county: camera (摄像机)
    PHOTO_CAMERA = "photo_camera"  # county and township: photo camera
    COMPUTER = "computer"  # county and township
    PRINTER = "printer"  # county
    RESCUE_VEHICLE = "rescue_vehicle"  # county: rescue vehicle
    DESK = "desk"  # township office: desk
    FILE_CABINET = "file_cabinet"  # township office: file cabinet
    RESCUE_LOG = "rescue_log"  # township office: rescue log book
    PHONE = "phone"  # township office: help-line phone
    EMERGENCY_SUPPLIES = "emergency_supplies"  # water, food, bedding, wheelchair from the county


class StaffDuty(StrEnum):
    """What a person does at a node."""

    STAFF = "staff"  # station or centre staff
    HEAD = "head"  # head of the station or centre
    DEDICATED_OFFICER = "dedicated_officer"  # township's full-time rescue officer (专职人员)
    LIAISON = "liaison"  # community rescue liaison (联络员)


register_labels([
    (Equipment.VIDEO_CAMERA, "摄像机"), (Equipment.PHOTO_CAMERA, "照相机"),
    (Equipment.COMPUTER, "电脑"), (Equipment.PRINTER, "打印机"),
    (Equipment.RESCUE_VEHICLE, "救助专用车"), (Equipment.DESK, "办公桌"),
    (Equipment.FILE_CABINET, "档案柜"), (Equipment.RESCUE_LOG, "救助记录本"),
    (Equipment.PHONE, "求助电话"), (Equipment.EMERGENCY_SUPPLIES, "应急物资（水、食品、衣被、轮椅）"),
    (StaffDuty.STAFF, "工作人员"), (StaffDuty.HEAD, "负责人"),
    (StaffDuty.DEDICATED_OFFICER, "救助保护专职人员"), (StaffDuty.LIAISON, "救助联络员"),
])

COUNTY_EQUIPMENT = (Equipment.VIDEO_CAMERA, Equipment.PHOTO_CAMERA, Equipment.COMPUTER,
                    Equipment.PRINTER, Equipment.RESCUE_VEHICLE)
TOWNSHIP_EQUIPMENT = (Equipment.DESK, Equipment.FILE_CABINET, Equipment.RESCUE_LOG,
                      Equipment.PHONE, Equipment.COMPUTER, Equipment.PHOTO_CAMERA)
COUNTY_MIN_STAFF = 5
COUNTY_MIN_BEDS = 20
TOWNSHIP_MIN_BEDS = 4


class StaffMember(BaseModel):
    """A person working at a node."""

    staff_id: str
    name: str = Field(min_length=1, max_length=50)
    duty: StaffDuty
    phone: str | None = Field(default=None, max_length=30)


class NodeProfile(BaseModel):
    """What a node has; edited by the level above (the API checks who)."""

    has_office: bool = Field(default=False, description="有固定办公场所")
    office_rooms: int = Field(default=0, ge=0, le=50, description="办公室间数")
    beds: int = Field(default=0, ge=0, le=2000, description="救助安置床位数")
    daily_necessities: bool = Field(default=False, description="床位配齐生活用品")
    equipment: list[Equipment] = Field(default_factory=list, description="救助设备与办公用品")
    sign_installed: bool = Field(default=False, description="已悬挂救助网点牌")
    sign_text: str | None = Field(default=None, max_length=300, description="网点牌内容（中心电话、12349热线）")
    has_ledger: bool = Field(default=False, description="已建立救助保护工作台账")
    has_procedures: bool = Field(default=False, description="已建立发现、劝导、引导、报告制度")
    notes: str | None = Field(default=None, max_length=1000, description="备注")
    updated_at: datetime | None = None
    updated_by: str | None = None


class Shortfall(BaseModel):
    """One thing a node lacks against its standard, in words a supervisor can act on."""

    code: str
    text: str


class Compliance(BaseModel):
    """A node measured against its standard."""

    standard: str | None
    """四有 / 三有 / 二有, or None for levels without a standard."""
    compliant: bool
    shortfalls: list[Shortfall] = Field(default_factory=list)


def _count(staff: list[StaffMember], *duties: StaffDuty) -> int:
    return sum(1 for s in staff if s.duty in duties)


def check_compliance(level: NodeLevel, profile: NodeProfile, staff: list[StaffMember]) -> Compliance:
    """Measure a node against the standard of its level and list every shortfall."""
    gaps: list[Shortfall] = []
    have = set(profile.equipment)

    def need(ok: bool, code: str, text: str) -> None:
        if not ok:
            gaps.append(Shortfall(code=code, text=text))

    if level == NodeLevel.COUNTY_STATION:
        standard = "四有"
        people = len(staff)
        need(people >= COUNTY_MIN_STAFF, "staff",
             f"有人干事：工作人员{people}人，不足{COUNTY_MIN_STAFF}人")
        need(profile.has_office, "office", "有地方办事：未设立固定办公场所")
        need(profile.beds >= COUNTY_MIN_BEDS, "beds",
             f"有救助安置房：床位{profile.beds}张，不足{COUNTY_MIN_BEDS}张")
        need(profile.daily_necessities, "necessities", "有救助安置房：床位未配齐生活用品")
        missing = [e for e in COUNTY_EQUIPMENT if e not in have]
        need(not missing, "equipment", "有救助专用设备：缺" + "、".join(_labels(missing)))
    elif level == NodeLevel.TOWNSHIP:
        standard = "三有"
        need(_count(staff, StaffDuty.DEDICATED_OFFICER) >= 1, "officer",
             "有专职工作人员：未明确救助保护专职人员")
        need(profile.has_ledger, "ledger", "有专职工作人员：未建立救助保护工作台账")
        need(profile.has_procedures, "procedures", "有专职工作人员：未建立发现、劝导、引导、报告制度")
        need(profile.has_office and 1 <= profile.office_rooms, "office",
             "有固定办公场所：未设办公室（1-2间）")
        missing = [e for e in TOWNSHIP_EQUIPMENT if e not in have]
        need(not missing, "equipment", "有固定办公场所：缺" + "、".join(_labels(missing)))
        need(profile.beds >= TOWNSHIP_MIN_BEDS, "beds",
             f"有临时安置房：床位{profile.beds}张，不足{TOWNSHIP_MIN_BEDS}张")
        need(profile.daily_necessities, "necessities", "有临时安置房：未配齐日常生活用品和食品")
        need(profile.sign_installed, "sign", "未在显要位置设置救助网点牌（中心电话及12349热线）")
    elif level == NodeLevel.COMMUNITY:
        standard = "二有"
        need(profile.has_office, "office", "有固定办公地点：未设立")
        need(profile.sign_installed, "sign", "有固定办公地点：未悬挂救助网点牌和政策宣传牌")
        need(_count(staff, StaffDuty.LIAISON) >= 1, "liaison", "有救助联络员：未明确联络员")
    else:
        return Compliance(standard=None, compliant=True)
    return Compliance(standard=standard, compliant=not gaps, shortfalls=gaps)


def _labels(items: list[Equipment]) -> list[str]:
    from domain.enums import label

    return [label(e) for e in items]
