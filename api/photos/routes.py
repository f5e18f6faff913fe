"""Admission photos over JSON: upload (multipart), list, and the picture itself."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import Ctx, CurrentUser, client_address
from api.photos import service
from api.photos.service import PhotoInfo, PhotoUpload

router = APIRouter(prefix="/api/v1/cases", tags=["photos"])

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": "入站照片：JPEG 或 PNG，不超过 RESCUE_PHOTO_MAX_BYTES（默认5 MB）"}},
        }}},
    },
}


@router.post("/{case_id}/photos", response_model=PhotoUpload, status_code=201,
             openapi_extra=_UPLOAD_BODY,
             responses={200: {"description": "同一张照片已上传过（未重复保存）"},
                        413: {"description": "照片过大"}, 415: {"description": "不是 JPEG 或 PNG"},
                        422: {"description": "没有文件、文件为空或已损坏"}})
async def upload_photo(ctx: Ctx, user: CurrentUser, case_id: str, request: Request,
                       response: Response) -> PhotoUpload:
    """Upload the admission photo (入站照片) of a case: multipart field ``file``, JPEG or
    PNG. The case's own station only; stored encrypted; the same picture again answers 200
    with the photo already stored."""
    _, data, declared = await service.read_upload(request, ctx.settings.photo_max_bytes)
    result = await service.upload_photo(ctx, user, case_id, data, declared, client_address(request))
    if not result.created:
        response.status_code = 200
    return result


@router.get("/{case_id}/photos", response_model=list[PhotoInfo])
async def list_photos(ctx: Ctx, user: CurrentUser, case_id: str, request: Request) -> list[PhotoInfo]:
    """The case's photos, oldest first: station staff and police only (403 ``photo_restricted``
    for every other role)."""
    return await service.case_photos(ctx, user, case_id, client_address(request))


@router.get("/{case_id}/photos/{photo_id}", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}},
                             "description": "照片（仅救助站工作人员、站长和公安可查看）"}})
async def get_photo(ctx: Ctx, user: CurrentUser, case_id: str, photo_id: str,
                    request: Request) -> Response:
    """The picture (audited); 403 ``photo_restricted`` for roles that may not see it."""
    data, content_type = await service.view_photo(ctx, user, case_id, photo_id,
                                                  client_address(request))
    return photo_response(data, content_type)


def photo_response(data: bytes, content_type: str) -> Response:
    """The picture, kept by no cache and never guessed as another type."""
    return Response(content=data, media_type=content_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline"})
