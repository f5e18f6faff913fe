"""The matcher's rules on the cases a caseworker meets: a name written by sound, with a
look-alike character, without surname, as a nickname or a form of address; ages estimated years
later; found before being lost; and the blocking keys that let each of them be found."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.matching.blocking import person_keys, report_keys
from domain.matching.compare import MatchRecord, name_level, place_time_level
from domain.matching.model import prior_for, score
from domain.matching.names import split_name

REPORT = MatchRecord(key="r", name="张建国", aliases=("小国",), sex="male", birth_year=1968.0,
                     seen_on=date(2025, 3, 1), seen_province="河南", origin_province="河南")


def found(name: str | None, **fields: object) -> MatchRecord:
    base = {"key": "p", "name": name, "sex": "male", "birth_year": 1966.0, "birth_spread": 5.0,
            "seen_on": date(2025, 6, 1), "seen_province": "河南"}
    base.update(fields)
    return MatchRecord(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "level"), [
    ("张建国", 5),  # the same characters
    ("章建国", 4),  # the same sound (a homophone surname)
    ("张健国", 4),  # a homophone given character
    ("张建固", 3),  # a look-alike character (国/固)
    ("赞建国", 3),  # a dialect sound (zh/z, ang/an)
    ("建国", 3),  # the given name without surname
    ("小国", 3),  # the nickname the family gave
    ("阿国", 2),  # called by the last character of the given name
    ("老张", 1),  # a form of address: the surname only
    ("李明", 0),
])
def test_names_are_compared_by_characters_sound_and_shape(name: str, level: int) -> None:
    assert name_level(REPORT, found(name)) == level


def test_a_compound_surname_and_an_unknown_first_character() -> None:
    assert (split_name("欧阳德华").surname, split_name("欧阳德华").given) == ("欧阳", "德华")
    assert name_level(MatchRecord(key="r", name="肖翠青"), MatchRecord(key="p", name="霄翠青")) == 4


def test_found_before_being_lost_weighs_against() -> None:
    assert place_time_level(REPORT, found("张建国", seen_on=date(2024, 1, 1))) == 0
    assert place_time_level(REPORT, found("张建国", seen_province="四川")) == 1


def test_the_score_reads_in_chinese_and_the_prior_follows_the_pool() -> None:
    near = score(REPORT, found("张健国"), prior=prior_for(40))
    far = score(REPORT, found("张健国"), prior=prior_for(1_000_000))
    assert near.probability > 0.99 > far.probability
    lines = {f.field: f.reading for f in near.fields}
    assert lines["name"] == "姓名读音相同（同音字）" and lines["place_time"] == "半年内在同一省份被发现"
    assert lines["height"] == "一方未登记，不计分"


@pytest.mark.parametrize("name", ["章建国", "建国", "小国", "张建固", "阿国", None])
def test_every_kind_of_name_shares_a_blocking_key_with_the_report(name: str | None) -> None:
    assert report_keys(REPORT) & person_keys(found(name))


def test_a_given_name_alone_that_starts_with_a_surname_character() -> None:
    # 叶薇 reads as surname 叶 + 薇, but may be 曾叶薇's given name without the surname.
    assert name_level(MatchRecord(key="r", name="曾叶薇"), MatchRecord(key="p", name="叶薇")) == 3
    assert name_level(MatchRecord(key="r", name="叶薇"), MatchRecord(key="p", name="叶微")) == 4


def test_a_one_character_given_name_written_wrong_still_shares_a_key() -> None:
    report = dataclasses.replace(REPORT, name="张亮", aliases=())
    by_name = {k for k in report_keys(report) & person_keys(found("张明")) if k[0] not in "qrs"}
    assert by_name and all(k.startswith("o:zhang:m:") for k in by_name)
    assert not {k for k in report_keys(report) & person_keys(found("李明")) if k[0] not in "qrs"}
