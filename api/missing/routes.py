"""Missing-person reports over JSON: register, list, show, import the police's list, and the
candidates the matcher found for a report."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from api.deps import Ctx, CurrentUser, client_address
from api.errors import ApiError
from api.missing import import_jobs, matching, service
from domain.matching.model import FieldComparison
from domain.missing import MissingReport, MissingReportInput
from domain.missing_import import ImportJob

router = APIRouter(prefix="/api/v1/missing", tags=["family search"])

_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "公安失踪人员名单：CSV（UTF-8）或 Excel（.xlsx），首行为列名"}}}}}}}


@router.post("/reports", response_model=MissingReport, status_code=201)
async def create_report(ctx: Ctx, user: CurrentUser, body: MissingReportInput, request: Request,
                        response: Response) -> MissingReport:
    """Register a missing-person report (寻人登记); an ``external_ref`` already registered
    answers 200 with that report."""
    report, created = await service.create_report(ctx, user, body, client_address(request))
    if not created:
        response.status_code = 200
    return report


@router.get("/reports", response_model=list[MissingReport])
async def list_reports(ctx: Ctx, user: CurrentUser, limit: int = 100, offset: int = 0) -> list[MissingReport]:
    """Reports registered in the caller's subtree, newest first."""
    return await service.list_reports(ctx, user, limit=max(1, min(limit, 500)), offset=max(0, offset))


@router.get("/reports/{report_id}", response_model=MissingReport)
async def get_report(ctx: Ctx, user: CurrentUser, report_id: str, request: Request) -> MissingReport:
    return await service.get_report(ctx, user, report_id, client_address(request))


async def read_upload(request: Request) -> tuple[bytes, str]:
    """The uploaded file's bytes (with a ceiling) and its name."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(422, "file_missing", "请选择要导入的文件")
    data = await upload.read(import_jobs.IMPORT_MAX_BYTES + 1)
    if not data:
        raise ApiError(422, "file_missing", "文件为空")
    return data, upload.filename or ""


@router.post("/imports", response_model=ImportJob, status_code=202, openapi_extra=_UPLOAD_BODY)
async def import_list(ctx: Ctx, user: CurrentUser, request: Request, response: Response) -> ImportJob:
    """Import the police's missing-person list (CSV or XLSX): every row is checked now (the
    rejected ones are in the answer with their reason) and the good ones are registered in the
    background; follow the job at ``Location`` until its ``status`` is ``done``."""
    data, name = await read_upload(request)
    job = await import_jobs.import_list(ctx, user, data, name, client_address(request))
    response.headers["Location"] = f"/api/v1/missing/imports/{job.job_id}"
    return job


@router.get("/imports/{job_id}", response_model=ImportJob)
async def get_import(ctx: Ctx, user: CurrentUser, job_id: str) -> ImportJob:
    """An import of the police's list: rows processed so far, registered, already registered,
    rejected (``status`` ``running`` until every row is processed, then ``done``)."""
    return await import_jobs.get_import(ctx, user, job_id)


class CandidateView(BaseModel):
    """One missing-person report proposed for a case, and the comparison behind it."""

    report_id: uuid.UUID
    report_number: str
    probability: float
    status: str
    fields: list[FieldComparison]


@router.get("/cases/{case_id}/candidates", response_model=list[CandidateView])
async def case_candidates(ctx: Ctx, user: CurrentUser, case_id: str, request: Request) -> list[CandidateView]:
    """Match the case's person now: the best reports (rejected pairs left out), field by field."""
    _, rows = await matching.candidates_for_case(ctx, user, case_id, client_address(request))
    return [CandidateView(**{k: r[k] for k in ("report_id", "report_number", "probability", "status",
                                                "fields")}) for r in rows]
