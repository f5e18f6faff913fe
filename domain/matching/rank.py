"""The best candidates for one side among those blocking found: weighed (fast path), the
rejected pairs and clear contradictions left out, the best explained field by field."""

from __future__ import annotations

from collections.abc import Iterable

from domain.matching.compare import MatchRecord
from domain.matching.frequencies import NONE, NameFrequencies
from domain.matching.model import PRIOR_LOG2, SHOW_BELOW_PRIOR, MatchScore, explain, weigh


def _best(pairs: Iterable[tuple[MatchRecord, MatchRecord, MatchRecord]], limit: int,
          prior: float, frequencies: NameFrequencies) -> list[tuple[MatchRecord, MatchScore]]:
    weighed = []
    for report, person, candidate in pairs:
        total, levels, name_bits = weigh(report, person, prior, frequencies)
        if total >= prior - SHOW_BELOW_PRIOR:
            weighed.append((total, levels, name_bits, candidate))
    weighed.sort(key=lambda t: -t[0])
    return [(c, explain(total, levels, name_bits)) for total, levels, name_bits, c in weighed[:limit]]


def rank_reports(person: MatchRecord, reports: Iterable[MatchRecord], *, rejected: set[str] = frozenset(),
                 limit: int = 10, prior: float = PRIOR_LOG2,
                 frequencies: NameFrequencies = NONE) -> list[tuple[MatchRecord, MatchScore]]:
    """Reports most likely to be about this person (``prior``: see ``model.prior_for``;
    ``frequencies``: the reports' name frequencies, see ``frequencies.py``)."""
    return _best(((r, person, r) for r in reports if r.key not in rejected), limit, prior, frequencies)


def rank_people(report: MatchRecord, people: Iterable[MatchRecord], *, rejected: set[str] = frozenset(),
                limit: int = 10, prior: float = PRIOR_LOG2,
                frequencies: NameFrequencies = NONE) -> list[tuple[MatchRecord, MatchScore]]:
    """People in care most likely to be the one this report looks for."""
    return _best(((report, p, p) for p in people if p.key not in rejected), limit, prior, frequencies)
