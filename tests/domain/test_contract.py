"""What a workflow can be handed: no control characters in any of its entry types; dates
that can have happened; and validation errors that read in Chinese, whatever their kind."""

from __future__ import annotations

import re
import typing
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import BaseModel, Field, ValidationError
from temporalio import workflow

from domain.case import CompleteTaskInput
from domain.completion import PayloadInvalid, check_payload
from domain.contract import Contract
from domain.enums import Role, TaskKind
from domain.messages import chinese_message
from domain.plausible import HappenedAt, HappenedOn, clock_context
from domain.policy import policy_named
from domain.report import DiscoveryReport
from domain.tasks import Actor
from worker import WORKFLOWS

ACTOR = Actor(user_id="u1", username="caseworker", node_id="city-station", role=Role.CASEWORKER)
CJK = re.compile(r"[\u4e00-\u9fff]")


def entry_types() -> list[tuple[str, type]]:
    """The argument type of every workflow's run, signals and updates."""
    found = []
    for cls in WORKFLOWS:
        definition = workflow._Definition.must_from_class(cls)
        handlers = [definition.run_fn, *(s.fn for s in definition.signals.values()),
                    *(u.fn for u in definition.updates.values())]
        for fn in handlers:
            hints = typing.get_type_hints(fn)
            hints.pop("return", None)
            found += [(f"{cls.__name__}.{fn.__name__}", t) for t in hints.values()]
    return found


def test_every_workflow_entry_type_refuses_control_characters() -> None:
    entries = entry_types()
    assert len(entries) > 20
    not_contracts = [name for name, t in entries if not (isinstance(t, type) and issubclass(t, Contract))]
    assert not_contracts == []


def test_a_nul_deep_in_a_completion_cannot_be_sent_to_a_workflow() -> None:
    with pytest.raises(ValidationError) as caught:
        CompleteTaskInput(task_id="t1", actor=ACTOR,
                          payload={"person": {"name": "张\x00三", "sex": "male"}})
    error = caught.value.errors()[0]
    assert error["type"] == "control_character" and error["loc"] == ("payload",)
    assert "person.name" in error["msg"] and "U+0000" in error["msg"]
    assert CJK.search(chinese_message(error))
    # Tabs and line breaks are text, not controls.
    CompleteTaskInput(task_id="t1", actor=ACTOR, payload={"notes": "第一行\n第二行\t完"})
    for char in ("\x07", "\x1b", "\x7f", "\x85", "\ud800"):
        with pytest.raises(ValidationError):
            CompleteTaskInput(task_id="t1", actor=ACTOR, payload={"notes": f"a{char}b"})


def test_moments_that_cannot_have_happened() -> None:
    class Seen(BaseModel):
        at: HappenedAt
        on: HappenedOn | None = None

    now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 12:00 in China
    clock = clock_context(now=now)
    Seen.model_validate({"at": now - timedelta(days=1), "on": "2026-12-01"}, context=clock)
    for bad in ({"at": "1899-12-31T23:00:00+08:00"}, {"at": now, "on": "1899-12-31"}):
        with pytest.raises(ValidationError, match="1900"):
            Seen.model_validate(bad)  # no clock needed for that
    for bad in ({"at": now + timedelta(hours=1)}, {"at": now, "on": "2026-12-02"},
                {"at": "2026-12-01T12:30:00"}):  # without a zone: China time, half an hour ahead
        with pytest.raises(ValidationError, match="不能晚于当前时间"):
            Seen.model_validate(bad, context=clock)
        Seen.model_validate(bad)  # a workflow decoding its history has no clock: accepted
    # A device's clock a few minutes ahead is not "the future".
    Seen.model_validate({"at": now + timedelta(minutes=5)}, context=clock)
    with pytest.raises(ValidationError, match="1900"):
        DiscoveryReport.model_validate({"report_id": "r-1", "channel": "patrol", "place": "桥洞",
                                        "found_at": "1899-06-01T00:00:00+08:00"})


def test_a_completion_refuses_unknown_fields_and_future_boarding() -> None:
    policy = policy_named("standard")
    now = datetime.now(UTC)
    today = policy.local_date(now)
    with pytest.raises(PayloadInvalid) as caught:
        check_payload(TaskKind.REGISTRATION, {"person": {"name": "张三", "sex": "male", "birth_date": "1968-03-12",
                                                          "age": 57}, "id_number": "x"},
                      today=today, policy=policy, now=now)
    assert {tuple(e["loc"]) for e in caught.value.errors} == {("person", "age"), ("id_number",)}
    assert "person.age" in caught.value.message and "不认识的字段" in caught.value.message
    later = (now + timedelta(hours=2)).isoformat()
    with pytest.raises(PayloadInvalid, match="不能晚于当前时间"):
        check_payload(TaskKind.BOARDING_CONFIRMATION, {"boarded": True, "boarded_at": later},
                      today=today, policy=policy, now=now)
    tomorrow = (now + timedelta(days=1, hours=1)).isoformat()
    with pytest.raises(PayloadInvalid, match="不能晚于当前时间"):  # the workflow knows only today
        check_payload(TaskKind.BOARDING_CONFIRMATION, {"boarded": True, "boarded_at": tomorrow},
                      today=today, policy=policy)
    with pytest.raises(PayloadInvalid, match="1900"):
        check_payload(TaskKind.REGISTRATION, {"person": {"sex": "male", "birth_date": "1888-01-01"}},
                      today=today, policy=policy, now=now)
    check_payload(TaskKind.BOARDING_CONFIRMATION, {"boarded": True, "boarded_at": now.isoformat()},
                  today=today, policy=policy, now=now)


class Everything(BaseModel):
    text: str = Field(min_length=2, max_length=3, pattern=r"^[a-z]+$")
    number: int = Field(ge=1, le=5)
    ratio: float = 0
    flag: bool = False
    day: date | None = None
    moment: datetime | None = None
    kind: Role = Role.CASEWORKER
    items: list[int] = Field(default_factory=list, max_length=1)
    nested: DiscoveryReport | None = None


@pytest.mark.parametrize("bad", [
    {}, {"text": 1, "number": "x"}, {"text": "a", "number": 0}, {"text": "abcd", "number": 9},
    {"text": "A1", "number": 1.5}, {"text": "ab", "number": 1, "ratio": "x", "flag": "maybe"},
    {"text": "ab", "number": 1, "day": "1st May", "moment": "soon"},
    {"text": "ab", "number": 1, "kind": "king", "items": [1, 2]},
    {"text": "ab", "number": 1, "items": "x", "nested": "x"},
    {"text": "ab", "number": 1, "nested": {"report_id": "?", "channel": "x", "place": ""}},
    {"text": "ab", "number": 1, "extra": True},
])
def test_every_validation_error_reads_in_chinese(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        Everything.model_validate(bad, extra="forbid")
    for error in caught.value.errors():
        message = chinese_message(error)
        assert CJK.search(message), (error["type"], message)
        assert not re.search(r"[A-Za-z]{4,}", message.replace("JSON", "").replace("YYYY-MM-DD", "")), message
