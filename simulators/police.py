"""Police simulator (公安): the population system for household lookups and searches by
features (``police_features``), the anti-trafficking DNA database (results come back later by
callback), the psychiatric registry and lost-contact reports.

Answers from the demo population in ``data/population.json`` and logs every lookup, so tests
and the operator can see what the workflow asked and when.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel

from simulators.common import SimulatorConfig, build_app, require_api_key
from simulators.errors import SimulatorError
from simulators.faults import require_admin
from simulators.police_data import LookupRequest, PopulationRecord, load_population, match
from simulators.police_dna import DnaDatabase, dna_routes
from simulators.police_features import FeatureSearches, feature_routes
from simulators.police_registers import Registers, register_routes

__all__ = ["LookupRequest", "PopulationRecord", "create_app", "load_population", "match"]


class LookupResult(BaseModel):
    """The answer: one record when exactly one resident matches, else ``found`` false."""

    found: bool
    record: PopulationRecord | None = None


class LookupLogEntry(BaseModel):
    """One lookup as the police system logged it."""

    request_id: str
    found: bool
    looked_up_at: datetime


def create_app(config: SimulatorConfig) -> FastAPI:
    """A police simulator with its own lookup log, DNA database and registers."""
    population = load_population()
    lookups: list[LookupLogEntry] = []
    dna = DnaDatabase(population)
    registers = Registers()
    searches = FeatureSearches(population)

    def reset() -> None:
        lookups.clear()
        searches.reset()
        dna.reset()
        registers.reset()

    app = build_app("police", "公安人口信息系统（模拟）", config, reset)
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
    app.include_router(feature_routes(searches), dependencies=[Depends(require_api_key)])
    for agency_routes, admin_routes in (dna_routes(dna, config), register_routes(registers)):
        app.include_router(agency_routes, dependencies=[Depends(require_api_key)])
        app.include_router(admin_routes, dependencies=[Depends(require_admin)])
    return app
