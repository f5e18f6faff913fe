"""Imports of the police's missing-person list in PostgreSQL (migration 0027): the job and its
checked rows stored together at upload, each row's outcome set with its report, and every count
read from the rows' statuses (so a batch run twice counts nothing twice)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from domain.missing import ImportRejection, MissingReportInput
from domain.missing_import import ImportCounts, ImportJob


async def create_job(conn: asyncpg.Connection, *, job_id: uuid.UUID, node_id: str, created_by: str,
                     filename: str, total: int, rejected: list[ImportRejection],
                     rows: list[tuple[int, MissingReportInput]]) -> None:
    """The job and its good rows, in one transaction (all stored, or none)."""
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO import_jobs (job_id, node_id, created_by, filename, total, rejected)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            job_id, node_id, created_by, filename, total, [r.model_dump() for r in rejected])
        await conn.executemany(
            "INSERT INTO import_job_rows (job_id, row_no, body) VALUES ($1, $2, $3)",
            [(job_id, n, body.model_dump(mode="json")) for n, body in rows])


async def job_row(conn: asyncpg.Connection, job_id: uuid.UUID) -> Any:
    """The job with the path of the node that imported it, or None."""
    return await conn.fetchrow(
        "SELECT j.*, n.path AS node_path FROM import_jobs j JOIN org_nodes n USING (node_id)"
        " WHERE j.job_id = $1", job_id)


async def counts(conn: asyncpg.Connection, job_id: uuid.UUID) -> ImportCounts:
    row = await conn.fetchrow(
        "SELECT j.total,"
        " (SELECT count(*) FROM import_job_rows r WHERE r.job_id = j.job_id) AS valid,"
        " (SELECT count(*) FROM import_job_rows r WHERE r.job_id = j.job_id AND r.status = 'imported') AS imported,"
        " (SELECT count(*) FROM import_job_rows r WHERE r.job_id = j.job_id AND r.status = 'duplicate')"
        "   AS duplicates,"
        " (SELECT count(*) FROM import_job_rows r WHERE r.job_id = j.job_id AND r.matching_started)"
        "   AS matching_started"
        " FROM import_jobs j WHERE j.job_id = $1", job_id)
    return ImportCounts() if row is None else ImportCounts(**dict(row))


def job_of(row: Any, found: ImportCounts) -> ImportJob:
    rejected = [ImportRejection(**r) for r in row["rejected"]]
    return ImportJob(job_id=row["job_id"], status=row["status"], filename=row["filename"],
                     created_at=row["created_at"], finished_at=row["finished_at"], total=row["total"],
                     processed=found.processed + len(rejected), imported=found.imported,
                     duplicates=found.duplicates, rejected=rejected)


async def waiting_rows(conn: asyncpg.Connection, job_id: uuid.UUID, limit: int) -> list[Any]:
    """The next rows not yet registered, locked until the transaction ends."""
    return await conn.fetch(
        "SELECT row_no, body FROM import_job_rows WHERE job_id = $1 AND status IS NULL"
        " ORDER BY row_no LIMIT $2 FOR UPDATE", job_id, limit)


async def set_outcome(conn: asyncpg.Connection, job_id: uuid.UUID, row_no: int,
                      report_id: uuid.UUID | None) -> None:
    await conn.execute(
        "UPDATE import_job_rows SET status = CASE WHEN $3::uuid IS NULL THEN 'duplicate' ELSE 'imported' END,"
        " report_id = $3 WHERE job_id = $1 AND row_no = $2 AND status IS NULL", job_id, row_no, report_id)


async def unmatched(conn: asyncpg.Connection, job_id: uuid.UUID) -> list[Any]:
    """The registered rows whose report's matching has not been started yet."""
    return await conn.fetch(
        "SELECT r.row_no, m.report_id, m.report_number FROM import_job_rows r"
        " JOIN missing_reports m USING (report_id)"
        " WHERE r.job_id = $1 AND r.status = 'imported' AND NOT r.matching_started ORDER BY r.row_no", job_id)


async def mark_matching_started(conn: asyncpg.Connection, job_id: uuid.UUID, rows: list[int]) -> None:
    await conn.execute("UPDATE import_job_rows SET matching_started = true"
                       " WHERE job_id = $1 AND row_no = ANY($2::int[])", job_id, rows)


async def finish(conn: asyncpg.Connection, job_id: uuid.UUID) -> None:
    """Mark the job done (once: the first time stays) and drop the rows' personal data."""
    async with conn.transaction():
        await conn.execute("UPDATE import_jobs SET status = 'done', finished_at = coalesce(finished_at, now())"
                           " WHERE job_id = $1", job_id)
        await conn.execute("UPDATE import_job_rows SET body = NULL WHERE job_id = $1 AND status IS NOT NULL",
                           job_id)
