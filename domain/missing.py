"""Missing-person reports (寻人登记): what a family, or the police on its behalf, tells about
someone they are looking for, and the words the console and the API use for it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from domain.contract import Contract
from domain.enums import Sex
from domain.identity import birth_date_of, normalize_id_number
from domain.plausible import HappenedOn


class Condition(StrEnum):
    """A health condition that makes a person likely to get lost and unable to say who they are."""

    DEMENTIA = "dementia"  # 老年痴呆（认知症）
    INTELLECTUAL = "intellectual"  # 智力残疾
    PSYCHIATRIC = "psychiatric"  # 精神障碍
    HEARING_SPEECH = "hearing_speech"  # 聋哑


CONDITION_LABELS: dict[Condition, str] = {
    Condition.DEMENTIA: "老年痴呆（认知症）",
    Condition.INTELLECTUAL: "智力残疾",
    Condition.PSYCHIATRIC: "精神障碍",
    Condition.HEARING_SPEECH: "聋哑",
}


class ReportedBy(StrEnum):
    """Who registered the report."""

    FAMILY = "family"  # 家属
    POLICE = "police"  # 公安（代为登记或公安失踪人员名单导入）


REPORTED_BY_LABELS = {ReportedBy.FAMILY: "家属", ReportedBy.POLICE: "公安"}


class ReportStatus(StrEnum):
    """Where a missing-person report stands."""

    OPEN = "open"  # still looked for
    FOUND = "found"  # a match was confirmed: the person is found
    WITHDRAWN = "withdrawn"  # the family or police withdrew it


STATUS_LABELS = {ReportStatus.OPEN: "寻找中", ReportStatus.FOUND: "已找到", ReportStatus.WITHDRAWN: "已撤销"}


class MissingReportInput(Contract):
    """A new missing-person report, as the console form, the API and the police list give it."""

    external_ref: str | None = Field(default=None, max_length=64, description="公安失踪人员编号等外部编号")
    reported_by: ReportedBy = Field(default=ReportedBy.FAMILY, description="登记人")
    name: str | None = Field(default=None, max_length=50, description="姓名")
    aliases: list[str] = Field(default_factory=list, max_length=10, description="曾用名、小名、别称")
    sex: Sex = Field(default=Sex.UNKNOWN, description="性别")
    birth_date: HappenedOn | None = Field(default=None, description="出生日期")
    birth_year: int | None = Field(default=None, ge=1900, le=2100, description="出生年份（日期不详时）")
    id_number: str | None = Field(default=None, description="身份证号码")
    height_cm: int | None = Field(default=None, ge=40, le=230, description="身高（厘米）")
    origin: str | None = Field(default=None, max_length=100, description="籍贯或户籍地")
    dialect: str | None = Field(default=None, max_length=50, description="口音、方言")
    last_seen_on: HappenedOn = Field(description="最后一次见到的日期")
    last_seen_place: str = Field(min_length=1, max_length=200, description="最后一次见到的地点")
    conditions: list[Condition] = Field(default_factory=list, description="健康状况")
    marks: str | None = Field(default=None, max_length=500, description="体貌特征、疤痕、胎记、纹身")
    clothing: str | None = Field(default=None, max_length=300, description="走失时衣着")
    photo_ref: str | None = Field(default=None, max_length=200, description="照片编号")
    contact_name: str = Field(min_length=1, max_length=50, description="联系人")
    contact_phone: str = Field(min_length=5, max_length=30, description="联系电话")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        return normalize_id_number(value) if value else None

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, value: list[str]) -> list[str]:
        cleaned = [a.strip() for a in value if a and a.strip()]
        if any(len(a) > 50 for a in cleaned):
            raise ValueError("别称过长（每个不超过50字）")
        return cleaned

    @model_validator(mode="after")
    def _someone_to_look_for(self) -> MissingReportInput:
        if not self.name and not self.aliases and not self.marks and not self.photo_ref:
            raise ValueError("请至少填写姓名、别称、体貌特征或照片中的一项")
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise ValueError("出生年份与出生日期不一致")
        if self.id_number and self.birth_date and birth_date_of(self.id_number) != self.birth_date:
            raise ValueError("出生日期与身份证号码中的出生日期不一致")
        if self.birth_date and self.last_seen_on < self.birth_date:
            raise ValueError("最后一次见到的日期不能早于出生日期")
        return self

    def known_birth_year(self) -> int | None:
        """The birth year from the date, the identity number or the year given."""
        if self.birth_date:
            return self.birth_date.year
        if self.id_number:
            return birth_date_of(self.id_number).year
        return self.birth_year


class MissingReport(MissingReportInput):
    """A stored report: the input and where it stands."""

    report_id: uuid.UUID
    report_number: str
    status: ReportStatus
    node_id: str
    created_by: str
    created_at: datetime
    found_case_id: uuid.UUID | None = None


class ImportRejection(BaseModel):
    """One row of a police list that was not imported, and why (in Chinese)."""

    row: int
    reason: str


class ImportResult(BaseModel):
    """What an import of the police's missing-person list did."""

    total: int
    imported: int
    duplicates: int
    rejected: list[ImportRejection]


def age_on(birth_year: int, day: date) -> int:
    """Age in whole years on ``day`` of someone born in ``birth_year`` (mid-year assumed)."""
    return day.year - birth_year
