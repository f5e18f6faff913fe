"""Term frequencies of names (Splink's term-frequency adjustment): a surname, or the one given
character a person is called by, agreeing says more when it is rare than when it is common.
马 shared by two records is weak evidence; 覃 shared is strong.

The level's u is the average over all values (u = Σ f², the chance that two random records
agree on whichever value); for one value s it is f_s, the share of records carrying s. The
weight of an agreement on s is therefore the level's weight plus log2(Σ f² / f_s): the adjustment
averages to about nothing over random pairs, so the fitted m and u stay right. The adjusted u is
kept between the u of the next stronger level (a surname alone never outweighs a called-by
character, nor that one character off in three) and a level's u times ``MOST_COMMON``.

The frequencies are counted on the reports themselves, from the blocking keys they are filed
under (``o``: surname sound, ``g`` with a band: the sound of a one-character given name or of a
given name's last character), once per worker and cached (``db/matching_repo.name_frequencies``).
Pure: the counts come in as dictionaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from domain.matching.compare import NAME_CALLED, NAME_SURNAME, MatchRecord

MOST_COMMON = 4.0
"""The adjusted u is at most the level's u times this (−2 bits for the commonest values)."""

MIN_COUNT = 1
"""A value counted fewer times than this (or never) is counted as this many."""

MIN_TOTAL = 1000
"""Below this many counted, the shares say too little: no adjustment."""


@dataclass(frozen=True)
class Table:
    """One kind of value's shares among the reports, and Σ f² (the level's average u)."""

    counts: dict[str, int]
    total: int
    squares: float

    @classmethod
    def of(cls, counts: dict[str, int]) -> Table:
        total = sum(counts.values())
        squares = sum((c / total) ** 2 for c in counts.values()) if total else 0.0
        return cls(counts, total, squares)

    def bits(self, value: str) -> float:
        """log2(Σ f² / f_value): + for a rare value, − for a common one (0 when nothing is counted)."""
        if self.total < MIN_TOTAL or not self.squares:
            return 0.0
        share = max(self.counts.get(value, 0), MIN_COUNT) / self.total
        return math.log2(self.squares / share)


@dataclass(frozen=True)
class NameFrequencies:
    """The surnames' and the called-by characters' frequencies, by folded sound."""

    surnames: Table = field(default_factory=lambda: Table.of({}))
    called: Table = field(default_factory=lambda: Table.of({}))

    def adjustment(self, level: int | None, report: MatchRecord, person: MatchRecord,
                   weights: dict[int, float]) -> float:
        """Bits to add to the name level's weight for the value the two sides agree on (0 for
        the levels not adjusted). ``weights``: the name levels' weights, which bound it."""
        if level == NAME_SURNAME:
            shared = _surnames(report) & _surnames(person)
            table = self.surnames
        elif level == NAME_CALLED:
            shared = _called(report, person) | _called(person, report)
            table = self.called
        else:
            return 0.0
        if not shared:
            return 0.0
        bits = max(table.bits(value) for value in shared)
        ceiling = weights[level + 1] - weights[level]
        return max(-math.log2(MOST_COMMON), min(bits, ceiling))


def _surnames(record: MatchRecord) -> set[str]:
    return {f.sound()[0] for f in record.name_forms if f.surname}


def _called(short: MatchRecord, full: MatchRecord) -> set[str]:
    """The sounds of ``short``'s one-character given names that ``full`` is called by (its own
    one-character given name, or its given name's last character)."""
    ones = {f.given_fuzzy() for f in short.name_forms if len(f.given) == 1}
    lasts = {f.given_fuzzy_syllables()[-1] for f in full.name_forms if f.given}
    return ones & lasts


NONE = NameFrequencies()
"""No frequencies: no adjustment."""
