"""Blocking keys: the few cheap keys under which a report is filed, so that a person's likely
reports are found among a million by index lookups instead of by comparing them all.

Several passes, each forgiving a different kind of noise, are unioned: the full name by sound
(homophones and dialect confusions), the given name alone (no surname, a child's name), the
surname with one given character (one wrong or look-alike character), the initials, sex + birth
band + origin province (a name not known at all), and last-seen province + sex + quarter (where
and when). A person's keys widen the bands by the uncertainty of an estimated age and look back
a year of quarters. Each pass has a weight; candidates are ranked by the weights of the keys they
share (votes) before the full comparison.
"""

from __future__ import annotations

from datetime import date

from domain.matching.compare import MatchRecord

WEIGHTS = {"n": 8, "g": 5, "c": 3, "i": 2, "s": 2, "r": 2, "q": 3, "o": 1}
"""Vote of a key of each pass (n full name sound, g given name, c surname + one character,
i initials, s sex + birth band + origin, r place + sex + quarter, q the same with the birth
band: narrower, so it ranks a nameless person's likely reports first; o surname + sex + birth
band, looked up for someone known by surname alone, 老张, or by a one-character given name)."""


def _band(year: float) -> int:
    return int(year) // 5


def _quarter(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def _sex(record: MatchRecord) -> str:
    return {"male": "m", "female": "f"}.get(record.sex or "", "u")


NO_BAND = "x"
"""The band of a report without a birth year in its banded name keys (i, c, o, one-character g);
a person looks those up too (else such a report could only be found by its full name)."""


def _name_keys(record: MatchRecord, bands: list[int], *, report: bool) -> set[str]:
    """The name passes' keys; a report without a birth year files its banded keys under
    ``NO_BAND``, which a person looks up too."""
    broad = [str(b) for b in bands]
    halves = list(dict.fromkeys(str(b // 2) for b in bands))
    if not report or not bands:
        broad.append(NO_BAND)
        halves.append(NO_BAND)
    keys: set[str] = set()
    sexes = ["m", "f"] if _sex(record) == "u" else [_sex(record)]
    for form in record.forms():
        if form.surname and form.given:
            keys.add(f"n:{form.fuzzy()}")
            sur = form.sound()[0]
            for s in sexes:
                initials = "".join(p[0] for p in form.sound())
                keys.update(f"i:{initials}:{s}:{b}" for b in halves)
                for c in dict.fromkeys(form.given_fuzzy_syllables()):
                    keys.update(f"c:{sur}:{c}:{s}:{b}" for b in halves)
        elif form.surname:
            # 老张: only the surname; with sex and birth band it is still a (broad) key.
            keys.update(f"o:{form.sound()[0]}:{s}:{b}" for s in sexes for b in broad)
        if form.given:
            given = form.given_fuzzy()
            for s in sexes:
                if len(form.given) >= 2:
                    keys.add(f"g:{given}:{s}")
                else:
                    keys.update(f"g:{given}:{s}:{b}" for b in broad)
    return keys


def report_keys(report: MatchRecord) -> set[str]:
    """The keys a missing-person report is filed under (its own band and quarter)."""
    bands = [_band(report.birth_year)] if report.birth_year is not None else []
    broad = [str(b) for b in bands] or [NO_BAND]
    keys = _name_keys(report, bands, report=True)
    sexes = ["m", "f"] if _sex(report) == "u" else [_sex(report)]
    for form in report.forms():
        if form.surname:
            keys.update(f"o:{form.sound()[0]}:{s}:{b}" for s in sexes for b in broad)
        if len(form.given) >= 2:
            # 小伟 for 周承伟: people are called by the last character of the given name.
            last = form.given_fuzzy_syllables()[-1]
            keys.update(f"g:{last}:{s}:{b}" for s in sexes for b in broad)
    sex = _sex(report)
    if bands and report.origin_province:
        keys.add(f"s:{sex}:{bands[0]}:{report.origin_province}")
    if report.seen_on and report.seen_province:
        keys.add(f"r:{report.seen_province}:{sex}:{_quarter(report.seen_on)}")
        keys.update(f"q:{report.seen_province}:{sex}:{_quarter(report.seen_on)}:{b}" for b in bands)
    return keys


def person_keys(person: MatchRecord) -> set[str]:
    """The keys to look a person up by: every band their age may fall in, every quarter of the
    year before they were found."""
    bands: list[int] = []
    if person.birth_year is not None:
        spread = person.birth_spread + 3
        bands = list(range(_band(person.birth_year - spread), _band(person.birth_year + spread) + 1))
    broad = [*map(str, bands), NO_BAND]
    keys = _name_keys(person, bands, report=False)
    sex = _sex(person)
    # The broad passes (origin, place and quarter without the birth band) only for someone
    # whose name says little: their postings are long and would outvote a name's.
    named = any(f.surname and f.given or len(f.given) >= 2 for f in person.forms())
    # A one-character given name written with a wrong character (张明 for 张亮) shares no name
    # key with the report: look it up by surname, sex and birth band too (the 老张 pass).
    keys.update(f"o:{f.sound()[0]}:{s}:{b}" for f in person.forms() if f.surname and len(f.given) == 1
                for s in (["m", "f"] if sex == "u" else [sex]) for b in broad)
    if person.origin_province and not named:
        keys.update(f"s:{sex}:{b}:{person.origin_province}" for b in bands)
    if person.seen_on and person.seen_province:
        now = _quarter(person.seen_on)
        if not named or not bands:
            keys.update(f"r:{person.seen_province}:{sex}:{q}" for q in range(now - 4, now + 1))
        keys.update(f"q:{person.seen_province}:{sex}:{q}:{b}" for q in range(now - 4, now + 1) for b in bands)
    return keys


def weight_of(key: str) -> int:
    return WEIGHTS[key.split(":", 1)[0]]


BAND_STEP = 0.1
"""How much less a key of a birth band (or ten-year half) one step from the person's counts."""

NO_BAND_FACTOR = 0.9
"""A key of the reports without a birth year counts as one a step away (no age evidence)."""

_BAND_AT = {"o": 3, "g": 3, "q": 4, "s": 2}
_HALF_AT = {"i": 3, "c": 4}


def key_factors(person: MatchRecord, keys: list[str]) -> list[float]:
    """Each key's factor in the votes: 1 for a key of the person's own birth band (or of no
    band), less the farther its band; ties among the reports under a one-character name's keys,
    a thousand per band at a million reports, are broken towards the likelier age."""
    if person.birth_year is None:
        return [1.0] * len(keys)
    centre = _band(person.birth_year)
    factors = []
    for key in keys:
        parts = key.split(":")
        at, step = (_BAND_AT.get(parts[0]), 1) if parts[0] in _BAND_AT else (_HALF_AT.get(parts[0]), 2)
        if at is None or len(parts) <= at:
            factors.append(1.0)
        elif parts[at] == NO_BAND:
            factors.append(NO_BAND_FACTOR)
        else:
            factors.append(max(0.5, 1 - BAND_STEP * abs(int(parts[at]) - centre // step)))
    return factors
