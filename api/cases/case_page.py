"""What the case page shows besides the workflow's state: the stage stepper (where the person
is, who holds the next step, by when), the documents that can be printed now, and node ids in
recorded sentences replaced by the names people know."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel

from db.person_repo import KindSeen
from domain.enums import CaseOutcome, Classification, Stage, label

_STEPS: list[tuple[str, str]] = [
    (Stage.DISCOVERY.value, "发现与护送"), (Stage.ADMISSION.value, "入站登记"),
    (Stage.IDENTITY_SEARCH.value, "寻亲（身源查询）"), (Stage.LONG_TERM_STAY.value, "长期滞留安置"),
    (Stage.RETURN_HOME.value, "返乡"), (Stage.HANDOVER.value, "交接"), ("follow_up", "跟踪随访"),
]


class Step(BaseModel):
    key: str
    label: str
    status: str
    """done, current, skipped (never needed) or todo."""


class NextStep(BaseModel):
    what: str
    holder: str
    deadline: datetime | None
    overdue: bool = False


class Document(BaseModel):
    slug: str
    title: str
    available: bool
    why_not: str = ""


def stepper(stage: Stage, reached: set[str], seen: dict[str, KindSeen],
            outcome: CaseOutcome | None) -> list[Step]:
    """The steps of the case's life and where it stands; a long-term stay shows only when it
    happened, follow-up only when the person went home."""
    follow_started = "follow_up_started" in seen or "follow_up_handed" in seen
    follow_ended = "follow_up_ended" in seen
    if stage == Stage.CLOSED:
        current = "follow_up" if follow_started and not follow_ended else None
    else:
        current = stage.value
    order = [k for k, _ in _STEPS]
    at = order.index(current) if current in order else None
    steps: list[Step] = []
    last_reached = max((order.index(s) for s in reached if s in order), default=-1)
    for i, (key, text) in enumerate(_STEPS):
        if key == Stage.LONG_TERM_STAY.value and key not in reached:
            continue
        if key == "follow_up":
            if outcome not in (None, CaseOutcome.RETURNED_HOME) or "follow_up_elsewhere" in seen:
                continue
            status = "done" if follow_ended else ("current" if follow_started else "todo")
        elif at is not None and i == at:
            status = "current"
        elif key in reached and (at is None or i < at):
            status = "done"
        elif (at is not None and i < at) or (at is None and i < last_reached):
            status = "skipped"
        else:
            status = "todo"
        if stage == Stage.CLOSED and outcome not in (None, CaseOutcome.RETURNED_HOME) and status == "todo":
            continue  # the case ended before this step: it will not come
        steps.append(Step(key=key, label=text, status=status))
    if stage == Stage.CLOSED and outcome is not None:
        end = Step(key="closed", label=f"结案：{label(outcome)}", status="done")
        # the case closes at the handover; the community's follow-up goes on after it
        follow = [s for s in steps if s.key == "follow_up"]
        steps = [s for s in steps if s.key != "follow_up"] + [end] + follow
    return steps


def documents(*, registered: bool, classification: Classification | None, closed: bool,
              seen: dict[str, KindSeen], has_notice: bool) -> list[Document]:
    """The documents of the case, each printable now or with the reason it is not yet."""
    voucher = "voucher_issued" in seen
    going_home = voucher or "ticket_exchanged" in seen or "handed_over" in seen
    may_leave = registered and classification not in (None, Classification.PROTECTIVE) and not closed
    return [
        Document(slug="registration-form", title="入站登记表", available=registered,
                 why_not="入站登记后可打印"),
        Document(slug="ticket-voucher", title="乘车凭证（换票凭证）", available=voucher,
                 why_not="开具换票凭证后可打印"),
        Document(slug="handover-receipt", title="交接回执", available=going_home,
                 why_not="开具换票凭证后可打印"),
        Document(slug="departure-declaration", title="自行离站声明书",
                 available=may_leave or "left" in seen,
                 why_not="保护性救助人员不能自行离站" if classification == Classification.PROTECTIVE
                 else "入站登记后可打印"),
        Document(slug="family-search-notice", title="寻亲公告", available=has_notice,
                 why_not="身份不明时由系统在24小时内发布"),
        Document(slug="case-summary", title="个案摘要", available=True),
    ]


_NODE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


def with_names(text: str, names: dict[str, str]) -> str:
    """A recorded sentence with network node ids (``dh-station``) replaced by their names."""
    return _NODE_ID.sub(lambda m: names.get(m.group(0), m.group(0)), text)
