"""The police simulator's demo population (``data/population.json``) and its matching rules."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field

from domain.enums import Sex


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


def population_items() -> list[dict[str, Any]]:
    """The raw entries of ``data/population.json``."""
    text = resources.files("simulators").joinpath("data/population.json").read_text("utf-8")
    return list(json.loads(text))


def load_population() -> list[PopulationRecord]:
    """The demo residents shipped as package data (their registration; see
    ``police_features`` for the fingerprints and missing-person reports kept beside it)."""
    fields = PopulationRecord.model_fields
    return [PopulationRecord.model_validate({k: v for k, v in item.items() if k in fields})
            for item in population_items()]


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
