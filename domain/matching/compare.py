"""Field-by-field comparison of a missing-person report with a person (in care, or another
report): each field lands on one agreement level, whose m and u probabilities (model.py)
weigh it. Pure functions of two ``MatchRecord``s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from domain.matching.names import (
    NameForm,
    char_pinyin,
    fuzzy_syllable,
    look_alike,
    name_forms,
    says_one_character,
)
from domain.matching.places import distance_km


@dataclass(frozen=True)
class MatchRecord:
    """What the matcher knows of one side: a report's sought person, or a person in care."""

    key: str
    name: str | None = None
    aliases: tuple[str, ...] = ()
    sex: str | None = None
    """``male`` / ``female``; None when unknown."""
    birth_year: float | None = None
    birth_spread: float = 0.0
    """How uncertain the birth year is (0 for a birth date; a few years for an estimated age)."""
    height_cm: int | None = None
    seen_on: date | None = None
    """Last seen (report) or found (person in care)."""
    seen_province: str | None = None
    origin_province: str | None = None
    """Origin, or where the accent comes from."""
    marks: str | None = None
    conditions: frozenset[str] = field(default_factory=frozenset)

    def forms(self) -> list[NameForm]:
        return list(self.name_forms)

    @cached_property
    def name_forms(self) -> tuple[NameForm, ...]:
        """The forms of the name, worked out once per record (a person is compared with hundreds)."""
        return tuple(name_forms(self.name, self.aliases))


# Name levels, strongest first (the number is the level's rank).
NAME_EXACT, NAME_SOUND, NAME_NEAR, NAME_SIMILAR, NAME_CALLED, NAME_SURNAME, NAME_NONE = 6, 5, 4, 3, 2, 1, 0
"""NAME_CALLED: one character of the given name (小娜 or 阿娜 for 张艳娜, a one-character given
name alone): shared by far more strangers than one character off in three (NAME_SIMILAR)."""


@lru_cache(maxsize=500_000)
def _position_level(a: str, b: str) -> int:
    """Same-length names compared character by character: 4 when every character is the same
    or sounds the same, 3 when one is a look-alike or a dialect homophone, 2 when one of three
    or more differs, 0 otherwise."""
    if len(a) != len(b) or not a:
        return 0
    near = diff = 0
    for x, y in zip(a, b, strict=True):
        if x == y or char_pinyin(x) == char_pinyin(y):
            continue
        if look_alike(x, y) or fuzzy_syllable(char_pinyin(x)) == fuzzy_syllable(char_pinyin(y)):
            near += 1
        else:
            diff += 1
    if diff == 0 and near == 0:
        return NAME_SOUND
    if diff == 0 and near <= 1:
        return NAME_NEAR
    if diff + near <= 1 and len(a) >= 3:
        return NAME_SIMILAR
    return 0


def _form_level(a: NameForm, b: NameForm) -> int:
    if not a.partial and not b.partial:
        if a.full == b.full:
            return NAME_EXACT
        level = _position_level(a.full, b.full)
        if level:
            return level
        if a.fuzzy() == b.fuzzy():
            return NAME_NEAR
        if JaroWinkler.normalized_similarity(a.fuzzy(), b.fuzzy()) >= 0.93:
            return NAME_SIMILAR
        return NAME_SURNAME if a.surname == b.surname else NAME_NONE
    # One is a given name alone or a form of address: compare what both have.
    if not a.given or not b.given:
        surname_a, surname_b = a.surname or a.given, b.surname or b.given
        return NAME_SURNAME if surname_a and surname_a == surname_b else NAME_NONE
    one_character = says_one_character(a.given) or says_one_character(b.given)
    if a.given == b.given or a.given_fuzzy() == b.given_fuzzy():
        return NAME_CALLED if one_character else NAME_NEAR
    short, full = (a, b) if len(a.given) < len(b.given) else (b, a)
    if len(short.given) == 1 and short.given_fuzzy() == full.given_fuzzy_syllables()[-1]:
        return NAME_CALLED  # 小娜 for 张艳娜: called by the last character of the given name
    if _position_level(a.given, b.given) >= NAME_NEAR and not one_character:
        return NAME_SIMILAR
    return NAME_NONE


def name_level(a: MatchRecord, b: MatchRecord) -> int | None:
    """The best agreement between any two forms of the two names; None when a side has none."""
    fa, fb = a.name_forms, b.name_forms
    if not fa or not fb:
        return None
    return max(_form_level(x, y) for x in fa for y in fb)


def sex_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.sex or not b.sex:
        return None
    return 1 if a.sex == b.sex else 0


def age_level(a: MatchRecord, b: MatchRecord) -> int | None:
    """Birth years (an age estimated years later already turned into one) within the sides'
    uncertainty: 3 close, 2 near, 1 possible, 0 not the same person's. Two recorded years (no
    estimate) have levels of their own, 8 to 4 (the same, ±1, ±3, ±6, farther): a family's year
    against a registered one is rarely off, so the same gap says another thing than against an
    estimate."""
    if a.birth_year is None or b.birth_year is None:
        return None
    spread = a.birth_spread + b.birth_spread
    gap = abs(a.birth_year - b.birth_year) - spread / 2
    level = 3 if gap <= 1 else 2 if gap <= 3 else 1 if gap <= 6 else 0
    if spread == 0:
        return RECORDED + (level + (gap == 0))
    return level


RECORDED = 4
"""The first of the age levels of two recorded birth years (see :func:`age_level`)."""


def height_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if a.height_cm is None or b.height_cm is None:
        return None
    gap = abs(a.height_cm - b.height_cm)
    return 2 if gap <= 3 else 1 if gap <= 8 else 0


def place_level(report: MatchRecord, person: MatchRecord) -> int | None:
    """Where the person was found against where last seen: 2 the same province, 1 another
    within 800 km, 0 farther."""
    if not report.seen_province or not person.seen_province:
        return None
    if report.seen_province == person.seen_province:
        return 2
    return 1 if distance_km(report.seen_province, person.seen_province) <= 800 else 0


TIME_LEVELS = ((31, 6), (92, 5), (183, 4), (365, 3), (1096, 2))
"""Days from last seen to found, at most, and the level: a month, three months, half a year,
a year, three years; later is 1."""


def time_level(report: MatchRecord, person: MatchRecord) -> int | None:
    """When the person was found against when last seen: 6 within a month … 1 more than three
    years later, 0 found before being lost (more than a month before: dates are approximate)."""
    if report.seen_on is None or person.seen_on is None:
        return None
    days = (person.seen_on - report.seen_on).days
    if days < -30:
        return 0
    return next((level for most, level in TIME_LEVELS if days <= most), 1)


def origin_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.origin_province or not b.origin_province:
        return None
    return 1 if a.origin_province == b.origin_province else 0


def marks_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.marks or not b.marks:
        return None
    score = token_set_ratio(_marks_tokens(a.marks), _marks_tokens(b.marks))
    return 2 if score >= 80 else 1 if score >= 50 else 0


@lru_cache(maxsize=200_000)
def _marks_tokens(text: str) -> str:
    # Chinese has no spaces: compare two-character shingles as tokens.
    squeezed = "".join(ch for ch in text if ch.isalnum())
    return " ".join(squeezed[i:i + 2] for i in range(max(1, len(squeezed) - 1)))


def conditions_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.conditions or not b.conditions:
        return None
    return 1 if a.conditions & b.conditions else 0
