"""The at-risk ledger in PostgreSQL: entries per community, recognition of a person already
known (ledger or cases), consolidation by the township, interventions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from db.queries import sql
from domain.enums import Sex, label
from domain.ledger import (
    Intervention,
    InterventionInput,
    LedgerCategory,
    LedgerEntry,
    LedgerStatus,
)


def _entry(row: asyncpg.Record) -> LedgerEntry:
    cats = [LedgerCategory(c) for c in row["categories"]]
    status = LedgerStatus(row["status"])
    return LedgerEntry(
        entry_id=str(row["entry_id"]), community_node_id=row["community_node_id"],
        community_name=row["community_name"], name=row["name"], sex=Sex(row["sex"]),
        birth_date=row["birth_date"], id_number=row["id_number"], categories=cats,
        category_labels=[label(c) for c in cats], address=row["address"],
        family_situation=row["family_situation"], risk_notes=row["risk_notes"], status=status,
        status_label=label(status), source=row["source"],
        case_id=str(row["case_id"]) if row["case_id"] else None,
        registered_by=row["registered_by"], registered_at=row["registered_at"],
        consolidated_by=row["consolidated_by"], consolidated_at=row["consolidated_at"])


async def find_person(conn: asyncpg.Connection, *, id_number: str | None, name: str | None,
                      birth_date: date | None) -> tuple[uuid.UUID, str] | None:
    """The entry of the same person and how it matched, if the ledger has one."""
    row = await conn.fetchrow(sql("ledger_find_person"), id_number, name, birth_date)
    return (row["entry_id"], row["matched_by"]) if row else None


async def find_cases(conn: asyncpg.Connection, *, id_number: str | None, name: str | None,
                     birth_date: date | None) -> list[tuple[uuid.UUID, str]]:
    """Cases of the same person (identity number, or name and birth date)."""
    rows = await conn.fetch(sql("ledger_find_cases"), id_number, name,
                            birth_date.isoformat() if birth_date else None)
    return [(r["case_id"], r["case_number"]) for r in rows]


async def insert_entry(conn: asyncpg.Connection, *, community_node_id: str, name: str, sex: Sex,
                       birth_date: date | None, id_number: str | None,
                       categories: list[LedgerCategory], address: str | None,
                       family_situation: str | None, risk_notes: str | None, source: str,
                       case_id: uuid.UUID | None, by: str) -> uuid.UUID | None:
    """A new entry; None when a concurrent insert of the same person won (unique keys)."""
    return await conn.fetchval(
        sql("ledger_insert"), uuid.uuid4(), community_node_id, name, sex.value, birth_date,
        id_number, sorted(c.value for c in set(categories)), address, family_situation,
        risk_notes, source, case_id, by)


async def add_categories(conn: asyncpg.Connection, *, entry_id: uuid.UUID,
                         categories: list[LedgerCategory], case_id: uuid.UUID | None) -> None:
    await conn.execute(sql("ledger_add_categories"), entry_id, [c.value for c in categories], case_id)


async def get_entry(conn: asyncpg.Connection, *, entry_id: uuid.UUID) -> tuple[LedgerEntry, str] | None:
    """The entry with its interventions, and the path of its community (for access checks)."""
    row = await conn.fetchrow(sql("ledger_get"), entry_id)
    if row is None:
        return None
    entry = _entry(row)
    entry.interventions = [
        Intervention(intervention_id=str(r["intervention_id"]), kind=r["kind"],
                     partners=list(r["partners"]), occurred_on=r["occurred_on"],
                     summary=r["summary"], recorded_by=r["recorded_by"], recorded_at=r["recorded_at"])
        for r in await conn.fetch(sql("ledger_interventions"), entry_id)]
    return entry, row["community_path"]


async def entry_of_case(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> uuid.UUID | None:
    return await conn.fetchval(sql("ledger_by_case"), case_id)


async def list_entries(conn: asyncpg.Connection, *, path: str, status: LedgerStatus | None,
                       category: LedgerCategory | None, limit: int = 500) -> list[LedgerEntry]:
    rows = await conn.fetch(sql("ledger_list"), path, status.value if status else None,
                            category.value if category else None, limit)
    return [_entry(r) for r in rows]


async def consolidate(conn: asyncpg.Connection, *, path: str, by: str,
                      entry_ids: list[uuid.UUID] | None) -> list[str]:
    rows = await conn.fetch(sql("ledger_consolidate"), path, by, entry_ids)
    return [str(r["entry_id"]) for r in rows]


async def close_entry(conn: asyncpg.Connection, *, entry_id: uuid.UUID) -> None:
    await conn.execute(sql("ledger_close"), entry_id)


async def add_intervention(conn: asyncpg.Connection, *, entry_id: uuid.UUID,
                           data: InterventionInput, by: str) -> None:
    await conn.execute(sql("ledger_insert_intervention"), uuid.uuid4(), entry_id, data.kind.value,
                       data.partners, data.occurred_on, data.summary, by)


async def counts_by_category(conn: asyncpg.Connection, *, path: str) -> dict[str, Any]:
    return {r["category"]: int(r["n"]) for r in await conn.fetch(sql("ledger_counts"), path)}
