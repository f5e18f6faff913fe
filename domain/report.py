"""A discovery report (发现报告): how a case begins."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.enums import DiscoveryChannel, DiscoveryCondition, Sex
from domain.plausible import HappenedAt


class DiscoveryReport(BaseModel):
    """What the reporter saw; the report id makes repeated submissions one case."""

    report_id: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
        description="报告编号：同一编号重复提交只生成一个个案",
    )
    channel: DiscoveryChannel = Field(description="发现途径")
    place: str = Field(min_length=1, max_length=200, description="发现地点")
    found_at: HappenedAt | None = Field(default=None, description="发现时间（默认为报告时间）")
    person_name: str | None = Field(default=None, max_length=50, description="姓名（如知道）")
    sex: Sex = Field(default=Sex.UNKNOWN, description="性别")
    apparent_minor: bool = Field(default=False, description="看起来是未成年人")
    condition: DiscoveryCondition = Field(
        default=DiscoveryCondition.ABLE_ADULT, description="人员状况（决定引导、护送或通知医院）")
    description: str | None = Field(default=None, max_length=1000, description="外貌、状况等描述")
    reporter_phone: str | None = Field(
        default=None, max_length=30, description="报告人联系电话（用于回访）"
    )

    def effective_condition(self) -> DiscoveryCondition:
        """A reported minor is escorted even if the condition was left at its default."""
        if self.apparent_minor and self.condition == DiscoveryCondition.ABLE_ADULT:
            return DiscoveryCondition.MINOR
        return self.condition
