"""The two sides the matcher compares, built from what the system stores: a missing-person
report, and a case's person (what admission recorded, where and when they were found)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from domain.matching.compare import MatchRecord
from domain.matching.places import province_of
from domain.missing import MissingReportInput

ESTIMATE_SPREAD = 5.0
"""Years either way an age estimated by a caseworker may be off."""


def report_record(key: str, report: MissingReportInput) -> MatchRecord:
    """The sought person of a report."""
    year = report.known_birth_year()
    return MatchRecord(
        key=key, name=report.name, aliases=tuple(report.aliases),
        sex=report.sex.value if report.sex.value != "unknown" else None,
        birth_year=float(year) if year else None, height_cm=report.height_cm,
        seen_on=report.last_seen_on, seen_province=province_of(report.last_seen_place),
        origin_province=province_of(report.origin) or province_of(report.dialect),
        marks=" ".join(t for t in (report.marks, report.clothing) if t) or None,
        conditions=frozenset(c.value for c in report.conditions))


def report_row_record(row: Any) -> MatchRecord:
    """The sought person of a stored report row (derived columns already computed)."""
    year = row["birth_date"].year if row["birth_date"] else row["birth_year"]
    return MatchRecord(
        key=str(row["report_id"]), name=row["name"], aliases=tuple(row["aliases"] or ()),
        sex=row["sex"] if row["sex"] != "unknown" else None,
        birth_year=float(year) if year else None, height_cm=row["height_cm"],
        seen_on=row["last_seen_on"], seen_province=row["seen_province"],
        origin_province=row["origin_province"],
        marks=" ".join(t for t in (row["marks"], row["clothing"]) if t) or None,
        conditions=frozenset(row["conditions"] or ()))


def case_record(key: str, *, person: dict[str, Any] | None, name: str | None, found_on: date,
                found_place: str | None, marks: str | None = None, height_cm: int | None = None,
                origin: str | None = None, conditions: frozenset[str] = frozenset()) -> MatchRecord:
    """A person in care: an estimated age becomes a birth year with a spread."""
    person = person or {}
    birth, estimated = person.get("birth_date"), person.get("estimated_age")
    year: float | None = None
    spread = 0.0
    if birth:
        year = float(str(birth)[:4])
    elif estimated is not None:
        year, spread = float(found_on.year - int(estimated)), ESTIMATE_SPREAD
    sex = person.get("sex")
    return MatchRecord(
        key=key, name=name or person.get("name"), sex=sex if sex in ("male", "female") else None,
        birth_year=year, birth_spread=spread, height_cm=height_cm, seen_on=found_on,
        seen_province=province_of(found_place), origin_province=province_of(origin),
        marks=marks, conditions=conditions)


_PLACE = re.compile(r"发现地点：(.*)$")


def case_match_record(row: Any) -> MatchRecord:
    """The person of a case as the matcher sees them (found where and when the case began)."""
    found_on: date = row["opened_at"].date()
    reported = row["reported"] or ""
    place = _PLACE.search(reported)
    found_place = " ".join(t for t in ((place.group(1) if place else None), row["station_name"]) if t)
    return case_record(str(row["case_id"]), person=row["person"], name=row["person_name"],
                       found_on=found_on, found_place=found_place)
