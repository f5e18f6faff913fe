"""Checks a task completion payload: shape (pydantic) and the domain rules of its kind.

Called by the API before it sends the update (a quick 422) and by the workflow's update
validator (the authority), so both give the same answer.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from domain.classification import ClassificationError, classify
from domain.enums import TaskKind
from domain.messages import chinese_message as _message
from domain.plausible import clock_context
from domain.policy import Policy
from domain.tasks import PAYLOAD_MODELS, RegistrationPayload, TicketVoucherPayload

__all__ = ["CLOCK_SLACK", "PayloadInvalid", "check_payload", "_message"]


class PayloadInvalid(ValueError):
    """The payload does not complete this kind of task; ``errors`` says where and why."""

    def __init__(self, message: str, errors: list[dict[str, Any]]):
        super().__init__(message)
        self.message = message
        self.errors = errors


NOT_IN_FUTURE = ("arrived_at", "boarded_at")
"""Moments a completion reports as past: they cannot lie ahead of the moment it is sent."""
CLOCK_SLACK = timedelta(minutes=5)
"""How far ahead a reported moment may be (clocks of phones and servers differ a little)."""


def check_payload(kind: TaskKind, payload: dict[str, Any], *, today: date, policy: Policy,
                  now: datetime | None = None) -> BaseModel:
    """The validated payload model, or PayloadInvalid with field errors and a Chinese message.

    Unknown fields are refused (a field the model does not know would be silently dropped),
    and so is a moment that has not happened yet: by ``now`` when given (the API), else by
    ``today`` (the workflow's validator; never run on replay, so the workflow's handlers
    decode recorded payloads leniently)."""
    context = clock_context(now=now, today=today if now is None else None,
                            utc_offset_hours=policy.utc_offset_hours)
    try:
        model = PAYLOAD_MODELS[kind].model_validate(payload, extra="forbid", context=context)
    except ValidationError as exc:
        errors = [
            {"loc": [str(x) for x in e["loc"]], "msg": _message(e), "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        summary = "；".join(f"{'.'.join(e['loc']) or '表单'}：{e['msg']}" for e in errors)
        raise PayloadInvalid(f"填写内容有误：{summary}", errors) from None
    if isinstance(model, RegistrationPayload):
        try:
            classify(model.person, model.classification, today, policy)
        except ClassificationError as exc:
            raise PayloadInvalid(str(exc), [{"loc": ["classification"], "msg": str(exc), "type": "classification"}]) from None
        if model.person.age_on(today) < 0:
            msg = "出生日期不能晚于今天"
            raise PayloadInvalid(msg, [{"loc": ["person", "birth_date"], "msg": msg, "type": "date"}])
    if now is not None:
        for name in NOT_IN_FUTURE:
            moment = getattr(model, name, None)
            if isinstance(moment, datetime) and moment.tzinfo and moment > now + CLOCK_SLACK:
                msg = "时间不能晚于现在"
                raise PayloadInvalid(msg, [{"loc": [name], "msg": msg, "type": "future"}])
    if now is not None:
        for name in NOT_IN_FUTURE:
            moment = getattr(model, name, None)
            if isinstance(moment, datetime) and moment.tzinfo and moment > now + CLOCK_SLACK:
                msg = "时间不能晚于现在"
                raise PayloadInvalid(msg, [{"loc": [name], "msg": msg, "type": "future"}])
    if isinstance(model, TicketVoucherPayload) and model.travel_date < today:
        msg = "乘车日期不能早于今天"
        raise PayloadInvalid(msg, [{"loc": ["travel_date"], "msg": msg, "type": "date"}])
    return model
