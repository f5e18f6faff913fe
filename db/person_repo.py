"""One person across their cases (re-entry): the cases that share an identity number, or a
name and a birth date, with the case asked about."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql


class PersonCase(BaseModel):
    case_id: uuid.UUID
    case_number: str
    station_node_id: str
    station_name: str
    station_path: str
    origin_node_id: str | None
    origin_name: str | None
    origin_path: str | None
    stage: str
    classification: str | None
    is_minor: bool
    person_name: str | None
    id_number: str | None
    opened_at: datetime
    closed_at: datetime | None
    updated_at: datetime


async def person_cases(conn: asyncpg.Connection, *, case_id: uuid.UUID, id_number: str | None,
                       name: str | None, birth_date: str | None) -> list[PersonCase]:
    rows = await conn.fetch(sql("person_cases"), case_id, id_number, name, birth_date)
    return [PersonCase(**dict(r)) for r in rows]
