"""The console's schema → form → payload conversion, without any service."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field

from api.console import forms
from api.console.forms import Group
from domain.completion import PayloadInvalid, check_payload
from domain.enums import TaskKind
from domain.policy import policy_named
from domain.report import DiscoveryReport
from domain.tasks import payload_schema


def _fields(kind: TaskKind) -> dict[str, forms.Field]:
    return {f.name: f for f in forms.iter_fields(forms.build_form(payload_schema(kind)))}


def test_registration_form_nests_the_person_with_chinese_labels() -> None:
    items = forms.build_form(payload_schema(TaskKind.REGISTRATION))
    person = items[0]
    assert isinstance(person, Group)
    assert person.name == "person" and person.label == "受助人员信息" and person.required
    fields = _fields(TaskKind.REGISTRATION)
    sex = fields["person.sex"]
    assert (sex.label, sex.kind, sex.required) == ("性别", "select", True)
    assert [(o.value, o.label) for o in sex.options] == [("male", "男"), ("female", "女"), ("unknown", "不详")]
    assert fields["person.birth_date"].kind == "date"
    age = fields["person.estimated_age"]
    assert (age.label, age.hint, age.kind, age.minimum, age.maximum) == (
        "估计年龄", "出生日期不详时填写", "integer", 0, 120)
    assert fields["person.has_civil_capacity"].kind == "checkbox"
    assert fields["person.has_civil_capacity"].default is True
    assert fields["person.on_minimum_living_support"].kind == "tristate"  # 是 / 否 / 不详
    assert fields["person.reason"].kind == "textarea"  # maxLength 500
    assert fields["person.relatives_contact"].kind == "text"  # maxLength 200
    classification = fields["classification"]
    assert (classification.kind, classification.required) == ("select", False)
    assert [o.label for o in classification.options] == ["开放性救助", "保护性救助", "帮扶性救助"]
    assert fields["notes"].label == "备注"


def test_other_task_forms() -> None:
    voucher = _fields(TaskKind.TICKET_VOUCHER)
    assert voucher["travel_date"].kind == "date" and voucher["travel_date"].required
    assert voucher["escort_required"].kind == "checkbox" and not voucher["escort_required"].required
    visit = _fields(TaskKind.FOLLOW_UP_VISIT)
    assert visit["needs"].kind == "lines"
    assert visit["met_person"].kind == "yesno" and visit["met_person"].required  # no default
    assert visit["situation"].required
    boarding = _fields(TaskKind.BOARDING_CONFIRMATION)
    assert boarding["boarded"].kind == "yesno" and boarding["boarded"].required
    assert forms.initial_values(forms.build_form(payload_schema(TaskKind.BOARDING_CONFIRMATION)))["boarded"] == ""


def test_initial_values_follow_the_defaults() -> None:
    items = forms.build_form(payload_schema(TaskKind.REGISTRATION))
    values = forms.initial_values(items)
    assert values["person.has_civil_capacity"] is True
    assert values["person.cannot_care_for_self"] is False
    assert values["person.on_minimum_living_support"] == ""
    assert values["person.name"] == ""


def test_registration_payload_from_a_form() -> None:
    items = forms.build_form(payload_schema(TaskKind.REGISTRATION))
    data = {
        "person.name": " 张建国 ", "person.sex": "male", "person.birth_date": "1968-03-12",
        "person.estimated_age": "", "person.id_number": "", "person.has_civil_capacity": "true",
        "person.on_minimum_living_support": "false", "person.reason": "", "classification": "open",
        "notes": "",
    }
    payload = forms.to_payload(items, data)
    assert payload == {
        "person": {"name": "张建国", "sex": "male", "birth_date": "1968-03-12",
                   "has_civil_capacity": True, "cannot_care_for_self": False,
                   "on_minimum_living_support": False},
        "classification": "open", "fingerprints_taken": False,  # an unticked box says no
    }
    model = check_payload(TaskKind.REGISTRATION, payload, today=date(2026, 11, 28),
                          policy=policy_named("standard"))
    assert model.person.name == "张建国"  # type: ignore[attr-defined]


def test_unparsable_numbers_pass_through_for_validation_to_name() -> None:
    items = forms.build_form(payload_schema(TaskKind.REGISTRATION))
    payload = forms.to_payload(items, {"person.sex": "male", "person.estimated_age": "四十"})
    assert payload["person"]["estimated_age"] == "四十"
    assert forms.to_payload(items, {"person.sex": "male", "person.estimated_age": "40"}
                            )["person"]["estimated_age"] == 40


def test_missing_sex_error_lands_next_to_the_field() -> None:
    items = forms.build_form(payload_schema(TaskKind.REGISTRATION))
    payload = forms.to_payload(items, {"person.sex": "", "person.estimated_age": "40"})
    assert "sex" not in payload["person"]
    try:
        check_payload(TaskKind.REGISTRATION, payload, today=date(2026, 11, 28),
                      policy=policy_named("standard"))
    except PayloadInvalid as exc:
        by_field, loose = forms.place_errors(items, exc.errors)
    else:
        raise AssertionError("a missing sex must be refused")
    assert by_field == {"person.sex": ["必填"]}
    assert loose == []
    assert forms.element_id(items, "person.sex") == "f-person-sex"


def test_errors_on_groups_and_unknown_places() -> None:
    items = forms.build_form(payload_schema(TaskKind.REGISTRATION))
    by_field, loose = forms.place_errors(items, [
        {"loc": ["person"], "msg": "请填写出生日期、估计年龄或身份证号码中的一项"},
        {"loc": ["classification"], "msg": "未成年人必须实行保护性救助"},
        {"loc": ["body", "person", "birth_date", "x"], "msg": "日期格式应为 YYYY-MM-DD"},
        {"loc": [], "msg": "整体有误"},
        "not a dict",
    ])
    assert by_field == {"person": ["请填写出生日期、估计年龄或身份证号码中的一项"],
                        "classification": ["未成年人必须实行保护性救助"],
                        "person.birth_date": ["日期格式应为 YYYY-MM-DD"]}
    assert loose == ["整体有误"]
    assert forms.element_id(items, "person") == "g-person"
    assert forms.field_labels(items)["person"] == "受助人员信息"


def test_yes_no_lines_and_resubmitted_values() -> None:
    items = forms.build_form(payload_schema(TaskKind.FOLLOW_UP_VISIT))
    data = {"visited_on": "2026-11-28", "met_person": "true", "situation": "在家，身体尚可",
            "needs": "低保\n\n  临时救助  \n"}
    payload = forms.to_payload(items, data)
    assert payload.items() >= {"visited_on": "2026-11-28", "met_person": True,
                               "situation": "在家，身体尚可", "needs": ["低保", "临时救助"]}.items()
    assert "family_contacted" not in payload  # unanswered is not "no": the model asks for it
    shown = forms.submitted_values(items, data)
    assert shown["met_person"] == "true" and shown["family_contacted"] == ""
    assert shown["needs"] == data["needs"]
    assert "needs" not in forms.to_payload(items, {"needs": " \n "})


class _Multi(dict[str, str]):
    def __init__(self, pairs: list[tuple[str, str]]):
        super().__init__(pairs)
        self.pairs = pairs

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]


def test_choices_are_ticked_items_each_on_its_own() -> None:
    items = forms.build_form(payload_schema(TaskKind.FOLLOW_UP_VISIT))
    needs = next(f for f in forms.iter_fields(items) if f.name == "needs")
    needs.kind, needs.options = "choices", [forms.Option("低保", "低保"), forms.Option("医疗救助", "医疗救助")]
    data = _Multi([("needs", "医疗救助"), ("needs", "低保"), ("needs.other", "助学，低保")])
    assert forms.to_payload(items, data)["needs"] == ["低保", "医疗救助", "助学"]
    assert forms.submitted_values(items, data)["needs"] == ["低保", "医疗救助", "助学"]
    assert forms.to_payload(items, _Multi([]))["needs"] == []


def test_a_reported_moment_cannot_lie_ahead() -> None:
    policy = policy_named("standard")
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    ahead = {"boarded": True, "boarded_at": "2026-11-28T12:00:00+08:00"}  # 04:00 UTC: past
    check_payload(TaskKind.BOARDING_CONFIRMATION, ahead, today=date(2026, 11, 28), policy=policy, now=now)
    ahead["boarded_at"] = "2026-11-28T19:00:00+08:00"  # 11:00 UTC: an hour ahead
    try:
        check_payload(TaskKind.BOARDING_CONFIRMATION, ahead, today=date(2026, 11, 28), policy=policy, now=now)
    except PayloadInvalid as exc:
        assert exc.errors[0]["loc"] == ["boarded_at"] and "不能晚于" in exc.message
    else:
        raise AssertionError("a boarding time an hour ahead was accepted")


def test_report_form_with_exclusions_and_china_time() -> None:
    items = forms.build_form(DiscoveryReport.model_json_schema(), exclude={"report_id"},
                             overrides={"reporter_phone": {"input_type": "tel"}})
    fields = {f.name: f for f in forms.iter_fields(items)}
    assert "report_id" not in fields
    assert fields["channel"].required and fields["channel"].options[0].label == "12349热线"
    assert fields["found_at"].kind == "datetime" and fields["found_at"].label == "发现时间"
    assert fields["reporter_phone"].input_type == "tel"
    assert fields["apparent_minor"].kind == "checkbox"
    assert fields["description"].kind == "textarea"
    assert forms.initial_values(items)["sex"] == "unknown"
    payload = forms.to_payload(items, {"channel": "patrol", "place": "桥洞", "found_at": "2026-11-28T18:30"})
    assert payload["found_at"] == "2026-11-28T18:30:00+08:00"
    report = DiscoveryReport.model_validate({**payload, "report_id": "console-1"})
    assert report.found_at is not None and report.found_at.utcoffset().total_seconds() == 8 * 3600
    assert report.apparent_minor is False


class _Inner(BaseModel):
    code: str = Field(description="编码")


class _Outer(BaseModel):
    inner: _Inner | None = Field(default=None, description="内部（可选）")
    count: float | None = Field(default=None, description="数量")


def test_optional_groups_are_sent_only_when_filled() -> None:
    items = forms.build_form(_Outer.model_json_schema())
    group = items[0]
    assert isinstance(group, Group) and not group.required and group.label == "内部（可选）"
    assert not group.items[0].required  # an empty optional group is fine
    assert forms.to_payload(items, {}) == {}
    assert forms.to_payload(items, {"inner.code": "A1", "count": "2.5"}) == {
        "inner": {"code": "A1"}, "count": 2.5}
