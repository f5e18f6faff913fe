"""Human tasks: who must do what by when, and the payload each kind of task is completed with.

The JSON Schema of each payload model is what agency systems and the console build forms from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from rescue.domain.enums import Classification, Role, TaskKind
from rescue.domain.person import PersonDetails


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


class RegistrationPayload(BaseModel):
    """入站登记与分类: who the person is and which kind of rescue applies."""

    person: PersonDetails
    classification: Classification | None = Field(
        default=None, description="救助类型（未成年人及无民事行为能力人一律为保护性救助）"
    )
    notes: str | None = Field(default=None, max_length=1000, description="备注")


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
    received_on: date = Field(description="交接日期")
    notes: str | None = Field(default=None, max_length=1000, description="备注")


class FollowUpVisitPayload(BaseModel):
    """跟踪随访: a quarterly visit to the person and their family."""

    visited_on: date = Field(description="随访日期")
    met_person: bool = Field(description="是否见到本人")
    family_contacted: bool = Field(description="是否联系到家属")
    situation: str = Field(min_length=1, max_length=1000, description="生活状况")
    needs: list[str] = Field(default_factory=list, description="需要转介的救助（低保、临时救助等）")


PAYLOAD_MODELS: dict[TaskKind, type[BaseModel]] = {
    TaskKind.REGISTRATION: RegistrationPayload,
    TaskKind.IDENTITY_CONFIRMATION: IdentityConfirmationPayload,
    TaskKind.TICKET_VOUCHER: TicketVoucherPayload,
    TaskKind.HANDOVER_RECEIPT: HandoverReceiptPayload,
    TaskKind.FOLLOW_UP_VISIT: FollowUpVisitPayload,
}


def payload_schema(kind: TaskKind) -> dict[str, Any]:
    """JSON Schema of the payload that completes a task of this kind."""
    return PAYLOAD_MODELS[kind].model_json_schema()
