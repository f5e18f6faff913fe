"""The best candidates for one side among those blocking found: scored in full, the rejected
pairs left out, the best first."""

from __future__ import annotations

from collections.abc import Iterable

from domain.matching.compare import MatchRecord
from domain.matching.model import SHOW_PROBABILITY, MatchScore, score


def rank_reports(person: MatchRecord, reports: Iterable[MatchRecord], *, rejected: set[str] = frozenset(),
                 limit: int = 10, floor: float = SHOW_PROBABILITY) -> list[tuple[MatchRecord, MatchScore]]:
    """Reports most likely to be about this person (``floor`` drops the hopeless)."""
    scored = [(r, score(r, person)) for r in reports if r.key not in rejected]
    scored = [(r, s) for r, s in scored if s.probability >= floor]
    scored.sort(key=lambda rs: -rs[1].weight)
    return scored[:limit]


def rank_people(report: MatchRecord, people: Iterable[MatchRecord], *, rejected: set[str] = frozenset(),
                limit: int = 10, floor: float = SHOW_PROBABILITY) -> list[tuple[MatchRecord, MatchScore]]:
    """People in care most likely to be the one this report looks for."""
    scored = [(p, score(report, p)) for p in people if p.key not in rejected]
    scored = [(p, s) for p, s in scored if s.probability >= floor]
    scored.sort(key=lambda ps: -ps[1].weight)
    return scored[:limit]
