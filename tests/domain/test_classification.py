"""Classification rules: who gets open, protective or assisting rescue."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain.classification import ClassificationError, classify, is_minor
from domain.enums import Classification, Sex
from domain.identity import (
    InvalidIdNumber,
    birth_date_of,
    normalize_id_number,
    with_check_digit,
)
from domain.person import PersonDetails
from domain.policy import STANDARD

TODAY = date(2026, 11, 28)


def person(**fields: object) -> PersonDetails:
    return PersonDetails.model_validate({"sex": Sex.MALE, **fields})


def test_an_adult_with_civil_capacity_gets_open_rescue_by_default() -> None:
    assert classify(person(estimated_age=40), None, TODAY, STANDARD) is Classification.OPEN


def test_every_minor_is_protective() -> None:
    child = person(birth_date=date(2013, 7, 1))
    assert classify(child, None, TODAY, STANDARD) is Classification.PROTECTIVE
    assert classify(child, Classification.PROTECTIVE, TODAY, STANDARD) is Classification.PROTECTIVE
    for other in (Classification.OPEN, Classification.ASSISTING):
        with pytest.raises(ClassificationError, match="未成年人"):
            classify(child, other, TODAY, STANDARD)


def test_the_eighteenth_birthday_ends_minority() -> None:
    born = date(2008, 11, 28)
    assert not is_minor(person(birth_date=born), TODAY, STANDARD)
    assert is_minor(person(birth_date=date(2008, 11, 29)), TODAY, STANDARD)


def test_without_civil_capacity_is_protective() -> None:
    adult = person(estimated_age=35, has_civil_capacity=False)
    assert classify(adult, None, TODAY, STANDARD) is Classification.PROTECTIVE
    with pytest.raises(ClassificationError, match="民事行为能力"):
        classify(adult, Classification.OPEN, TODAY, STANDARD)


def test_elderly_who_cannot_care_for_themselves_are_assisted() -> None:
    elder = person(estimated_age=78, cannot_care_for_self=True)
    assert classify(elder, None, TODAY, STANDARD) is Classification.ASSISTING
    # The caseworker may still choose protective rescue for them.
    assert classify(elder, Classification.PROTECTIVE, TODAY, STANDARD) is Classification.PROTECTIVE


def test_age_comes_from_the_identity_number_when_no_birth_date() -> None:
    child_id = with_check_digit("11012120130701031")
    assert birth_date_of(child_id) == date(2013, 7, 1)
    assert classify(person(id_number=child_id), None, TODAY, STANDARD) is Classification.PROTECTIVE


def test_identity_numbers_are_checked() -> None:
    good = with_check_digit("11010519680312123")
    assert normalize_id_number(good.lower() + " ") == good
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidIdNumber, match="校验位"):
        normalize_id_number(bad_check)
    with pytest.raises(InvalidIdNumber):
        normalize_id_number("12345")
    with pytest.raises(InvalidIdNumber, match="出生日期"):
        normalize_id_number(with_check_digit("11010519681332123"))


def test_registration_needs_some_way_to_know_the_age() -> None:
    with pytest.raises(ValidationError, match="估计年龄"):
        person(name="无名氏")
    with pytest.raises(ValidationError, match="不一致"):
        person(birth_date=date(1970, 1, 1), id_number=with_check_digit("11010519680312123"))
