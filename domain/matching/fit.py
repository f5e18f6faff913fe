"""Estimating the model's m and u probabilities from pairs, as Splink does, instead of by hand.

- u = P(level | two different people): counted on random pairs (a report and a person in care
  drawn independently are, all but never, the same person), so it needs no labels.
- m = P(level | the same person): counted on confirmed pairs (a caseworker's confirmed family
  verifications; in the benchmark, synthetic people generated with another seed than the
  queries measured).

Each field's levels are counted over the pairs where both sides know the field (a field one side
lacks weighs nothing, so it is not counted either). The hand-set values of ``model.HAND_SET`` are
the prior, worth ``PRIOR_PAIRS`` pairs: a level never seen among a few hundred confirmed pairs
keeps a small probability instead of zero, and a deployment with few confirmed pairs stays near
the hand-set values. No probability goes below ``FLOOR``: a level rare among the training pairs
(a man found as a woman, found before being lost) is a strong contradiction, not a certainty.

Pure functions; ``benchmarks/matching_fit.py`` runs them on synthetic pairs and writes
``domain/matching/parameters.json``, which ``model.py`` reads.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from domain.matching.compare import MatchRecord
from domain.matching.model import HAND_SET

PRIOR_PAIRS = 20.0
"""How many pairs the hand-set values count for."""

FLOOR = {"m": 0.005, "u": 0.000005}
"""The least m and u a fit gives a level."""


def level_counts(pairs: Iterable[tuple[MatchRecord, MatchRecord]]) -> dict[str, Counter[int]]:
    """How often each field lands on each level over ``(report, person)`` pairs (unknown skipped)."""
    counts: dict[str, Counter[int]] = {name: Counter() for name, *_ in HAND_SET}
    for report, person in pairs:
        for name, _label, compare_field, _levels in HAND_SET:
            level = compare_field(report, person)
            if level is not None:
                counts[name][level] += 1
    return counts


def comparison_counts(comparisons: Iterable[dict[str, Any]]) -> dict[str, Counter[int]]:
    """The level counts of stored comparisons (``match_candidates.comparison`` of confirmed pairs:
    the levels as the matcher saw them when it proposed the pair, before the case learnt the
    person's real name). A line is counted by its Chinese reading, so a comparison stored by an
    older model counts only for the levels that still read the same."""
    by_reading = {(name, reading): level for name, _label, _compare, levels in HAND_SET
                  for level, (reading, _m, _u) in levels.items()}
    counts: dict[str, Counter[int]] = {name: Counter() for name, *_ in HAND_SET}
    for comparison in comparisons:
        for line in comparison.get("fields", []):
            level = by_reading.get((line.get("field"), line.get("reading")))
            if level is not None:
                counts[line["field"]][level] += 1
    return counts


def _probabilities(counts: Counter[int], prior: dict[int, float], floor: float) -> dict[int, float]:
    total = sum(counts.values())
    prior_total = sum(prior.values())
    raw = {level: max(floor, (counts[level] + PRIOR_PAIRS * p / prior_total) / (total + PRIOR_PAIRS))
           for level, p in prior.items()}
    scale = sum(raw.values())
    return {level: p / scale for level, p in raw.items()}


def estimate(same: dict[str, Counter[int]], different: dict[str, Counter[int]]
             ) -> dict[str, dict[int, tuple[float, float]]]:
    """m and u of every field's levels from the level counts of confirmed and of random pairs."""
    fitted: dict[str, dict[int, tuple[float, float]]] = {}
    for name, _label, _compare, levels in HAND_SET:
        m = _probabilities(same[name], {lv: v[1] for lv, v in levels.items()}, FLOOR["m"])
        u = _probabilities(different[name], {lv: v[2] for lv, v in levels.items()}, FLOOR["u"])
        fitted[name] = {level: (m[level], u[level]) for level in levels}
    return fitted


def save(path: Path, fitted: dict[str, dict[int, tuple[float, float]]], *, about: dict[str, Any],
         same: dict[str, Counter[int]], different: dict[str, Counter[int]]) -> None:
    """Write the fit for ``model.py`` to read, with where it came from and the counts behind it."""
    data = {
        "about": about,
        "fields": {name: {str(level): [round(m, 6), round(u, 8)] for level, (m, u) in sorted(levels.items())}
                   for name, levels in fitted.items()},
        "counts": {name: {"same": {str(k): v for k, v in sorted(same[name].items())},
                          "different": {str(k): v for k, v in sorted(different[name].items())}}
                   for name in fitted},
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
