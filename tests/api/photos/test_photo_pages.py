"""Admission photos in the console: uploaded from the registration task page (with the CSRF
token), chosen in the registration form, shown on the case page to station staff and withheld
from other roles, every picture served audited."""

from __future__ import annotations

import html
import io
import re

import asyncpg
import httpx
import pytest
from PIL import Image

from support import DEMO_PASSWORD, Stack, get_case, login, open_case, wait_for_task


@pytest.fixture
async def browser(stack: Stack):
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def console_as(client: httpx.AsyncClient, username: str) -> str:
    """Log in as a browser would; answers the session's CSRF token."""
    client.cookies.clear()
    form = await client.get("/console/login")
    resp = await client.post("/console/login", data={
        "username": username, "password": DEMO_PASSWORD, "next": "/console/",
        "csrf_token": hidden(form.text, "csrf_token")})
    assert resp.status_code == 303, resp.text
    return hidden((await client.get("/console/")).text, "csrf_token")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 120), (200, 180, 160)).save(out, format="JPEG")
    return out.getvalue()


async def test_the_caseworker_uploads_on_the_registration_page_and_registers_with_the_photo(
        stack: Stack, api: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    csrf = await console_as(browser, "caseworker")
    page = await browser.get(f"/console/tasks/{task['task_id']}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "入站照片" in words and "尚未上传照片" in words and "指纹编码" in words
    assert 'enctype="multipart/form-data"' in page.text

    # Without the page's token the upload is refused and nothing is stored.
    forged = await browser.post(f"/console/cases/{case_id}/photos", data={"csrf_token": "x"},
                                files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert forged.status_code == 403 and "已拒绝" in text_of(forged.text)
    # A file that is no picture comes back to the page with the reason.
    bad = await browser.post(f"/console/cases/{case_id}/photos",
                             data={"csrf_token": csrf, "next": f"/console/tasks/{task['task_id']}"},
                             files={"file": ("p.txt", b"hello", "text/plain")})
    assert bad.status_code == 303
    assert bad.headers["location"] == f"/console/tasks/{task['task_id']}?photo=photo_type_unsupported"
    shown = await browser.get(bad.headers["location"])
    assert "只能上传 JPEG 或 PNG 格式的照片" in text_of(shown.text)

    sent = await browser.post(f"/console/cases/{case_id}/photos",
                              data={"csrf_token": csrf, "next": f"/console/tasks/{task['task_id']}"},
                              files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?photo=uploaded")
    page = await browser.get(sent.headers["location"])
    assert "照片已上传（已加密保存）" in text_of(page.text)
    img = re.search(r'<img src="(/console/cases/[^"]+/photos/([0-9a-f-]+))"', page.text)
    assert img, page.text
    picture = await browser.get(img.group(1))
    assert picture.status_code == 200 and picture.content == jpeg()
    assert picture.headers["content-type"] == "image/jpeg"
    # The form offers the photo by when it was taken, chosen already.
    chosen = re.search(r'<option value="([0-9a-f-]+)" selected>(第1张（[^<]+上传）)</option>', page.text)
    assert chosen and chosen.group(1) == img.group(2), page.text

    done = await browser.post(f"/console/tasks/{task['task_id']}", data={
        "csrf_token": csrf, "person.sex": "male", "person.estimated_age": "50",
        "person.has_civil_capacity": "true", "photo_id": img.group(2),
        "fingerprints_taken": "true", "fingerprint_code": "FP-AAAA-BBBB-CCCC",
        "marks": "右耳缺损"})
    assert done.status_code == 303, text_of(done.text)
    confirm = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    assert confirm["context"]["searched"] == ["特征比对（指纹、性别、年龄、发现地点、入站照片、体貌特征）"]
    case = await get_case(api, caseworker, case_id)
    assert any(e["summary"] == "入站采集：采集指纹（指纹编码已录入）、拍摄入站照片、记录体貌特征"
               for e in case["timeline"])

    # The identity task page says, in Chinese, what was searched and what came back.
    page = await browser.get(f"/console/tasks/{confirm['task_id']}")
    words = text_of(page.text)
    for expected in ("本人未提供姓名和身份证号码，无法查询户籍，已按体貌特征请公安比对",
                     "已查询次数 1次", "最近一次查询结果", "未比中", "下次查询时间"):
        assert expected in words, expected
    assert "no_identifiers" not in words
    assert re.search(r"下次查询时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}", words), words  # local time, not ISO


async def test_the_case_page_shows_the_photo_to_staff_only(
        stack: Stack, api: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    resp = await api.post(f"/api/v1/cases/{case_id}/photos", headers=caseworker,
                          files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    photo_id = resp.json()["photo_id"]
    await console_as(browser, "station_head")
    page = await browser.get(f"/console/cases/{case_id}")
    assert f'/console/cases/{case_id}/photos/{photo_id}' in page.text
    assert "上传照片" in page.text  # the station's own staff may add one

    await console_as(browser, "bureau")
    page = await browser.get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    assert "（此项内容您的岗位不可查看）" in text_of(page.text)
    assert photo_id not in page.text and "上传照片" not in page.text
    direct = await browser.get(f"/console/cases/{case_id}/photos/{photo_id}")
    assert direct.status_code == 403 and "您的岗位不可查看" in text_of(direct.text)
    assert direct.headers["content-type"].startswith("text/html")
    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT username, action, allowed FROM audit_log WHERE subject = $1 "
                                "AND action IN ('view_photo', 'list_photos') ORDER BY audit_id",
                                f"case:{case_id}")
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [("station_head", "list_photos", True),
                                        ("bureau", "view_photo", False)]
