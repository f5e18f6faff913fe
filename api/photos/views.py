"""Admission photos in the console: the photo panel of the case page and the registration
task page (the pictures for roles that may see them, an upload form for the case's station),
the picture itself for ``<img>``, and the upload (multipart, with the CSRF token)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi import APIRouter, Request, Response

from api.auth.access import may_act_on_case, may_see_photos
from api.console.render import ConsoleRoute, see_other
from api.console.session import Sess, csrf_ok
from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.photos import service
from api.photos.routes import photo_response
from api.photos.service import PhotoInfo
from db.users_repo import UserRecord

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_NEXT = re.compile(r"^/console/(cases|tasks)/[0-9a-f-]{36}$")
_MESSAGES = {
    "uploaded": "照片已上传（已加密保存）",
    "repeat": "这张照片已经上传过，没有重复保存",
    "photo_empty": "照片文件是空的，请重新选择",
    "photo_missing": "没有收到照片，请先选择照片文件",
    "photo_type_unsupported": "只能上传 JPEG 或 PNG 格式的照片",
    "photo_unreadable": "照片文件已损坏或不完整，无法识别，请重新拍摄后上传",
    "photo_too_many_pixels": "照片像素过多，请缩小后上传",
    "photo_form_invalid": "上传内容无法识别，请只选择一张照片",
    "photo_not_multipart": "上传内容无法识别，请只选择一张照片",
}


@dataclass
class PhotoPanel:
    """What the photo panel of a page shows to this user."""

    case_id: str
    visible: bool
    can_upload: bool
    next_url: str
    max_mb: int
    photos: list[PhotoInfo] = field(default_factory=list)
    message: str | None = None
    error: bool = False


async def photo_panel(ctx: AppContext, request: Request, user: UserRecord, *, case_id: str,
                      station_node_id: str, next_url: str) -> PhotoPanel:
    """The panel: pictures only for roles that see biometric data (listing them is audited)."""
    visible = may_see_photos(user)
    max_mb = max(ctx.settings.photo_max_bytes // (1024 * 1024), 1)
    panel = PhotoPanel(case_id=case_id, visible=visible, next_url=next_url, max_mb=max_mb,
                       can_upload=visible and may_act_on_case(user, station_node_id=station_node_id))
    if visible:
        panel.photos = await service.case_photos(ctx, user, case_id, client_address(request))
    code = request.query_params.get("photo", "")
    if code == "photo_too_large":
        panel.message, panel.error = f"照片不能超过{max_mb} MB，请压缩或重新拍摄后上传", True
    elif code in _MESSAGES:
        panel.message, panel.error = _MESSAGES[code], code.startswith("photo_")
    return panel


@router.get("/cases/{case_id}/photos/{photo_id}")
async def photo_image(case_id: str, photo_id: str, request: Request, ctx: Ctx,
                      session: Sess) -> Response:
    """The picture for the page's ``<img>`` (the same checks and audit as the API)."""
    data, content_type = await service.view_photo(ctx, session.user, case_id, photo_id,
                                                  client_address(request))
    return photo_response(data, content_type)


@router.post("/cases/{case_id}/photos")
async def photo_upload(case_id: str, request: Request, ctx: Ctx, session: Sess) -> Response:
    """Upload from the panel, then back to the page it was on with what happened."""
    back = f"/console/cases/{case_id}"
    try:
        fields, data, declared = await service.read_upload(request, ctx.settings.photo_max_bytes)
    except ApiError as exc:
        return see_other(f"{back}?photo={exc.code}")
    if not csrf_ok(ctx, session.token, fields.get("csrf_token")):
        raise ApiError(403, "csrf_failed", "页面已过期或请求来源不明，已拒绝。请返回上一页，刷新后重新提交。")
    wanted = fields.get("next", "")
    if _NEXT.fullmatch(wanted):
        back = wanted
    try:
        result = await service.upload_photo(ctx, session.user, case_id, data, declared,
                                            client_address(request))
    except ApiError as exc:
        if exc.status in (401, 403, 404, 503):
            raise
        return see_other(f"{back}?photo={exc.code}")
    return see_other(f"{back}?photo={'uploaded' if result.created else 'repeat'}")
