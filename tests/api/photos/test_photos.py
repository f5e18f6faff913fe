"""Admission photos on the real stack: upload through the API (multipart; size, type and
content checked with Chinese messages), encrypted at rest, shown only to the roles that may
see them, every upload and view audited, and a registration that cites the photo sends it with
the search by features."""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from PIL import Image

from rescue.photo_vault import PhotoUnreadable, PhotoVault, SealedPhoto
from support import Stack, complete, get_case, login, open_case, wait_for_task


def picture(fmt: str = "PNG", size: tuple[int, int] = (64, 80), colour: int = 90) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (colour, 120, 150)).save(out, format=fmt)
    return out.getvalue()


async def upload(api: httpx.AsyncClient, headers: dict[str, str], case_id: str, data: bytes,
                 content_type: str = "image/png", name: str = "photo.png") -> httpx.Response:
    return await api.post(f"/api/v1/cases/{case_id}/photos", headers=headers,
                          files={"file": (name, data, content_type)})


async def audit_rows(stack: Stack, case_id: str, actions: tuple[str, ...]) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return await conn.fetch(
            "SELECT username, action, allowed, detail FROM audit_log WHERE subject = $1 "
            "AND action = ANY($2::text[]) ORDER BY audit_id", f"case:{case_id}", list(actions))
    finally:
        await conn.close()


@pytest.fixture
async def case_id(api: httpx.AsyncClient) -> str:
    return await open_case(api, await login(api, "caseworker"), channel="walk_in")


async def test_a_photo_is_uploaded_once_viewed_by_staff_and_encrypted_at_rest(
        stack: Stack, api: httpx.AsyncClient, case_id: str) -> None:
    caseworker = await login(api, "caseworker")
    data = picture()
    first = await upload(api, caseworker, case_id, data)
    assert first.status_code == 201, first.text
    photo = first.json()
    assert (photo["content_type"], photo["size_bytes"], photo["width"], photo["height"]) == (
        "image/png", len(data), 64, 80)
    again = await upload(api, caseworker, case_id, data)  # the same picture: nothing new stored
    assert again.status_code == 200 and again.json()["photo_id"] == photo["photo_id"]
    assert again.json()["created"] is False
    listed = (await api.get(f"/api/v1/cases/{case_id}/photos", headers=caseworker)).json()
    assert [p["photo_id"] for p in listed] == [photo["photo_id"]]
    shown = await api.get(f"/api/v1/cases/{case_id}/photos/{photo['photo_id']}", headers=caseworker)
    assert shown.status_code == 200 and shown.content == data
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["cache-control"] == "no-store"
    station_head = await login(api, "station_head")
    assert (await api.get(f"/api/v1/cases/{case_id}/photos/{photo['photo_id']}",
                          headers=station_head)).content == data

    # In the database: ciphertext only, which opens with the settings' key and no other.
    conn = await asyncpg.connect(stack.database_url)
    try:
        row = await conn.fetchrow("SELECT * FROM case_photos WHERE photo_id = $1", uuid.UUID(photo["photo_id"]))
    finally:
        await conn.close()
    stored = bytes(row["ciphertext"])
    assert data not in stored and data[:16] not in stored and data[-32:] not in stored
    assert b"IHDR" not in stored and b"\x89PNG" not in stored
    assert row["digest"] != __import__("hashlib").sha256(data).hexdigest()  # no plain hash either
    sealed = SealedPhoto(key_id=row["key_id"], nonce=bytes(row["nonce"]), ciphertext=stored)
    vault = PhotoVault(stack.settings.resolved_photo_keys())
    assert vault.open(sealed, case_id=case_id, photo_id=photo["photo_id"]) == data
    with pytest.raises(PhotoUnreadable):
        PhotoVault([os.urandom(32)]).open(sealed, case_id=case_id, photo_id=photo["photo_id"])
    with pytest.raises(PhotoUnreadable):  # moved onto another case, it does not open
        vault.open(sealed, case_id=str(uuid.uuid4()), photo_id=photo["photo_id"])

    # Every upload and view is on record.
    rows = [(r["username"], r["action"], r["allowed"], r["detail"]) for r in
            await audit_rows(stack, case_id, ("upload_photo", "store_photo", "view_photo"))]
    assert rows[0][:3] == ("caseworker", "upload_photo", True)
    assert ("caseworker", "store_photo", True, f"photo:{photo['photo_id']} new image/png {len(data)}B") in rows
    assert ("caseworker", "store_photo", True, f"photo:{photo['photo_id']} repeat image/png {len(data)}B") in rows
    views = [r for r in rows if r[1] == "view_photo"]
    assert views == [("caseworker", "view_photo", True, f"photo:{photo['photo_id']}"),
                     ("station_head", "view_photo", True, f"photo:{photo['photo_id']}")]


async def test_only_roles_that_may_see_photos_get_them_and_every_refusal_is_recorded(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    # A child escorted by the police: the police work on the case and may see the photo.
    case_id = await open_case(api, caseworker, apparent_minor=True)
    await wait_for_task(api, police, case_id, "escort")
    photo = (await upload(api, caseworker, case_id, picture("JPEG"), "image/jpeg", "a.jpg")).json()
    address = f"/api/v1/cases/{case_id}/photos/{photo['photo_id']}"
    seen = await api.get(address, headers=police)
    assert seen.status_code == 200 and seen.headers["content-type"] == "image/jpeg"
    for username in ("bureau", "hotline", "transport", "finance"):
        headers = await login(api, username)
        for path in (address, f"/api/v1/cases/{case_id}/photos"):
            resp = await api.get(path, headers=headers)
            assert resp.status_code == 403, (username, resp.text)
            assert resp.json()["code"] == "photo_restricted"
            assert resp.json()["message"] == "照片属于敏感个人信息，您的岗位不可查看"
    # Uploads belong to the case's own station: not the police (403: they read the case), not
    # another station (404: outside its jurisdiction the case does not exist).
    for username, refused in (("police", 403), ("dh_caseworker", 404)):
        resp = await upload(api, await login(api, username), case_id, picture(colour=10))
        assert resp.status_code == refused, resp.text
    rows = [(r["username"], r["action"], r["allowed"]) for r in
            await audit_rows(stack, case_id, ("view_photo", "list_photos", "upload_photo"))]
    assert ("police", "view_photo", True) in rows
    for username in ("bureau", "hotline", "transport", "finance"):
        assert (username, "view_photo", False) in rows and (username, "list_photos", False) in rows
    assert ("police", "upload_photo", False) in rows and ("dh_caseworker", "upload_photo", False) in rows
    conn = await asyncpg.connect(stack.database_url)
    try:
        count = await conn.fetchval("SELECT count(*) FROM case_photos WHERE case_id = $1", uuid.UUID(case_id))
    finally:
        await conn.close()
    assert count == 1
    # The case itself stays readable for the bureau; only the picture is withheld.
    assert (await api.get(f"/api/v1/cases/{case_id}", headers=await login(api, "bureau"))).status_code == 200


@pytest.mark.parametrize(("body", "status", "code", "message"), [
    ({"data": b"not a picture at all", "content_type": "image/png"}, 415, "photo_type_unsupported",
     "只能上传 JPEG 或 PNG 格式的照片"),
    ({"data": picture("GIF"), "content_type": "image/gif", "name": "a.gif"}, 415,
     "photo_type_unsupported", "只能上传 JPEG 或 PNG 格式的照片"),
    ({"data": picture(), "content_type": "text/plain"}, 415, "photo_type_unsupported",
     "只能上传 JPEG 或 PNG 格式的照片"),
    ({"data": picture("JPEG", (400, 400))[:600], "content_type": "image/jpeg"}, 422,
     "photo_unreadable", "照片文件已损坏或不完整，无法识别，请重新拍摄后上传"),
    ({"data": b"", "content_type": "image/png"}, 422, "photo_empty", "照片文件是空的，请重新选择"),
    ({"data": b"\x89PNG\r\n\x1a\n" + os.urandom(5 * 1024 * 1024), "content_type": "image/png"}, 413,
     "photo_too_large", "照片不能超过5 MB，请压缩或重新拍摄后上传"),
])
async def test_a_bad_upload_is_refused_in_chinese_and_nothing_is_stored(
        stack: Stack, api: httpx.AsyncClient, case_id: str, body: dict[str, Any], status: int,
        code: str, message: str) -> None:
    caseworker = await login(api, "caseworker")
    resp = await upload(api, caseworker, case_id, body["data"], body["content_type"],
                        body.get("name", "photo.png"))
    assert resp.status_code == status, resp.text
    assert resp.json()["code"] == code and resp.json()["message"] == message
    assert (await api.get(f"/api/v1/cases/{case_id}/photos", headers=caseworker)).json() == []


async def test_an_upload_that_is_not_a_file_form_is_refused(api: httpx.AsyncClient, case_id: str) -> None:
    caseworker = await login(api, "caseworker")
    as_json = await api.post(f"/api/v1/cases/{case_id}/photos", json={"file": "x"}, headers=caseworker)
    assert as_json.status_code == 415 and as_json.json()["code"] == "photo_not_multipart"
    no_file = await api.post(f"/api/v1/cases/{case_id}/photos", data={"note": "照片"},
                             files={"other": ("a.png", picture(), "image/png")}, headers=caseworker)
    assert no_file.status_code == 422 and no_file.json()["code"] == "photo_missing"
    two = await api.post(f"/api/v1/cases/{case_id}/photos", headers=caseworker, files=[
        ("file", ("a.png", picture(), "image/png")), ("file", ("b.png", picture(colour=1), "image/png"))])
    assert two.status_code == 422 and two.json()["code"] == "photo_form_invalid"
    unknown = await api.get(f"/api/v1/cases/{case_id}/photos/{uuid.uuid4()}", headers=caseworker)
    assert unknown.status_code == 404 and unknown.json()["message"] == "找不到该照片"


async def test_the_registration_cites_the_photo_and_the_police_receive_its_reference(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 3600})
    other_case = await open_case(api, caseworker, channel="walk_in")
    foreign = (await upload(api, caseworker, other_case, picture(colour=3))).json()
    photo = (await upload(api, caseworker, case_id, picture(colour=4))).json()
    task = await wait_for_task(api, caseworker, case_id, "registration")
    person = {"person": {"sex": "female", "estimated_age": 40}}
    wrong = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=caseworker,
                           json={"payload": {**person, "photo_id": foreign["photo_id"]}})
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["details"] == [{"loc": ["photo_id"], "type": "photo",
                                        "msg": "所选照片不是本个案的入站照片，请先在本页上传照片再选择"}]
    await complete(api, caseworker, task, {**person, "photo_id": photo["photo_id"]})
    confirm = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    assert confirm["context"]["searched"] == ["特征比对（性别、年龄、发现地点、入站照片）"]
    assert confirm["context"]["search_result"] == (
        "比对了性别、年龄、发现地点，未比中；入站照片已送公安，公安系统未作人像比对")
    case = await get_case(api, caseworker, case_id)
    number = case["case_number"]
    taken = next(e for e in case["timeline"] if e["kind"] == "features_taken")
    assert taken["summary"] == "入站采集：拍摄入站照片；未采集指纹（按规定入站时应采集）"
    async with httpx.AsyncClient(headers={"X-Api-Key": stack.settings.agency_api_key}) as http:
        log = (await http.get(f"{stack.sim_url('police')}/population/feature-searches")).json()
    mine = [e for e in log if e["request_id"] == f"{number}:features:1"]
    assert len(mine) == 1 and mine[0]["photo_received"] is True
