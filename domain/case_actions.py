"""What staff can do to a case at any time, as Workflow Updates validated by the workflow:
voluntary departure, death, reclassification, transfer, care services, referrals of harmful
behaviour, and a request for medical treatment."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domain.contract import Contract
from domain.enums import CareService, Classification
from domain.plausible import HappenedAt
from domain.tasks import Actor

ACTION_INVALID = "ActionInvalid"
"""Error type of an action whose content cannot be true for this case (a death before the
person was found): the API answers 422, not 409."""

MAX_SHORT_TRIP_FARE_FEN = 2000
"""A short-trip fare of up to 20 yuan may be given on leaving (regulation), in fen."""


class DepartureInput(Contract):
    """自行离站: an open-rescue person leaves; protective rescue cannot end this way."""

    actor: Actor
    declaration_signed: bool = Field(description="已签署自行离站声明书（未签署视为放弃救助）")
    fare_fen: int = Field(default=0, ge=0, le=MAX_SHORT_TRIP_FARE_FEN, description="发放短途路费（分）")
    notes: str | None = Field(default=None, max_length=500)


class DeathInput(Contract):
    """死亡: the records the plan expects when a person dies during the rescue."""

    actor: Actor
    died_at: HappenedAt = Field(description="死亡时间")
    place: str = Field(min_length=1, max_length=200, description="死亡地点")
    cause: str = Field(min_length=1, max_length=500, description="死亡原因（医疗机构或公安认定）")
    police_notified: bool = Field(description="已报告公安机关")
    notes: str | None = Field(default=None, max_length=1000)


class ReclassifyInput(Contract):
    """重新甄别: the classification changes during the stay, with a reason on record."""

    actor: Actor
    classification: Classification
    reason: str = Field(min_length=1, max_length=500)


class TransferInput(Contract):
    """转站: the case moves, with its history, to another station."""

    actor: Actor
    to_station_node_id: str | None = Field(default=None, description="本市救助站编号")
    to_external_station: str | None = Field(default=None, max_length=100, description="外地救助站名称")
    reason: str = Field(min_length=1, max_length=500)


class CareRecordInput(Contract):
    """站内服务: a service given during the stay."""

    actor: Actor
    service: CareService
    notes: str | None = Field(default=None, max_length=500)


class BehaviourReferralInput(Contract):
    """违法行为移交: harmful behaviour referred to police or urban management, recorded only."""

    actor: Actor
    behaviour: str = Field(min_length=1, max_length=200, description="行为（强讨恶要、损毁公共设施等）")
    referred_to: str = Field(pattern="^(police|urban_management)$", description="移交公安或城管")
    notes: str | None = Field(default=None, max_length=500)


class TreatmentRequestInput(Contract):
    """送医救治: the station sends the person to the designated hospital (any stage)."""

    actor: Actor
    reason: str = Field(min_length=1, max_length=500, description="病情（敏感）")


class IdentityCorrectionInput(Contract):
    """更正身份信息: after registration, add or correct who the person is and where they come
    from; every change is on record with who made it and why, and the police household lookup
    can run again at once with what is now known."""

    actor: Actor
    name: str | None = Field(default=None, max_length=50, description="姓名")
    id_number: str | None = Field(default=None, max_length=18, description="身份证号码")
    birth_date: date | None = Field(default=None, description="出生日期")
    origin_address: str | None = Field(default=None, max_length=200, description="户籍地或流出地地址")
    reason: str = Field(min_length=1, max_length=500, description="更正理由（信息来源）")
    lookup_again: bool = Field(default=True, description="更正后重新进行公安户籍查询")

    def changed(self) -> list[str]:
        """The fields this correction sets, by their payload names."""
        return [f for f in ("name", "id_number", "birth_date", "origin_address")
                if getattr(self, f) not in (None, "")]
