"""Missing-person reports for the API and the console: registered by the hotline, a station or
the police (their list imported: import_jobs.py), read within the registering node's subtree,
and matched with the people in care (matching.py)."""

from __future__ import annotations

import uuid

from activities.missing_import import start_family_search
from api.audit.trail import audit
from api.auth.network_access import within
from api.context import AppContext
from api.errors import ApiError
from db import missing_repo
from db.users_repo import UserRecord
from domain.enums import Role
from domain.missing import MissingReport, MissingReportInput

REGISTERS = frozenset({Role.HOTLINE_OPERATOR, Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE})
"""Who registers a report: the 12349 hotline, a station, the police on a family's behalf."""

READS = REGISTERS | {Role.BUREAU_LEADER}

IMPORTS = frozenset({Role.POLICE, Role.CASEWORKER, Role.STATION_HEAD})
"""Who imports the police's list: the police themselves, or a station they sent it to."""


def require_registers(user: UserRecord) -> None:
    if user.role not in REGISTERS:
        raise ApiError(403, "forbidden", "寻人登记由12349热线、救助站或公安办理")


def parse_id(report_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(report_id)
    except ValueError:
        raise ApiError(404, "report_not_found", "找不到该寻人登记") from None


async def create_report(ctx: AppContext, user: UserRecord, body: MissingReportInput,
                        client: str | None) -> tuple[MissingReport, bool]:
    """Register a report (False: its external reference was registered before; that one)."""
    require_registers(user)
    async with ctx.pool.acquire() as conn:
        report_id = await missing_repo.insert_report(conn, body=body, node_id=user.node_id,
                                                     created_by=user.username)
        created = report_id is not None
        if report_id is None:
            report_id = await conn.fetchval(
                "SELECT report_id FROM missing_reports WHERE reported_by = $1 AND external_ref = $2",
                body.reported_by.value, body.external_ref)
        await audit(conn, user, action="create_missing_report", subject=f"missing:{report_id}",
                    allowed=True, client=client, detail="created" if created else "duplicate")
    report = await get_report(ctx, user, str(report_id), client, audited=False)
    if created:
        await start_matching(ctx, report)
    return report, created


async def start_matching(ctx: AppContext, report: MissingReport) -> None:
    """Match the new report with the people in care (FamilySearchWorkflow, once per report)."""
    await start_family_search(ctx.temporal, ctx.settings.task_queue, str(report.report_id),
                              report.report_number)


async def get_report(ctx: AppContext, user: UserRecord, report_id: str, client: str | None,
                     *, audited: bool = True) -> MissingReport:
    if user.role not in READS:
        raise ApiError(403, "forbidden", "无权查看寻人登记")
    rid = parse_id(report_id)
    async with ctx.pool.acquire() as conn:
        found = await missing_repo.get_report(conn, report_id=rid)
        allowed = found is not None and within(user, found[1])
        if audited:
            await audit(conn, user, action="read_missing_report", subject=f"missing:{rid}",
                        allowed=allowed, client=client)
    if found is None or not allowed:
        raise ApiError(404, "report_not_found", "找不到该寻人登记")
    return found[0]


async def list_reports(ctx: AppContext, user: UserRecord, *, limit: int = 100,
                       offset: int = 0) -> list[MissingReport]:
    if user.role not in READS:
        raise ApiError(403, "forbidden", "无权查看寻人登记")
    async with ctx.pool.acquire() as conn:
        return await missing_repo.list_reports(conn, path=user.node_path, limit=limit, offset=offset)
