"""Admission photos of a case: sealed bytes in ``case_photos`` (the API seals and opens them;
this module never sees a picture in clear)."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from db.queries import sql


class PhotoRecord(BaseModel):
    """What is known of a photo without opening it."""

    photo_id: uuid.UUID
    case_id: uuid.UUID
    content_type: str
    size_bytes: int
    width: int
    height: int
    uploaded_by: uuid.UUID | None
    uploaded_at: datetime


class SealedPhotoRecord(PhotoRecord):
    key_id: str
    nonce: bytes
    ciphertext: bytes


async def insert_photo(
    conn: asyncpg.Connection, *, photo_id: uuid.UUID, case_id: uuid.UUID, content_type: str,
    size_bytes: int, width: int, height: int, digest: str, key_id: str, nonce: bytes,
    ciphertext: bytes, uploaded_by: uuid.UUID | None,
) -> tuple[PhotoRecord, bool]:
    """Store a sealed photo; the same picture again for the case answers the first one
    (and False: nothing new was stored)."""
    inserted = await conn.fetchval(
        sql("insert_photo"), photo_id, case_id, content_type, size_bytes, width, height, digest,
        key_id, nonce, ciphertext, uploaded_by)
    row = await conn.fetchrow(sql("get_photo_by_digest"), case_id, digest)
    assert row is not None
    return PhotoRecord(**dict(row)), inserted is not None


async def list_photos(conn: asyncpg.Connection, *, case_id: uuid.UUID) -> list[PhotoRecord]:
    """The case's photos, oldest first."""
    return [PhotoRecord(**dict(r)) for r in await conn.fetch(sql("list_photos"), case_id)]


async def get_sealed_photo(conn: asyncpg.Connection, *, case_id: uuid.UUID,
                           photo_id: uuid.UUID) -> SealedPhotoRecord | None:
    row = await conn.fetchrow(sql("get_photo_sealed"), case_id, photo_id)
    return SealedPhotoRecord(**dict(row)) if row else None


async def photo_exists(conn: asyncpg.Connection, *, case_id: uuid.UUID, photo_id: uuid.UUID) -> bool:
    return bool(await conn.fetchval(sql("photo_exists"), case_id, photo_id))
