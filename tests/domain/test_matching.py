"""The matcher's rules on the cases a caseworker meets: a name written by sound, with a
look-alike character, without surname, as a nickname or a form of address; ages estimated years
later; found before being lost; and the blocking keys that let each of them be found."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from domain.matching.blocking import person_keys, report_keys
from domain.matching.compare import MatchRecord, age_level, name_level, place_level, time_level
from domain.matching.fit import comparison_counts, estimate, level_counts
from domain.matching.frequencies import NameFrequencies, Table
from domain.matching.model import FIELDS, HAND_SET, build_fields, fitted, prior_for, score
from domain.matching.names import split_name

REPORT = MatchRecord(key="r", name="张建国", aliases=("小国",), sex="male", birth_year=1968.0,
                     seen_on=date(2025, 3, 1), seen_province="河南", origin_province="河南")


def found(name: str | None, **fields: object) -> MatchRecord:
    base = {"key": "p", "name": name, "sex": "male", "birth_year": 1966.0, "birth_spread": 5.0,
            "seen_on": date(2025, 6, 1), "seen_province": "河南"}
    base.update(fields)
    return MatchRecord(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "level"), [
    ("张建国", 6),  # the same characters
    ("章建国", 5),  # the same sound (a homophone surname)
    ("张健国", 5),  # a homophone given character
    ("张建固", 4),  # a look-alike character (国/固)
    ("赞建国", 4),  # a dialect sound (zh/z, ang/an)
    ("建国", 4),  # the given name without surname
    ("小国", 2),  # the nickname the family gave: one character agrees (小 is a form of address)
    ("张建明", 3),  # one character off in three
    ("阿国", 2),  # called by the last character of the given name
    ("老张", 1),  # a form of address: the surname only
    ("李明", 0),
])
def test_names_are_compared_by_characters_sound_and_shape(name: str, level: int) -> None:
    assert name_level(REPORT, found(name)) == level


def test_a_compound_surname_and_an_unknown_first_character() -> None:
    assert (split_name("欧阳德华").surname, split_name("欧阳德华").given) == ("欧阳", "德华")
    assert name_level(MatchRecord(key="r", name="肖翠青"), MatchRecord(key="p", name="霄翠青")) == 5


def test_found_before_being_lost_weighs_against() -> None:
    assert time_level(REPORT, found("张建国", seen_on=date(2024, 1, 1))) == 0
    lines = {f.field: f for f in score(REPORT, found("张建国", seen_on=date(2024, 1, 1))).fields}
    assert lines["time"].reading == "发现时间早于走失时间" and lines["time"].weight < -5


def test_place_and_time_are_weighed_apart() -> None:
    assert place_level(REPORT, found("张建国")) == 2
    assert place_level(REPORT, found("张建国", seen_province="湖北")) == 1  # within 800 km
    assert place_level(REPORT, found("张建国", seen_province="新疆")) == 0
    days = {10: 6, 60: 5, 150: 4, 300: 3, 700: 2, 1500: 1}
    for after, level in days.items():
        assert time_level(REPORT, found("张建国", seen_on=date.fromordinal(REPORT.seen_on.toordinal() + after))) == level
    # Found a month after in a neighbouring province outweighs found years after at home.
    soon_away = score(REPORT, found("张建国", seen_province="湖北", seen_on=date(2025, 3, 20)))
    late_home = score(REPORT, found("张建国", seen_on=date(2028, 3, 20)))
    assert soon_away.weight > late_home.weight


def test_the_same_recorded_birth_year_says_more_than_an_estimate() -> None:
    exact = found("张建国", birth_year=1968.0, birth_spread=0.0)
    estimated = found("张建国", birth_year=1968.0)
    assert (age_level(REPORT, exact), age_level(REPORT, estimated)) == (8, 3)
    assert age_level(REPORT, dataclasses.replace(exact, birth_year=1966.0)) == 6  # recorded, 2 years off
    assert score(REPORT, exact).weight > score(REPORT, estimated).weight


def test_the_score_reads_in_chinese_and_the_prior_follows_the_pool() -> None:
    near = score(REPORT, found("张健国"), prior=prior_for(40))
    far = score(REPORT, found("张健国"), prior=prior_for(1_000_000))
    assert near.probability > 0.99 > far.probability
    lines = {f.field: f.reading for f in near.fields}
    assert lines["name"] == "姓名读音相同（同音字）" and lines["place"] == "在走失的省份被发现"
    assert lines["time"] == "走失后三个月内被发现"
    assert lines["height"] == "一方未登记，不计分"


@pytest.mark.parametrize("name", ["章建国", "建国", "小国", "张建固", "阿国", None])
def test_every_kind_of_name_shares_a_blocking_key_with_the_report(name: str | None) -> None:
    assert report_keys(REPORT) & person_keys(found(name))


def test_a_given_name_alone_that_starts_with_a_surname_character() -> None:
    # 叶薇 reads as surname 叶 + 薇, but may be 曾叶薇's given name without the surname.
    assert name_level(MatchRecord(key="r", name="曾叶薇"), MatchRecord(key="p", name="叶薇")) == 4
    assert name_level(MatchRecord(key="r", name="叶薇"), MatchRecord(key="p", name="叶微")) == 5


def test_a_one_character_given_name_written_wrong_still_shares_a_key() -> None:
    report = dataclasses.replace(REPORT, name="张亮", aliases=())
    by_name = {k for k in report_keys(report) & person_keys(found("张明")) if k[0] not in "qrs"}
    assert by_name and all(k.startswith("o:zhang:m:") for k in by_name)
    assert not {k for k in report_keys(report) & person_keys(found("李明")) if k[0] not in "qrs"}


@pytest.mark.parametrize("name", ["老张", "小亮", "张明"])
def test_a_report_without_a_birth_year_is_found_by_surname_or_one_character(name: str) -> None:
    report = dataclasses.replace(REPORT, name="张亮", aliases=(), birth_year=None)
    assert {k for k in report_keys(report) & person_keys(found(name)) if k[0] not in "qrs"}


def test_the_fit_counts_levels_and_keeps_unseen_levels_above_zero() -> None:
    same = [(REPORT, found("张建国")), (REPORT, found("章建国")), (REPORT, found("建国"))]
    different = [(REPORT, found(name)) for name in ("李明", "王芳", "刘伟", "张伟")]
    fitted = estimate(level_counts(same), level_counts(different))
    name = fitted["name"]
    assert abs(sum(m for m, _ in name.values()) - 1) < 1e-9 and abs(sum(u for _, u in name.values()) - 1) < 1e-9
    assert name[6][0] > name[0][0] and name[0][1] > name[6][1]
    assert min(min(m, u) for m, u in name.values()) > 0  # a level never seen is still possible
    assert fitted["sex"][1][0] > 0.5  # the three pairs agree on sex


def test_the_fitted_model_keeps_its_chinese_readings(tmp_path: Path) -> None:
    assert not fitted(tmp_path / "none.json")  # no fit: the hand-set values
    params = fitted()
    assert params and set(params) == {f.name for f in FIELDS}
    rebuilt = build_fields(params)
    assert [lv.label for f in rebuilt for lv in f.levels.values()] == [
        reading for *_, levels in HAND_SET for reading, _m, _u in levels.values()]
    assert rebuilt[0].levels[6].weight > rebuilt[0].levels[4].weight > rebuilt[0].levels[2].weight > 0


def test_the_stored_comparisons_of_confirmed_pairs_count_by_their_reading() -> None:
    stored = score(REPORT, found("章建国")).model_dump(mode="json")
    old = {"fields": [{"field": "place_time", "level": 4, "reading": "半年内在同一省份被发现"},
                      {"field": "name", "level": 2, "reading": "姓名相似（一字之差或单字名）"}]}
    counts = comparison_counts([stored, old])
    assert counts["name"] == {5: 1} and counts["place"] == {2: 1} and counts["time"] == {5: 1}


def test_a_rare_surname_or_called_by_character_agreeing_weighs_more() -> None:
    # Term frequencies (Splink's adjustment) from the reports' keys: 张 common, 覃 rare.
    frequencies = NameFrequencies(surnames=Table.of({"zhang": 9_000, "qin": 20, "li": 991}),
                                  called=Table.of({"guo": 50, "ming": 1_950}))
    common = score(REPORT, found("老张"), frequencies=frequencies)
    plain = score(REPORT, found("老张"))
    rare_report = dataclasses.replace(REPORT, name="覃建国", aliases=())
    rare = score(rare_report, found("老覃"), frequencies=frequencies)
    assert rare.weight - plain.weight > 0 > common.weight - plain.weight
    # Bounded: a rare surname alone never outweighs the next stronger level's plain weight.
    weights = {level: lv.weight for level, lv in FIELDS[0].levels.items()}
    assert rare.fields[0].weight <= weights[2] + 0.01
    assert common.fields[0].weight >= weights[1] - 2 - 0.01
    assert score(REPORT, found("阿国"), frequencies=frequencies).weight > score(REPORT, found("阿国")).weight
    # Too few reports counted: no adjustment.
    few = NameFrequencies(surnames=Table.of({"zhang": 9, "qin": 1}))
    assert score(REPORT, found("老张"), frequencies=few).weight == plain.weight
