"""The Fellegi–Sunter model of family search: each field's agreement level carries
m = P(level | same person) and u = P(level | different people); the match weight is the prior
log2-odds plus the sum of log2(m/u) over the fields both sides know (a field one side lacks
weighs nothing), and the match probability is 2^w / (1 + 2^w). As in Splink, the weights are
readable: each field says in Chinese how the two sides compare and how much that moved the score.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from domain.matching import compare
from domain.matching.compare import MatchRecord
from domain.matching.frequencies import NONE, NameFrequencies

PRIOR_LOG2 = -20.0
"""Default prior log2-odds that a report and a person are the same: about one in a million,
the number of open reports a national system holds (see :func:`prior_for`)."""

IN_POOL_LOG2 = 3.0
"""log2 of the odds against the one sought being among those compared at all (1 in 8)."""


def prior_for(pool: int) -> float:
    """Prior log2-odds when one record is compared with ``pool`` others (λ in Splink's terms):
    one of them at most is the same person, and only sometimes is that one among them."""
    return -(math.log2(max(pool, 1)) + IN_POOL_LOG2)

VERIFY_PROBABILITY = 0.9
"""At or above this probability a candidate opens a verification task."""

SHOW_BELOW_PRIOR = 10.0
"""A candidate whose evidence weighs under minus this many bits (clear contradictions: another
sex, another generation, found before being lost) is not shown, even among the best ten.
Above it a caseworker sees the best ten with their probability, however low: for a long-term
stayer a weak lead is a lead."""


@dataclass(frozen=True)
class Level:
    label: str
    m: float
    u: float
    weight: float = 0.0
    """log2(m / u), the Bayes factor in bits (computed)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", math.log2(self.m / self.u))


@dataclass(frozen=True)
class Field:
    """One compared field: its Chinese name, how to compare, and its levels by rank."""

    name: str
    label: str
    compare: Callable[[MatchRecord, MatchRecord], int | None]
    levels: dict[int, Level]


HAND_SET: tuple[tuple[str, str, Callable[[MatchRecord, MatchRecord], int | None],
                      dict[int, tuple[str, float, float]]], ...] = (
    ("name", "姓名", compare.name_level, {
        6: ("姓名完全相同", 0.50, 0.00005),
        5: ("姓名读音相同（同音字）", 0.15, 0.0001),
        4: ("名字相同或近音、形近（缺姓、小名或方言音）", 0.17, 0.0008),
        3: ("姓名相似（一字之差）", 0.04, 0.001),
        2: ("只叫名字中的一个字（如小娜、阿娜，或单字名）", 0.06, 0.01),
        1: ("仅姓氏相同", 0.05, 0.05),
        0: ("姓名不同", 0.03, 0.94),
    }),
    ("sex", "性别", compare.sex_level, {
        1: ("性别相同", 0.98, 0.5),
        0: ("性别不同", 0.02, 0.5),
    }),
    ("age", "年龄", compare.age_level, {
        8: ("出生年份相同（双方均为登记年份）", 0.85, 0.02),
        7: ("登记的出生年份相差1年", 0.10, 0.03),
        6: ("登记的出生年份相差3年内", 0.02, 0.07),
        5: ("登记的出生年份相差6年内", 0.01, 0.10),
        4: ("登记的出生年份明显不符", 0.02, 0.78),
        3: ("出生年份与估计年龄相符（相差1年内）", 0.60, 0.09),
        2: ("出生年份与估计年龄接近（相差3年内）", 0.20, 0.08),
        1: ("出生年份与估计年龄相差较大（6年内）", 0.14, 0.10),
        0: ("年龄明显不符", 0.06, 0.73),
    }),
    ("height", "身高", compare.height_level, {
        2: ("身高相符（相差3厘米内）", 0.60, 0.15),
        1: ("身高接近（相差8厘米内）", 0.30, 0.30),
        0: ("身高不符", 0.10, 0.55),
    }),
    ("place", "走失与发现的地点", compare.place_level, {
        2: ("在走失的省份被发现", 0.60, 0.05),
        1: ("在800公里内的外省被发现", 0.25, 0.25),
        0: ("在较远的外省被发现", 0.15, 0.70),
    }),
    ("time", "走失与发现的时间", compare.time_level, {
        6: ("走失后一个月内被发现", 0.20, 0.01),
        5: ("走失后三个月内被发现", 0.25, 0.02),
        4: ("走失后半年内被发现", 0.25, 0.025),
        3: ("走失后一年内被发现", 0.20, 0.05),
        2: ("走失后三年内被发现", 0.08, 0.20),
        1: ("走失三年以上才被发现", 0.01, 0.25),
        0: ("发现时间早于走失时间", 0.01, 0.45),
    }),
    ("origin", "籍贯与口音", compare.origin_level, {
        1: ("籍贯或口音所在省份相同", 0.75, 0.05),
        0: ("籍贯或口音所在省份不同", 0.25, 0.95),
    }),
    ("marks", "体貌特征", compare.marks_level, {
        2: ("体貌特征高度相似", 0.50, 0.01),
        1: ("体貌特征部分相似", 0.30, 0.10),
        0: ("体貌特征不同", 0.20, 0.89),
    }),
    ("conditions", "健康状况", compare.conditions_level, {
        1: ("健康状况相同（如均有认知症）", 0.80, 0.15),
        0: ("健康状况不同", 0.20, 0.85),
    }),
)
"""Each field: its name, its Chinese name, how to compare, and its levels (Chinese reading,
hand-set m and u: the starting point, and the prior of a fit, see ``domain/matching/fit.py``)."""

PARAMETERS = Path(__file__).with_name("parameters.json")
"""The fitted m and u (``python -m benchmarks.matching_fit``, or a fit on a deployment's
confirmed pairs); a level the file does not hold keeps its hand-set values."""


def fitted(path: Path = PARAMETERS) -> dict[str, dict[int, tuple[float, float]]]:
    """The fitted m and u by field and level ({} when there is no file)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: {int(level): (m, u) for level, (m, u) in levels.items()}
            for name, levels in data["fields"].items()}


def build_fields(parameters: dict[str, dict[int, tuple[float, float]]]) -> tuple[Field, ...]:
    """The model's fields with these m and u (the hand-set ones where a level has none)."""
    return tuple(
        Field(name, label, compare_field, {
            level: Level(reading, *parameters.get(name, {}).get(level, (m, u)))
            for level, (reading, m, u) in levels.items()})
        for name, label, compare_field, levels in HAND_SET)


FIELDS: tuple[Field, ...] = build_fields(fitted())

_FAST = tuple((f.compare, {level: lv.weight for level, lv in f.levels.items()}) for f in FIELDS)
"""Each field's comparison and its levels' weights, as :func:`weigh` reads them (no lookups)."""

_NAME_WEIGHTS = _FAST[0][1]


class FieldComparison(BaseModel):
    """One line a caseworker reads: the field, how the two sides compare, the weight it added."""

    field: str
    label: str
    level: int | None
    reading: str
    weight: float


class MatchScore(BaseModel):
    """A candidate's score: the total weight, the probability and the comparison behind it."""

    weight: float
    probability: float
    fields: list[FieldComparison]

    @property
    def likely(self) -> bool:
        return self.probability >= VERIFY_PROBABILITY


def weigh(report: MatchRecord, person: MatchRecord, prior: float = PRIOR_LOG2,
          frequencies: NameFrequencies = NONE) -> tuple[float, tuple[int | None, ...], float]:
    """The match weight, each field's level and the name's term-frequency adjustment (bits, in
    the weight; ``frequencies.py``): the fast path used to rank candidates."""
    total = prior
    levels = []
    for compare_field, weights in _FAST:
        level = compare_field(report, person)
        levels.append(level)
        if level is not None:
            total += weights[level]
    name_bits = frequencies.adjustment(levels[0], report, person, _NAME_WEIGHTS) if frequencies is not NONE else 0.0
    return total + name_bits, tuple(levels), name_bits


def explain(total: float, levels: tuple[int | None, ...], name_bits: float = 0.0) -> MatchScore:
    """The weight and levels as a caseworker reads them (the name's line with its adjustment
    for a rare or common surname or called-by character)."""
    lines = []
    for f, level in zip(FIELDS, levels, strict=True):
        if level is None:
            lines.append(FieldComparison(field=f.name, label=f.label, level=None,
                                         reading="一方未登记，不计分", weight=0.0))
            continue
        lv = f.levels[level]
        extra = name_bits if f.name == "name" else 0.0
        lines.append(FieldComparison(field=f.name, label=f.label, level=level, reading=lv.label,
                                     weight=round(lv.weight + extra, 2)))
    probability = 1 / (1 + 2 ** (-total)) if total > -60 else 0.0
    return MatchScore(weight=round(total, 2), probability=probability, fields=lines)


def score(report: MatchRecord, person: MatchRecord, prior: float = PRIOR_LOG2,
          frequencies: NameFrequencies = NONE) -> MatchScore:
    """Compare a missing-person report with a person, field by field."""
    return explain(*weigh(report, person, prior, frequencies))


def reasons(result: MatchScore, limit: int = 3) -> list[str]:
    """The strongest readings for and against, for a one-line summary on a list."""
    ranked = sorted((f for f in result.fields if f.level is not None), key=lambda f: -abs(f.weight))
    return [f"{f.reading}（{'+' if f.weight >= 0 else ''}{f.weight:.1f}）" for f in ranked[:limit]]
