"""Monthly reports in PostgreSQL: the figures computed from the records, the report rows the
workflow keeps, and the month's notice."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from db import ledger_repo
from db.queries import sql
from domain.monthly_report import MonthlyFigures, ReportStatus, month_bounds


async def compute_figures(conn: asyncpg.Connection, *, path: str, month: str,
                          utc_offset_hours: int = 8) -> MonthlyFigures:
    """The month's figures of the subtree at ``path`` (a locality, or the bureau: the city)."""
    start, end = month_bounds(month, utc_offset_hours)
    found = await conn.fetchrow(sql("figures_found"), path, start, end)
    admitted = {r["classification"]: int(r["n"])
                for r in await conn.fetch(sql("figures_admitted"), path, start, end)}

    async def cases_with(kind: str) -> int:
        return int(await conn.fetchval(sql("figures_event_cases"), path, start, end, kind))

    follow = await conn.fetchrow(sql("figures_follow_ups"), path, start, end)
    return MonthlyFigures(
        people_found=int(found["found"]), minors=int(found["minors"]), admitted=admitted,
        treated=await cases_with("hospital_admitted"),
        settled_fen=int(await conn.fetchval(sql("figures_settled"), path, start, end)),
        returned_home=await cases_with("handed_over"),
        long_term_stays=int(await conn.fetchval(sql("figures_long_term"), path)),
        follow_ups_due=int(follow["due"]), follow_ups_done=int(follow["done"]),
        follow_ups_overdue=int(follow["overdue"]),
        lost_contact_reports=int(await conn.fetchval(sql("figures_lost_contact"), path, start, end)),
        ledger=await ledger_repo.counts_by_category(conn, path=path),
        ledger_people=int(await conn.fetchval(sql("figures_ledger_people"), path)),
    )


class ReportRecord(BaseModel):
    report_id: str
    locality_node_id: str
    locality_name: str
    locality_path: str
    month: str
    status: ReportStatus
    figures: MonthlyFigures
    figures_at: datetime
    narrative: str | None
    good_practice: str | None
    due_at: datetime
    opened_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None
    submitted_late: bool
    reminders: int
    escalations: int
    workflow_id: str


def _record(row: asyncpg.Record) -> ReportRecord:
    return ReportRecord(**dict(row))


async def open_report(conn: asyncpg.Connection, *, report_id: str, locality_node_id: str,
                      month: str, figures: MonthlyFigures, due: datetime, opened_at: datetime,
                      workflow_id: str, status: ReportStatus = ReportStatus.OPEN) -> None:
    await conn.execute(sql("report_open"), report_id, locality_node_id, month,
                       figures.model_dump(mode="json"), due, opened_at, workflow_id, status.value)


async def record_notice(conn: asyncpg.Connection, *, report_id: str, kind: str, count: int) -> None:
    await conn.execute(sql("report_notice"), report_id, kind, count)


async def submit(conn: asyncpg.Connection, *, report_id: str, figures: MonthlyFigures,
                 narrative: str, good_practice: str | None, at: datetime, by: str,
                 late: bool) -> None:
    await conn.execute(sql("report_submit"), report_id, figures.model_dump(mode="json"),
                       narrative, good_practice, at, by, late)


async def get_report(conn: asyncpg.Connection, *, report_id: str) -> ReportRecord | None:
    row = await conn.fetchrow(sql("report_get"), report_id)
    return _record(row) if row else None


async def reports_of_month(conn: asyncpg.Connection, *, month: str, path: str) -> list[ReportRecord]:
    return [_record(r) for r in await conn.fetch(sql("report_list_month"), month, path)]


async def reports_of_subtree(conn: asyncpg.Connection, *, path: str) -> list[ReportRecord]:
    return [_record(r) for r in await conn.fetch(sql("report_list_locality"), path)]


async def localities(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(sql("report_localities"))]


async def notify(conn: asyncpg.Connection, *, key: str, node_id: str, role: str, message: str) -> None:
    """A notification not tied to a case; the key (uuid5) makes a retried write harmless."""
    nid = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
    await conn.execute(sql("insert_notification"), nid, node_id, role, None, message)


async def publish_notice(conn: asyncpg.Connection, *, month: str, text: str, by: str) -> dict[str, Any]:
    return dict(await conn.fetchrow(sql("notice_upsert"), month, text, by))


async def get_notice(conn: asyncpg.Connection, *, month: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(sql("notice_get"), month)
    return dict(row) if row else None
