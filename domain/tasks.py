"""Human tasks: who must do what by when, and the payload each kind of task is completed with.

The JSON Schema of each payload model is what agency systems and the console build forms from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from domain.enums import Classification, Role, TaskKind
from domain.person import PersonDetails
from domain.plausible import HappenedAt, HappenedOn


class Assignee(BaseModel):
    """An organisation node and the role there that owns a task."""

    node_id: str
    role: Role


class Actor(BaseModel):
    """The user acting through the API, as the workflow records them."""

    user_id: str
    username: str
    node_id: str
    role: Role
    display_name: str | None = None

    @property
    def shown_as(self) -> str:
        """How the timeline names the person: their display name, else their username."""
        return self.display_name or self.username


class CaseTask(BaseModel):
    """An open (or done) task of a case."""

    task_id: str
    case_id: str
    kind: TaskKind
    assignee: Assignee
    opened_at: datetime
    deadline: datetime
    overdue: bool = False
    context: dict[str, Any] = Field(default_factory=dict)
    """What the assignee needs to see to do the task (no personal data beyond the case's)."""
    reminders: int = 0
    """Reminders sent to the supervising level since the deadline passed."""
    last_reminded_at: datetime | None = None


class RegistrationPayload(BaseModel):
    """入站登记与分类: who the person is and which kind of rescue applies."""

    person: PersonDetails
    classification: Classification | None = Field(
        default=None, description="救助类型（未成年人及无民事行为能力人一律为保护性救助）"
    )
    notes: str | None = Field(default=None, max_length=1000, description="备注")
    photo_id: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="入站照片（先上传照片，再选择）")
    fingerprints_taken: bool = Field(default=False, description="已采集指纹")
    fingerprint_code: str | None = Field(
        default=None, min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$",
        description="指纹编码（指纹采集仪生成的编码，用于公安比对）")
    marks: str | None = Field(
        default=None, max_length=500, description="体貌特征（身高、体型、疤痕、胎记、文身等）")

    @model_validator(mode="after")
    def _fingerprints(self) -> RegistrationPayload:
        if self.fingerprint_code and not self.fingerprints_taken:
            raise ValueError("填写了指纹编码，请同时勾选“已采集指纹”")
        return self


class IdentityConfirmationPayload(BaseModel):
    """身份与户籍地确认: the caseworker records the origin when police found no registration."""

    origin_address: str = Field(min_length=1, max_length=200, description="户籍地或流出地地址")
    origin_node_id: str | None = Field(
        default=None, description="流出地社区(村)网点编号（本市以外留空）"
    )
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class TicketVoucherPayload(BaseModel):
    """开具换票凭证: where and when the person travels home."""

    destination: str = Field(min_length=1, max_length=100, description="目的地车站")
    travel_date: date = Field(description="乘车日期")
    escort_required: bool = Field(default=False, description="是否需要护送")
    notes: str | None = Field(default=None, max_length=500, description="备注")


class HandoverReceiptPayload(BaseModel):
    """流出地交接回执: the origin community confirms it received the person."""

    received_by: str = Field(min_length=1, max_length=50, description="接收人")
    relationship: str = Field(
        min_length=1, max_length=50, description="与受助人员关系（监护人、亲属、社区等）"
    )
    received_on: HappenedOn = Field(description="交接日期")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class RemoteHandoverPayload(BaseModel):
    """外地交接: the person handed over to the receiving city's rescue station or civil-affairs
    office (their origin lies outside this city's network)."""

    receiving_agency: str = Field(min_length=1, max_length=100, description="接收单位（流出地救助管理站或民政部门）")
    received_by: str = Field(min_length=1, max_length=50, description="接收人")
    received_on: HappenedOn = Field(description="交接日期")
    receipt_number: str | None = Field(default=None, max_length=100, description="回执编号")
    contact: str | None = Field(default=None, max_length=100, description="接收单位联系电话")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class FollowUpConfirmationPayload(BaseModel):
    """确认流出地接续跟踪随访: the receiving city acknowledged the follow-up request."""

    acknowledged_by: str = Field(min_length=1, max_length=100, description="确认人及单位")
    acknowledged_on: HappenedOn = Field(description="确认日期")
    how: str = Field(min_length=1, max_length=200, description="确认方式（回函、电话等）")


class FollowUpVisitPayload(BaseModel):
    """跟踪随访: a quarterly visit to the person and their family."""

    visited_on: HappenedOn = Field(description="随访日期")
    met_person: bool = Field(description="是否见到本人")
    family_contacted: bool = Field(description="是否联系到家属")
    situation: str = Field(min_length=1, max_length=1000, description="生活状况")
    needs: list[str] = Field(default_factory=list, description="需要转介的救助（低保、临时救助、医疗救助等）")
    last_family_contact_on: HappenedOn | None = Field(
        default=None, description="本人最近一次与家人联系的日期（失联超过一年将报告公安）")
    end_follow_up: bool = Field(default=False, description="结束跟踪随访")
    end_reason: str | None = Field(default=None, max_length=500, description="结束随访的理由")


class ArrivalConfirmationPayload(BaseModel):
    """引导到站确认: the guided person came to the station."""

    arrived_at: HappenedAt = Field(description="到站时间")
    notes: str | None = Field(default=None, max_length=500, description="备注")


class EscortPayload(BaseModel):
    """护送到站 / 护送就医: who escorted the person, and where they were handed over."""

    escorted_by: str = Field(min_length=1, max_length=100, description="护送人员及单位")
    arrived_at: HappenedAt = Field(description="送达时间")
    handed_to: str = Field(min_length=1, max_length=100, description="交接对象（救助站、医院）")
    notes: str | None = Field(default=None, max_length=500, description="备注")


class PsychiatricEscortPayload(EscortPayload):
    """护送就医诊断: police took a psychiatric patient who may cause harm to the hospital."""

    risk_summary: str = Field(min_length=1, max_length=500, description="危害风险情况（敏感）")


class DnaSamplePayload(BaseModel):
    """采集DNA样本: police collected a minor's sample (free of charge)."""

    collected_on: HappenedOn = Field(description="采样日期")
    sample_id: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9-]+$", description="样本编号")
    notes: str | None = Field(default=None, max_length=500, description="备注")


class FamilyVerificationPayload(BaseModel):
    """联系并核实家属: the caseworker reached the family and verified the relationship."""

    verified: bool = Field(description="是否核实为其家属")
    contact_person: str = Field(min_length=1, max_length=50, description="联系的家属")
    relationship: str = Field(min_length=1, max_length=50, description="与受助人员关系")
    notes: str | None = Field(default=None, max_length=1000, description="核实情况")


class LongTermPlacementPayload(BaseModel):
    """长期滞留人员托养安置: where the unidentified person is cared for from now on."""

    institution: str = Field(min_length=1, max_length=100, description="托养机构（站内或站外）")
    placed_on: date = Field(description="安置日期")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class SettlementApplicationPayload(BaseModel):
    """申请落户安置: the station's application for a long-term unidentified person."""

    applied_on: HappenedOn = Field(description="申请日期")
    reference: str = Field(min_length=1, max_length=100, description="申请文号")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class HouseholdRegistrationPayload(BaseModel):
    """办理户籍登记: the police register the person's household (落户)."""

    registered_on: HappenedOn = Field(description="登记日期")
    household_address: str = Field(min_length=1, max_length=200, description="落户地址")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class InstitutionPlacementPayload(BaseModel):
    """安置到社会福利机构: the civil-affairs bureau places the person for good."""

    institution: str = Field(min_length=1, max_length=100, description="安置机构")
    placed_on: date = Field(description="安置日期")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class AgencyOutreachPayload(BaseModel):
    """联系无法接通的协作单位: what the station did when an agency's system stayed down."""

    contacted: str = Field(min_length=1, max_length=200, description="联系了谁、用什么方式（电话、上门、公函）")
    outcome: str = Field(min_length=1, max_length=1000, description="结果与后续安排")


class ReturnEscortPayload(BaseModel):
    """护送返乡: staff escorting a protective or assisting person home."""

    escorts: str = Field(min_length=1, max_length=100, description="护送工作人员")
    departure_on: date = Field(description="出发日期")


class BoardingConfirmationPayload(BaseModel):
    """确认乘车: the ticket office confirms the person boarded through the green channel."""

    boarded: bool = Field(description="是否已上车")
    boarded_at: HappenedAt | None = Field(default=None, description="上车时间")
    notes: str | None = Field(default=None, max_length=500, description="未乘车原因等")


class SettlementReviewPayload(BaseModel):
    """审核医疗结算凭证: the station approves (all or part of) a hospital's voucher."""

    approved: bool = Field(description="是否同意结算")
    approved_amount_fen: int = Field(ge=0, description="核准金额（分）")
    notes: str | None = Field(default=None, max_length=500, description="审核意见")


class SupervisionPayload(BaseModel):
    """超期督办: what the supervising level did about an overdue task."""

    action_taken: str = Field(min_length=1, max_length=500, description="督办情况")


class ReferralPayload(BaseModel):
    """随访转介: the department's decision on a referral (低保, 临时救助, 医疗救助…)."""

    granted: bool = Field(description="是否纳入救助")
    decision: str = Field(min_length=1, max_length=500, description="办理结果")


PAYLOAD_MODELS: dict[TaskKind, type[BaseModel]] = {
    TaskKind.REGISTRATION: RegistrationPayload,
    TaskKind.IDENTITY_CONFIRMATION: IdentityConfirmationPayload,
    TaskKind.TICKET_VOUCHER: TicketVoucherPayload,
    TaskKind.HANDOVER_RECEIPT: HandoverReceiptPayload,
    TaskKind.FOLLOW_UP_VISIT: FollowUpVisitPayload,
    TaskKind.ARRIVAL_CONFIRMATION: ArrivalConfirmationPayload,
    TaskKind.ESCORT: EscortPayload,
    TaskKind.PSYCHIATRIC_ESCORT: PsychiatricEscortPayload,
    TaskKind.DNA_SAMPLE: DnaSamplePayload,
    TaskKind.FAMILY_VERIFICATION: FamilyVerificationPayload,
    TaskKind.LONG_TERM_PLACEMENT: LongTermPlacementPayload,
    TaskKind.SETTLEMENT_APPLICATION: SettlementApplicationPayload,
    TaskKind.HOUSEHOLD_REGISTRATION: HouseholdRegistrationPayload,
    TaskKind.INSTITUTION_PLACEMENT: InstitutionPlacementPayload,
    TaskKind.AGENCY_OUTREACH: AgencyOutreachPayload,
    TaskKind.REMOTE_HANDOVER: RemoteHandoverPayload,
    TaskKind.FOLLOW_UP_CONFIRMATION: FollowUpConfirmationPayload,
    TaskKind.RETURN_ESCORT: ReturnEscortPayload,
    TaskKind.BOARDING_CONFIRMATION: BoardingConfirmationPayload,
    TaskKind.SETTLEMENT_REVIEW: SettlementReviewPayload,
    TaskKind.SUPERVISION: SupervisionPayload,
    TaskKind.REFERRAL: ReferralPayload,
}


def payload_schema(kind: TaskKind) -> dict[str, Any]:
    """JSON Schema of the payload that completes a task of this kind."""
    return PAYLOAD_MODELS[kind].model_json_schema()
