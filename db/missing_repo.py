"""Missing-person reports in PostgreSQL: stored with their blocking keys in one transaction,
listed for a subtree, read one at a time."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from db.queries import sql
from domain.matching.blocking import report_keys, weight_of
from domain.matching.records import report_record, report_row_record
from domain.missing import MissingReport, MissingReportInput


def report_from_row(row: Any) -> MissingReport:
    data = {k: row[k] for k in MissingReport.model_fields if k in row.keys()}
    return MissingReport.model_validate(data)


async def insert_report(conn: asyncpg.Connection, *, body: MissingReportInput, node_id: str,
                        created_by: str) -> uuid.UUID | None:
    """Store a report and its keys; None when its external reference is already stored."""
    report_id = uuid.uuid4()
    record = report_record(str(report_id), body)
    async with conn.transaction():
        number = await conn.fetchval(sql("missing_report_number"))
        stored = await conn.fetchval(
            sql("insert_missing_report"), report_id, number, body.external_ref, body.reported_by.value,
            node_id, created_by, body.name, body.aliases, body.sex.value, body.birth_date,
            body.birth_year, body.id_number, body.height_cm, body.origin, body.dialect,
            body.last_seen_on, body.last_seen_place, [c.value for c in body.conditions], body.marks,
            body.clothing, body.photo_ref, body.contact_name, body.contact_phone,
            record.seen_province, record.origin_province)
        if stored is None:
            return None
        await conn.executemany("INSERT INTO missing_report_keys (key, report_id, weight) VALUES ($1, $2, $3)",
                               [(k, report_id, weight_of(k)) for k in sorted(report_keys(record))])
    return report_id


async def get_report(conn: asyncpg.Connection, *, report_id: uuid.UUID) -> tuple[MissingReport, str] | None:
    """The report and the path of the node that registered it."""
    row = await conn.fetchrow(sql("missing_report_by_id"), report_id)
    return (report_from_row(row), row["node_path"]) if row else None


async def list_reports(conn: asyncpg.Connection, *, path: str, limit: int = 100,
                       offset: int = 0) -> list[MissingReport]:
    rows = await conn.fetch(sql("missing_reports_in_subtree"), path, limit, offset)
    return [report_from_row(r) for r in rows]


async def rekey_reports(conn: asyncpg.Connection, *, batch: int = 5000) -> int:
    """File every report again under the keys ``report_keys`` gives now (after a change of the
    blocking keys, such as the band-less keys of a report without a birth year), a batch per
    transaction; the number of reports re-keyed."""
    done = 0
    after = uuid.UUID(int=0)
    while True:
        rows = await conn.fetch("SELECT * FROM missing_reports WHERE report_id > $1 ORDER BY report_id LIMIT $2",
                                after, batch)
        if not rows:
            return done
        async with conn.transaction():
            ids = [r["report_id"] for r in rows]
            await conn.execute("DELETE FROM missing_report_keys WHERE report_id = ANY($1::uuid[])", ids)
            await conn.copy_records_to_table("missing_report_keys", columns=("key", "report_id", "weight"), records=[
                (k, r["report_id"], weight_of(k)) for r in rows for k in sorted(report_keys(report_row_record(r)))])
        done += len(rows)
        after = ids[-1]
