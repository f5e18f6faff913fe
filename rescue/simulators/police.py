"""Police population-system simulator (公安人口信息系统): household lookups for identity search.

Answers from the demo population in ``data/population.json`` and logs every lookup, so tests
and the operator can see what the workflow asked and when.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field

from rescue.domain.enums import Sex
from rescue.simulators.common import SimulatorConfig, build_app, require_api_key
from rescue.simulators.errors import SimulatorError


class PopulationRecord(BaseModel):
    """One registered resident (常住人口登记) as the police system returns it."""

    id_number: str
    name: str
    sex: Sex
    birth_date: date
    household_address: str
    community_node_id: str | None = Field(
        default=None, description="Community node of the household; null outside the city"
    )


class LookupRequest(BaseModel):
    """What the rescue station knows about the person; name or identity number is required."""

    request_id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    birth_date: date | None = None
    sex: Sex = Sex.UNKNOWN


class LookupResult(BaseModel):
    """The answer: one record when exactly one resident matches, else ``found`` false."""

    found: bool
    record: PopulationRecord | None = None


class LookupLogEntry(BaseModel):
    """One lookup as the police system logged it."""

    request_id: str
    found: bool
    looked_up_at: datetime


def load_population() -> list[PopulationRecord]:
    """The demo residents shipped as package data."""
    text = resources.files("rescue.simulators").joinpath("data/population.json").read_text("utf-8")
    return [PopulationRecord.model_validate(item) for item in json.loads(text)]


def match(population: list[PopulationRecord], query: LookupRequest) -> PopulationRecord | None:
    """Identity number exactly when given; else name with birth date; else name with sex.

    Only a single match counts: two residents with the same name must not be confused.
    """
    if query.id_number:
        wanted = query.id_number.strip().upper()
        candidates = [r for r in population if r.id_number == wanted]
    elif query.name:
        name = query.name.strip()
        candidates = [r for r in population if r.name == name]
        if query.birth_date:
            candidates = [r for r in candidates if r.birth_date == query.birth_date]
        elif query.sex != Sex.UNKNOWN:
            candidates = [r for r in candidates if r.sex == query.sex]
    else:
        candidates = []
    return candidates[0] if len(candidates) == 1 else None


def create_app(config: SimulatorConfig) -> FastAPI:
    """A police simulator with its own lookup log."""
    population = load_population()
    lookups: list[LookupLogEntry] = []
    app = build_app("police", "公安人口信息系统（模拟）", config, lookups.clear)
    router = APIRouter(dependencies=[Depends(require_api_key)], tags=["population"])

    @router.post("/population/lookup")
    async def lookup(query: LookupRequest) -> LookupResult:
        """Look a person up in the household register, to find where home is."""
        if not (query.name and query.name.strip()) and not (
            query.id_number and query.id_number.strip()
        ):
            raise SimulatorError(
                422, "insufficient_identifiers", "至少需要姓名或身份证号码 (name or id_number)"
            )
        record = match(population, query)
        lookups.append(
            LookupLogEntry(
                request_id=query.request_id,
                found=record is not None,
                looked_up_at=datetime.now(UTC),
            )
        )
        return LookupResult(found=record is not None, record=record)

    @router.get("/population/lookups")
    async def list_lookups() -> list[LookupLogEntry]:
        """Every lookup so far, oldest first (for tests and the operator)."""
        return list(lookups)

    app.include_router(router)
    return app
