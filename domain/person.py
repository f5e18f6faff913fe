"""The person helped (受助人员): what admission records, and the summary shown on lists."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator, model_validator

from domain.enums import Sex
from domain.identity import birth_date_of, normalize_id_number
from domain.plausible import HappenedOn


class PersonDetails(BaseModel):
    """Recorded at admission (求助登记表); unknown fields stay empty."""

    name: str | None = Field(default=None, max_length=50, description="姓名（不详可空）")
    sex: Sex = Field(description="性别")
    birth_date: HappenedOn | None = Field(default=None, description="出生日期")
    estimated_age: int | None = Field(
        default=None, ge=0, le=120, description="估计年龄（出生日期不详时填写）"
    )
    id_number: str | None = Field(default=None, description="身份证号码")
    has_civil_capacity: bool = Field(default=True, description="具有完全民事行为能力")
    cannot_care_for_self: bool = Field(
        default=False, description="老年人或残疾人，生活不能自理"
    )
    on_minimum_living_support: bool | None = Field(default=None, description="是否享受低保")
    reason: str | None = Field(default=None, max_length=500, description="流浪原因与经过")
    relatives_contact: str | None = Field(default=None, max_length=200, description="近亲属及联系方式")
    belongings: str | None = Field(default=None, max_length=500, description="随身物品")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        return normalize_id_number(value) if value else None

    @model_validator(mode="after")
    def _age_known(self) -> PersonDetails:
        if self.birth_date is None and self.estimated_age is None and self.id_number is None:
            raise ValueError("请填写出生日期、估计年龄或身份证号码中的一项，以便判断是否为未成年人")
        if self.id_number and self.birth_date and birth_date_of(self.id_number) != self.birth_date:
            raise ValueError("出生日期与身份证号码中的出生日期不一致")
        return self

    def known_birth_date(self) -> date | None:
        if self.birth_date:
            return self.birth_date
        if self.id_number:
            return birth_date_of(self.id_number)
        return None

    def age_on(self, today: date) -> int:
        """Age in whole years on ``today`` (from birth date, identity number or estimate)."""
        born = self.known_birth_date()
        if born is None:
            assert self.estimated_age is not None
            return self.estimated_age
        years = today.year - born.year
        if (today.month, today.day) < (born.month, born.day):
            years -= 1
        return years


class PersonSummary(BaseModel):
    """What lists and case pages show; the identity number is masked by the API by role."""

    name: str | None = None
    sex: Sex = Sex.UNKNOWN
    age: int | None = None
    is_minor: bool = False
    id_number: str | None = None
    household_address: str | None = None
