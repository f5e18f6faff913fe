"""The search by features (按体貌特征比对) of the police simulator: fingerprints registered
with identity cards, and missing-person reports (失踪人员报案) with where the person was last
seen and their marks, both kept beside the demo population in ``data/population.json``.

Scoring is deterministic. A fingerprint code equal to a resident's is a match by itself.
Otherwise only residents reported missing are candidates: a known sex must agree and an apparent
age lie within :data:`AGE_TOLERANCE` years (else the resident is out), then the place found
(one of the report's places named in it) and the marks (one of the report's marks named in
them) add points. The best candidate is a match when it reaches :data:`THRESHOLD` and no other
resident is as close. The simulator has no face comparison: a photo reference is received and
logged, never compared, and the answer says so (``compared`` leaves it out).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from domain.agencies import FeatureMatch, FeatureSearchResult, HouseholdRecord
from domain.enums import Sex
from domain.features import Feature
from simulators.errors import SimulatorError
from simulators.police_data import PopulationRecord, population_items

AGE_TOLERANCE = 5
"""Years an apparent age may differ from a missing resident's real age."""
THRESHOLD = 50
"""Points a candidate needs: sex and age and the place (50), or sex and age and the marks (60)."""
POINTS = {Feature.SEX: 10, Feature.AGE: 10, Feature.PLACE: 30, Feature.MARKS: 40}


class MissingReport(BaseModel):
    """A family's report that the resident went missing (失踪人员报案)."""

    reported_on: date
    places: list[str] = Field(description="Places named in the report (last seen)")
    marks: list[str] = Field(default_factory=list, description="Marks named in the report")
    description: str = ""


class ResidentFeatures(BaseModel):
    """What the police keep of a resident besides the registration."""

    id_number: str
    fingerprint_code: str | None = None
    missing_report: MissingReport | None = None


class FeatureSearchRequest(BaseModel):
    """An unidentified person's features, as the rescue station sends them."""

    request_id: str = Field(min_length=1, max_length=200)
    case_id: str | None = Field(default=None, max_length=100)
    sex: Sex = Sex.UNKNOWN
    apparent_age: int | None = Field(default=None, ge=0, le=120)
    place_found: str = Field(default="", max_length=200)
    fingerprint_code: str | None = Field(default=None, max_length=64)
    photo_ref: str | None = Field(default=None, max_length=100)
    marks: str | None = Field(default=None, max_length=500)
    excluded_id_numbers: list[str] = Field(default_factory=list, max_length=100)


class FeatureSearchLogEntry(BaseModel):
    """One search as the police system logged it (no features: only what was compared)."""

    request_id: str
    compared: list[Feature]
    photo_received: bool
    matched: bool
    searched_at: datetime


def load_features() -> dict[str, ResidentFeatures]:
    """Fingerprints and missing-person reports of the demo residents, by identity number."""
    fields = ResidentFeatures.model_fields
    out = {}
    for item in population_items():
        features = ResidentFeatures.model_validate({k: v for k, v in item.items() if k in fields})
        out[features.id_number] = features
    return out


def _code(value: str | None) -> str:
    return (value or "").strip().upper()


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def score(resident: PopulationRecord, features: ResidentFeatures | None,
          query: FeatureSearchRequest, today: date) -> tuple[int, list[Feature]]:
    """Points of one resident and the features that agree (0 and none: not a candidate)."""
    if features is None:
        return 0, []
    if _code(query.fingerprint_code) and _code(query.fingerprint_code) == _code(features.fingerprint_code):
        return 100, [Feature.FINGERPRINT]
    report = features.missing_report
    if report is None:
        return 0, []
    basis: list[Feature] = []
    if query.sex != Sex.UNKNOWN:
        if resident.sex != query.sex:
            return 0, []
        basis.append(Feature.SEX)
    if query.apparent_age is not None:
        if abs(_age(resident.birth_date, today) - query.apparent_age) > AGE_TOLERANCE:
            return 0, []
        basis.append(Feature.AGE)
    if any(place and place in query.place_found for place in report.places):
        basis.append(Feature.PLACE)
    if query.marks and any(mark and mark in query.marks for mark in report.marks):
        basis.append(Feature.MARKS)
    return sum(POINTS[f] for f in basis), basis


def compared(query: FeatureSearchRequest) -> list[Feature]:
    """The features this search could compare (never the photo: no face comparison here)."""
    out = [Feature.FINGERPRINT] if _code(query.fingerprint_code) else []
    if query.sex != Sex.UNKNOWN:
        out.append(Feature.SEX)
    if query.apparent_age is not None:
        out.append(Feature.AGE)
    if query.place_found.strip():
        out.append(Feature.PLACE)
    if query.marks and query.marks.strip():
        out.append(Feature.MARKS)
    return out


def search(population: list[PopulationRecord], features: dict[str, ResidentFeatures],
           query: FeatureSearchRequest, today: date) -> FeatureSearchResult:
    """The one resident the features point to, or no match (and how many came as close)."""
    excluded = {_code(i) for i in query.excluded_id_numbers}
    scored = [(points, basis, r) for r in population if r.id_number not in excluded
              for points, basis in [score(r, features.get(r.id_number), query, today)]
              if points >= THRESHOLD]
    what = compared(query)
    if not scored:
        return FeatureSearchResult(matched=False, compared=what)
    best = max(points for points, _, _ in scored)
    top = [(basis, r) for points, basis, r in scored if points == best]
    if len(top) > 1:
        return FeatureSearchResult(matched=False, compared=what, similar=len(top))
    basis, resident = top[0]
    return FeatureSearchResult(
        matched=True, compared=what, similar=1,
        match=FeatureMatch(record=HouseholdRecord.model_validate(resident.model_dump()),
                           basis=basis, score=best))


class FeatureSearches:
    """The features of the demo residents and the log of searches (reset by the admin)."""

    def __init__(self, population: list[PopulationRecord]) -> None:
        self.population = population
        self.features = load_features()
        self.log: list[FeatureSearchLogEntry] = []

    def reset(self) -> None:
        self.log.clear()


def feature_routes(searches: FeatureSearches) -> APIRouter:
    """The agency routes of the search by features; the caller adds the API-key check."""
    router = APIRouter(tags=["population"])

    @router.post("/population/feature-search")
    async def feature_search(query: FeatureSearchRequest) -> FeatureSearchResult:
        """Compare an unidentified person's features with fingerprints and missing-person reports."""
        what = compared(query)
        if not what:
            raise SimulatorError(422, "insufficient_features",
                                 "至少需要一项可比对的特征 (fingerprint, sex, age, place or marks)")
        result = search(searches.population, searches.features, query, date.today())
        searches.log.append(FeatureSearchLogEntry(
            request_id=query.request_id, compared=what, photo_received=bool(query.photo_ref),
            matched=result.matched, searched_at=datetime.now(UTC)))
        return result

    @router.get("/population/feature-searches")
    async def list_feature_searches() -> list[FeatureSearchLogEntry]:
        """Every search by features so far, oldest first (for tests and the operator)."""
        return list(searches.log)

    return router
