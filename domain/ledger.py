"""The at-risk ledger (摸底排查台账): the people each community watches, in the plan's
categories, with their family situation and the interventions made. Pure models and rules.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from domain.enums import Sex
from domain.identity import normalize_id_number
from domain.labels_ext import register_labels
from domain.plausible import HappenedOn


class LedgerCategory(StrEnum):
    """Why a person is in the ledger (the plan's list)."""

    ABANDONED_ELDERLY = "abandoned_elderly"  # elderly abandoned by family
    ABANDONED_MINOR = "abandoned_minor"  # minor abandoned by family
    EXTREMELY_POOR = "extremely_poor"  # no ability to work and no income (特困)
    FAMILY_DISPUTE = "family_dispute"  # left home after family disputes
    DISABLED = "disabled"  # disabled person
    RETURNED_VAGRANT = "returned_vagrant"  # returned home after living on the street
    PROFESSIONAL_BEGGAR = "professional_beggar"  # begs for a living
    LEFT_BEHIND_CHILD = "left_behind_child"  # left-behind child (留守儿童)
    DROP_OUT_CHILD = "drop_out_child"  # child who dropped out of school
    LONG_TERM_PETITIONER = "long_term_petitioner"  # long-term petitioner
    OTHER = "other"  # others at risk of wandering


class InterventionKind(StrEnum):
    """What was done for a person or family at risk."""

    VISIT = "visit"  # home visit and watching (监督掌控)
    MEDIATION = "mediation"  # mediation, persuasion and education with partners
    POLICE_WARNING = "police_warning"  # police warning or admonition (劝诫、训诫)
    COURT = "court"  # handed to the judicial authorities
    REFERRAL = "referral"  # referral to 低保, 临时救助, 医疗救助 or other programmes


class LedgerStatus(StrEnum):
    """Where an entry is between the community and the township."""

    REGISTERED = "registered"  # entered by the community liaison
    CONSOLIDATED = "consolidated"  # checked and consolidated by the township officer
    CLOSED = "closed"  # no longer at risk


register_labels([
    (LedgerCategory.ABANDONED_ELDERLY, "遭家庭遗弃的老年人"),
    (LedgerCategory.ABANDONED_MINOR, "遭家庭遗弃的未成年人"),
    (LedgerCategory.EXTREMELY_POOR, "劳动能力差、无生活来源的特困人员"),
    (LedgerCategory.FAMILY_DISPUTE, "因家庭纠纷离家出走人员"),
    (LedgerCategory.DISABLED, "残疾人"),
    (LedgerCategory.RETURNED_VAGRANT, "流浪返乡人员"),
    (LedgerCategory.PROFESSIONAL_BEGGAR, "职业乞讨人员"),
    (LedgerCategory.LEFT_BEHIND_CHILD, "留守儿童"),
    (LedgerCategory.DROP_OUT_CHILD, "辍学儿童"),
    (LedgerCategory.LONG_TERM_PETITIONER, "长期上访人员"),
    (LedgerCategory.OTHER, "其他有流浪倾向人员"),
    (InterventionKind.VISIT, "走访与监督掌控"),
    (InterventionKind.MEDIATION, "调解、劝导和教育"),
    (InterventionKind.POLICE_WARNING, "报告公安劝诫制止"),
    (InterventionKind.COURT, "移交司法部门"),
    (InterventionKind.REFERRAL, "转介帮扶（低保、临时救助、医疗救助等）"),
    (LedgerStatus.REGISTERED, "社区已登记"),
    (LedgerStatus.CONSOLIDATED, "乡镇已汇总"),
    (LedgerStatus.CLOSED, "已销号"),
])


class LedgerPersonInput(BaseModel):
    """A person registered by a community (摸排登记); the name with the birth date or the
    identity number is how the system recognises someone already known."""

    community_node_id: str | None = Field(default=None, description="社区(村)网点编号（联络员默认本社区）")
    name: str = Field(min_length=1, max_length=50, description="姓名")
    sex: Sex = Field(description="性别")
    birth_date: HappenedOn | None = Field(default=None, description="出生日期")
    id_number: str | None = Field(default=None, description="身份证号码")
    categories: list[LedgerCategory] = Field(min_length=1, description="排查类别（可多选）")
    address: str | None = Field(default=None, max_length=200, description="住址")
    family_situation: str | None = Field(default=None, max_length=1000, description="家庭情况")
    risk_notes: str | None = Field(default=None, max_length=1000, description="风险情况（易遭暴力、虐待、遗弃等）")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        return normalize_id_number(value) if value else None


class InterventionInput(BaseModel):
    """An intervention for a person or family at risk (介入干预)."""

    kind: InterventionKind = Field(description="干预方式")
    partners: list[str] = Field(default_factory=list, description="协同部门（妇联、残联、关工委、公安等）")
    occurred_on: HappenedOn = Field(description="日期")
    summary: str = Field(min_length=1, max_length=1000, description="干预情况")


class Intervention(InterventionInput):
    intervention_id: str
    recorded_by: str
    recorded_at: datetime


class LedgerEntry(BaseModel):
    """A ledger entry as the API shows it (identity number masked by role)."""

    entry_id: str
    community_node_id: str
    community_name: str | None = None
    name: str
    sex: Sex
    birth_date: date | None
    id_number: str | None
    categories: list[LedgerCategory]
    category_labels: list[str] = Field(default_factory=list)
    address: str | None
    family_situation: str | None
    risk_notes: str | None
    status: LedgerStatus
    status_label: str = ""
    source: str
    case_id: str | None
    registered_by: str
    registered_at: datetime
    consolidated_by: str | None
    consolidated_at: datetime | None
    interventions: list[Intervention] = Field(default_factory=list)


class RegisterResult(BaseModel):
    """The entry, and whether it was new or an existing person recognised."""

    entry: LedgerEntry
    created: bool
    recognised_by: str | None = None
    """identity_number / name_birth when the person was already in the ledger."""
    known_cases: list[str] = Field(default_factory=list)
    """Case numbers of earlier cases of the same person (from the case records)."""


class ReturnedPersonInput(BaseModel):
    """From the follow-up workflow: a returned person joins the origin community's ledger."""

    case_id: str
    case_number: str
    community_node_id: str
    person_name: str | None = None
    id_number: str | None = None


REGISTER_RETURNED_PERSON = "register_returned_person"
"""Activity: put a returned person in the origin community's ledger (idempotent by case)."""
