"""Console pages of family search (寻人登记): the list and the form for the hotline and the
stations, one report with the people in care most likely to be them, and the import of the
police's list with its report of rejected rows."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from api.console.render import ConsoleRoute, page, see_other
from api.console.session import Sess, checked_form
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.missing import import_jobs, imports, matching, service
from domain.enums import Sex, label
from domain.messages import chinese_message
from domain.missing import (
    CONDITION_LABELS,
    REPORTED_BY_LABELS,
    STATUS_LABELS,
    Condition,
    MissingReportInput,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

REFRESH_SECONDS = 2
"""How often the page of a running import reloads itself."""

_FIELD_LABELS = {name: str(f.description) for name, f in MissingReportInput.model_fields.items()}


def _form_choices() -> dict[str, Any]:
    return {"sexes": [(s.value, label(s)) for s in Sex],
            "conditions": [(c.value, CONDITION_LABELS[c]) for c in Condition]}


@router.get("/missing")
async def reports(request: Request, ctx: Ctx, session: Sess) -> Response:
    items = await service.list_reports(ctx, session.user)
    return page(request, "missing/missing.html", session=session, nav="missing", items=items,
                registers=session.user.role in service.REGISTERS, statuses=STATUS_LABELS,
                imports=session.user.role in service.IMPORTS, columns=list(imports.COLUMNS),
                **_form_choices())


@router.post("/missing")
async def register(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    fields: dict[str, Any] = {k: (data.get(k) or "").strip() or None for k in (
        "name", "sex", "birth_date", "birth_year", "id_number", "height_cm", "origin", "dialect",
        "last_seen_on", "last_seen_place", "marks", "clothing", "contact_name", "contact_phone")}
    fields = {k: v for k, v in fields.items() if v is not None}
    fields["aliases"] = [a for a in (data.get("aliases") or "").replace("，", ",").split(",") if a.strip()]
    fields["conditions"] = data.getlist("conditions")
    try:
        body = MissingReportInput(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _FIELD_LABELS.get(str(first["loc"][0])) if first["loc"] else None
        raise ApiError(422, "invalid_request", (f"{where}：" if where else "") + chinese_message(first)) from None
    report, _ = await service.create_report(ctx, session.user, body, client_address(request))
    return see_other(f"/console/missing/{report.report_id}")


@router.post("/missing/import")
async def import_list(request: Request, ctx: Ctx, session: Sess) -> Response:
    await checked_form(request, ctx, session)
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(422, "file_missing", "请选择要导入的文件")
    data = await upload.read(import_jobs.IMPORT_MAX_BYTES + 1)
    job = await import_jobs.import_list(ctx, session.user, data, upload.filename or "",
                                        client_address(request))
    return see_other(f"/console/missing/imports/{job.job_id}")


@router.get("/missing/imports/{job_id}")
async def import_page(job_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The import's progress, refreshing itself while it runs, then its report."""
    job = await import_jobs.get_import(ctx, session.user, job_id)
    return page(request, "missing/import_result.html", session=session, nav="missing", job=job,
                running=job.status != "done", refresh_seconds=REFRESH_SECONDS)


@router.get("/missing/{report_id}")
async def report_page(report_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    report = await service.get_report(ctx, session.user, report_id, client_address(request))
    candidates = await matching.candidates_for_report(ctx, session.user, report.report_id)
    return page(request, "missing/report.html", session=session, nav="missing", report=report,
                statuses=STATUS_LABELS, reporters=REPORTED_BY_LABELS,
                conditions=[CONDITION_LABELS[Condition(c)] for c in report.conditions],
                candidates=candidates)


@router.get("/cases/{case_id}/family-search")
async def case_candidates(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """The missing-person reports most likely to be this case's person, with the reasons."""
    case_number, candidates = await matching.candidates_for_case(ctx, session.user, case_id,
                                                                 client_address(request))
    return page(request, "missing/case_candidates.html", session=session, nav="cases", case_id=case_id,
                case_number=case_number, candidates=candidates)
