"""Admission photos (入站照片) of a case, shared by the JSON API and the console: upload
(multipart, size and type checked, sealed before it is stored), list and view. Only the case's
own station uploads; only the roles that see biometric data (``access``) get a picture; every
decision and every stored photo leaves a line in the audit log.

Storage: PostgreSQL ``bytea`` (``case_photos``), sealed with AES-256-GCM by
``rescue/photo_vault.py``. PostgreSQL rather than files under the data dir because it already
owns the case records (a backup holds the photo with its case, a deleted case cannot leave a
stray file behind) and every API process reaches it, where a data dir is one machine's disk.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi import Request
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.audit.trail import audit, deny_unless
from api.auth.access import may_see_photos
from api.cases.access import load_case_for, parse_uuid
from api.context import AppContext
from api.errors import ApiError
from db.photos_repo import PhotoRecord, get_sealed_photo, insert_photo, list_photos, photo_exists
from db.users_repo import UserRecord
from rescue.photo_vault import PhotoUnreadable, SealedPhoto

log = logging.getLogger("api.photos")

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
"""Pillow's name of each accepted format → the type the photo is served with."""
_DECLARED_OK = {"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "application/octet-stream"}
_MULTIPART_OVERHEAD = 64 * 1024
"""Room for the form's boundaries and its few text fields around the file."""
MAX_PIXELS = 40_000_000
"""Larger pictures are refused before they are decoded (a "decompression bomb")."""
RESTRICTED = "照片属于敏感个人信息，您的岗位不可查看"


class PhotoInfo(BaseModel):
    """A photo as the API describes it (never its bytes)."""

    photo_id: str
    case_id: str
    content_type: str
    size_bytes: int
    width: int
    height: int
    uploaded_at: datetime


class PhotoUpload(PhotoInfo):
    created: bool
    """False when the case already had this very picture (nothing new was stored)."""


def info(record: PhotoRecord) -> PhotoInfo:
    return PhotoInfo(photo_id=str(record.photo_id), case_id=str(record.case_id),
                     content_type=record.content_type, size_bytes=record.size_bytes,
                     width=record.width, height=record.height, uploaded_at=record.uploaded_at)


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "photo_too_large",
                    f"照片不能超过{max_bytes / 1024 / 1024:.0f} MB，请压缩或重新拍摄后上传",
                    {"max_bytes": max_bytes})


async def read_upload(request: Request, max_bytes: int) -> tuple[dict[str, str], bytes, str | None]:
    """The multipart form of an upload, read with a ceiling (a body past it is refused before
    it is parsed): its text fields, the bytes of its ``file`` and the type the sender declared."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "photo_not_multipart",
                       "请以 multipart/form-data 表单上传照片（文件字段名为 file）")
    limit = max_bytes + _MULTIPART_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(max_bytes)

    async def whole() -> AsyncIterator[bytes]:
        yield bytes(body)

    try:
        form = await MultiPartParser(request.headers, whole(), max_files=1, max_fields=10).parse()
    except MultiPartException:
        raise ApiError(422, "photo_form_invalid",
                       "上传内容无法识别：请只选择一张照片，用表单的 file 字段上传") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "photo_missing", "没有收到照片：请选择要上传的照片（文件字段名为 file）")
        data = await upload.read()
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        return fields, data, upload.content_type
    finally:
        await form.close()


def check_image(data: bytes, declared: str | None, max_bytes: int) -> tuple[str, int, int]:
    """(content type, width, height) of an acceptable photo; 413, 415 or 422 otherwise."""
    if not data:
        raise ApiError(422, "photo_empty", "照片文件是空的，请重新选择")
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    kind = (declared or "").split(";")[0].strip().lower()
    is_jpeg, is_png = data[:3] == b"\xff\xd8\xff", data[:8] == b"\x89PNG\r\n\x1a\n"
    if (kind and kind not in _DECLARED_OK) or not (is_jpeg or is_png):
        raise ApiError(415, "photo_type_unsupported", "只能上传 JPEG 或 PNG 格式的照片",
                       {"accepted": sorted(FORMATS.values())})
    unreadable = ApiError(422, "photo_unreadable", "照片文件已损坏或不完整，无法识别，请重新拍摄后上传")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt, (width, height) = probe.format, probe.size
                probe.verify()
            if fmt not in FORMATS or fmt != ("JPEG" if is_jpeg else "PNG"):
                raise unreadable
            if width * height > MAX_PIXELS:
                raise ApiError(422, "photo_too_many_pixels",
                               f"照片像素过多（{width}×{height}），请缩小到4000万像素以内后上传")
            with Image.open(io.BytesIO(data)) as full:
                full.load()  # a truncated JPEG shows itself only when decoded
    except ApiError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise unreadable from None
    return FORMATS[fmt], width, height


async def upload_photo(ctx: AppContext, user: UserRecord, case_id: str, data: bytes,
                       declared: str | None, client: str | None) -> PhotoUpload:
    """Store an admission photo of the case (its own station's staff only), sealed; the same
    picture again answers the photo already stored."""
    max_bytes = ctx.settings.photo_max_bytes
    async with ctx.pool.acquire() as conn:
        report, _ = await load_case_for(conn, user=user, case_id=case_id, action="upload_photo",
                                        client=client, write=True)
    content_type, width, height = check_image(data, declared, max_bytes)
    vault = ctx.photo_vault
    cid = str(report.case_id)
    photo_id = uuid.uuid4()
    sealed = vault.seal(data, case_id=cid, photo_id=str(photo_id))
    async with ctx.pool.acquire() as conn, conn.transaction():
        record, created = await insert_photo(
            conn, photo_id=photo_id, case_id=report.case_id, content_type=content_type,
            size_bytes=len(data), width=width, height=height,
            digest=vault.digest(data, case_id=cid), key_id=sealed.key_id, nonce=sealed.nonce,
            ciphertext=sealed.ciphertext, uploaded_by=user.user_id)
        await audit(conn, user, action="store_photo", subject=f"case:{cid}", allowed=True,
                    client=client, detail=f"photo:{record.photo_id} {'new' if created else 'repeat'} "
                                          f"{content_type} {len(data)}B")
    return PhotoUpload(**info(record).model_dump(), created=created)


async def _readable(ctx: AppContext, user: UserRecord, case_id: str, action: str,
                    client: str | None, detail: str | None = None) -> uuid.UUID:
    async with ctx.pool.acquire() as conn:
        await deny_unless(conn, user, may_see_photos(user), action=action,
                          subject=f"case:{case_id}"[:80], client=client, message=RESTRICTED,
                          code="photo_restricted")
        report, _ = await load_case_for(conn, user=user, case_id=case_id, action=action,
                                        client=client, detail=detail)
    return report.case_id


async def case_photos(ctx: AppContext, user: UserRecord, case_id: str,
                      client: str | None) -> list[PhotoInfo]:
    """The case's photos, oldest first (roles that see biometric data only)."""
    cid = await _readable(ctx, user, case_id, "list_photos", client)
    async with ctx.pool.acquire() as conn:
        return [info(r) for r in await list_photos(conn, case_id=cid)]


async def view_photo(ctx: AppContext, user: UserRecord, case_id: str, photo_id: str,
                     client: str | None) -> tuple[bytes, str]:
    """The picture in clear and its type (roles that see biometric data only; audited)."""
    pid = parse_uuid(photo_id, "photo")
    cid = await _readable(ctx, user, case_id, "view_photo", client, detail=f"photo:{pid}")
    async with ctx.pool.acquire() as conn:
        record = await get_sealed_photo(conn, case_id=cid, photo_id=pid)
    if record is None:
        raise ApiError(404, "photo_not_found", "找不到该照片")
    try:
        data = ctx.photo_vault.open(
            SealedPhoto(key_id=record.key_id, nonce=record.nonce, ciphertext=record.ciphertext),
            case_id=str(cid), photo_id=str(pid))
    except PhotoUnreadable:
        log.error("photo %s of case %s cannot be opened with the configured keys", pid, cid)
        raise ApiError(503, "photo_key_unavailable",
                       "照片暂时无法读取（照片密钥不可用），请联系运维检查密钥配置") from None
    return data, record.content_type


async def photo_of_case(ctx: AppContext, case_id: uuid.UUID, photo_id: str) -> bool:
    """Whether the photo id names a photo of this case (a registration may only cite those)."""
    try:
        pid = uuid.UUID(photo_id)
    except ValueError:
        return False
    async with ctx.pool.acquire() as conn:
        return await photo_exists(conn, case_id=case_id, photo_id=pid)
