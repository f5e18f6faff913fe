"""The gate on the real stack: the password policy, lockout after repeated failures, idle and
absolute session timeouts, logout that kills the session (API and console), and changing a
password. Each test has its own user, so a lockout never touches the demo users."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import jwt
import pytest

from api.auth.gate import reset_password
from db.users_repo import insert_user_if_absent
from domain.enums import Role
from rescue.security import hash_password, password_problems
from support import DEMO_PASSWORD, Stack

PASSWORD = "Gate-Test-2026"


@pytest.fixture
async def db(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(stack.database_url)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def user(db: asyncpg.Connection) -> str:
    """A caseworker of the city station of its own, with the password ``PASSWORD``."""
    username = f"gate_{uuid.uuid4().hex[:8]}"
    await insert_user_if_absent(db, username=username, display_name="门禁测试", role=Role.CASEWORKER,
                                password_hash=hash_password(PASSWORD), node_id="city-station")
    return username


async def token_for(api: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return await api.post("/api/v1/auth/token", data={"username": username, "password": password})


def bearer(resp: httpx.Response) -> dict[str, str]:
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def session_id(headers: dict[str, str]) -> uuid.UUID:
    token = headers["Authorization"].removeprefix("Bearer ")
    return uuid.UUID(jwt.decode(token, options={"verify_signature": False})["sid"])


def test_the_password_policy() -> None:
    assert password_problems(DEMO_PASSWORD) == []  # the seeded demo password satisfies it
    assert password_problems("short1") == ["密码至少10位"]
    assert password_problems("onlyletters-here") == ["密码须同时包含字母和数字"]
    assert password_problems("1234567890") == ["密码须同时包含字母和数字"]
    assert "密码不能包含用户名" in password_problems("caseworker2026", username="caseworker")


async def test_lockout_after_five_failures(stack: Stack, api: httpx.AsyncClient, user: str,
                                          db: asyncpg.Connection) -> None:
    for left in (4, 3, 2, 1):
        resp = await token_for(api, user, "wrong-password-1")
        assert resp.status_code == 401
        body = resp.json()
        assert body["code"] == "invalid_credentials"
        assert body["message"] == f"用户名或密码错误（再输错{left}次，账号将锁定15分钟）"
    fifth = await token_for(api, user, "wrong-password-1")
    assert fifth.status_code == 423 and fifth.json()["code"] == "account_locked"
    assert "账号已被锁定" in fifth.json()["message"] and "15分钟" in fifth.json()["message"]
    # locked: even the right password is refused, without being checked
    right = await token_for(api, user)
    assert right.status_code == 423
    rows = await db.fetch("SELECT allowed, detail FROM audit_log WHERE username = $1 AND action = 'login'"
                          " ORDER BY audit_id", user)
    assert [r["detail"] for r in rows] == [
        "bad_password:1", "bad_password:2", "bad_password:3", "bad_password:4", "lockout", "locked"]
    assert not any(r["allowed"] for r in rows)
    # an unknown username is counted the same way, so a lockout says nothing about who exists
    ghost = f"ghost_{uuid.uuid4().hex[:6]}"
    for _ in range(5):
        last = await token_for(api, ghost, "whatever-123")
    assert last.status_code == 423
    # after the lockout time the right password works again and the count starts afresh
    # (failures are counted per username and client address: here 127.0.0.1)
    key = f"{user}@127.0.0.1"
    await db.execute("UPDATE login_throttle SET locked_until = now() - interval '1 second'"
                     " WHERE username = $1", key)
    bearer(await token_for(api, user))
    assert await db.fetchval("SELECT count(*) FROM login_throttle WHERE username = $1", key) == 0


async def test_the_console_says_the_account_is_locked(stack: Stack, user: str,
                                                      db: asyncpg.Connection) -> None:
    await db.execute("INSERT INTO login_throttle (username, failures, locked_until)"
                     " VALUES ($1, 0, now() + interval '10 minutes')", f"{user}@127.0.0.1")
    async with httpx.AsyncClient(base_url=stack.api_url) as browser:
        form = await browser.get("/console/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        resp = await browser.post("/console/login", data={"username": user, "password": PASSWORD,
                                                          "csrf_token": csrf, "next": "/console/"})
    assert resp.status_code == 423
    assert "账号已被锁定，请10分钟后再试" in resp.text
    assert "rescue_console=" not in resp.headers.get("set-cookie", "")


async def test_an_idle_session_expires(stack: Stack, api: httpx.AsyncClient, user: str,
                                       db: asyncpg.Connection) -> None:
    headers = bearer(await token_for(api, user))
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 200
    await db.execute("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'"
                     " WHERE session_id = $1", session_id(headers))
    resp = await api.get("/api/v1/auth/me", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["code"] == "session_expired"
    assert "30分钟没有操作" in resp.json()["message"]
    # every later use fails too, and each is on record (a stolen token would show here)
    assert (await api.get("/api/v1/tasks", headers=headers)).status_code == 401
    denied = await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'session_check'"
                               " AND subject = $1 AND NOT allowed", f"session:{session_id(headers)}")
    assert denied == 2


async def test_a_session_is_marked_used_at_most_once_a_minute(
        stack: Stack, api: httpx.AsyncClient, user: str, db: asyncpg.Connection) -> None:
    """A request writes its session's last use only when the recorded one is a minute old (a
    thirtieth of the 30-minute idle limit): most requests only read their session."""
    headers = bearer(await token_for(api, user))
    sid = session_id(headers)
    recent = await db.fetchval("UPDATE sessions SET last_seen_at = now() - interval '20 seconds'"
                               " WHERE session_id = $1 RETURNING last_seen_at", sid)
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert await db.fetchval("SELECT last_seen_at FROM sessions WHERE session_id = $1", sid) == recent
    stale = await db.fetchval("UPDATE sessions SET last_seen_at = now() - interval '2 minutes'"
                              " WHERE session_id = $1 RETURNING last_seen_at", sid)
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert await db.fetchval("SELECT last_seen_at FROM sessions WHERE session_id = $1", sid) > stale


async def test_a_session_ends_after_twelve_hours_however_busy(
        stack: Stack, api: httpx.AsyncClient, user: str, db: asyncpg.Connection) -> None:
    headers = bearer(await token_for(api, user))
    await db.execute("UPDATE sessions SET created_at = now() - interval '12 hours 1 minute'"
                     " WHERE session_id = $1", session_id(headers))
    resp = await api.get("/api/v1/auth/me", headers=headers)
    assert resp.status_code == 401 and "12小时" in resp.json()["message"]


async def test_logout_kills_the_token(stack: Stack, api: httpx.AsyncClient, user: str) -> None:
    headers = bearer(await token_for(api, user))
    other = bearer(await token_for(api, user))  # a second login (another device) lives on
    assert (await api.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    resp = await api.get("/api/v1/auth/me", headers=headers)
    assert resp.status_code == 401 and resp.json()["code"] == "session_revoked"
    assert (await api.get("/api/v1/auth/me", headers=other)).status_code == 200
    assert (await api.post("/api/v1/auth/logout")).status_code == 401


async def test_console_logout_kills_the_cookie_even_if_kept(stack: Stack, user: str) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url) as browser:
        form = await browser.get("/console/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        login = await browser.post("/console/login", data={"username": user, "password": PASSWORD,
                                                           "csrf_token": csrf, "next": "/console/"})
        assert login.status_code == 303
        stolen = browser.cookies.get("rescue_console")
        home = await browser.get("/console/")
        csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
        assert (await browser.post("/console/logout", data={"csrf_token": csrf})).status_code == 303
    async with httpx.AsyncClient(base_url=stack.api_url, cookies={"rescue_console": stolen or ""}) as thief:
        resp = await thief.get("/console/cases")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/console/login?next=/console/cases&notice=expired"


async def test_changing_the_password(stack: Stack, api: httpx.AsyncClient, user: str,
                                     db: asyncpg.Connection) -> None:
    mine = bearer(await token_for(api, user))
    elsewhere = bearer(await token_for(api, user))
    url = "/api/v1/auth/password"
    weak = await api.post(url, headers=mine, json={"current_password": PASSWORD, "new_password": "abc"})
    assert weak.status_code == 422 and weak.json()["code"] == "weak_password"
    assert weak.json()["details"]["new_password"] == ["密码至少10位", "密码须同时包含字母和数字"]
    wrong = await api.post(url, headers=mine, json={"current_password": "nope-12345", "new_password": "Better-Pass-77"})
    assert wrong.status_code == 403
    ok = await api.post(url, headers=mine, json={"current_password": PASSWORD, "new_password": "Better-Pass-77"})
    assert ok.status_code == 204
    assert (await api.get("/api/v1/auth/me", headers=mine)).status_code == 200  # this session stays
    assert (await api.get("/api/v1/auth/me", headers=elsewhere)).status_code == 401  # others end
    assert (await token_for(api, user)).status_code == 401
    bearer(await token_for(api, user, "Better-Pass-77"))
    # an administrator resets it from the command line (rescue set-password): the same policy
    assert await reset_password(db, stack.settings, username=user, new="tooshort") == [
        "密码至少10位", "密码须同时包含字母和数字"]
    assert await reset_password(db, stack.settings, username=user, new="Reset-Pass-2026") == []
    assert (await api.get("/api/v1/auth/me", headers=mine)).status_code == 401  # every session ends
    bearer(await token_for(api, user, "Reset-Pass-2026"))


def test_common_passwords_are_refused() -> None:
    common = "密码过于常见或容易猜到（如常用密码、键盘序列、年份），请换一个"
    for weak in ("Password2024", "Qwerty123456", "iloveyou2020", "Abcd12345678"):
        assert password_problems(weak) == [common], weak
    assert password_problems("Better-Pass-77") == []


async def test_a_recent_password_may_not_come_back(stack: Stack, api: httpx.AsyncClient, user: str,
                                                   db: asyncpg.Connection) -> None:
    recent = ["不能与最近使用过的5个密码相同"]

    async def change(current: str, new: str) -> httpx.Response:
        mine = bearer(await token_for(api, user, current))
        return await api.post("/api/v1/auth/password", headers=mine,
                              json={"current_password": current, "new_password": new})

    assert (await change(PASSWORD, "Harbour-Lamp-41")).status_code == 204
    for again in (PASSWORD, "Harbour-Lamp-41"):  # the one before, and the current one
        resp = await change("Harbour-Lamp-41", again)
        assert resp.status_code == 422 and resp.json()["details"]["new_password"] == recent
    assert (await change("Harbour-Lamp-41", "Willow-Kettle-52")).status_code == 204
    assert (await change("Willow-Kettle-52", PASSWORD)).json()["details"]["new_password"] == recent
    # the command line applies the same rule; only hashes are kept
    assert await reset_password(db, stack.settings, username=user, new=PASSWORD) == recent
    kept = await db.fetch("SELECT h.password_hash FROM password_history h JOIN users u USING (user_id)"
                          " WHERE u.username = $1", user)
    assert len(kept) == 2 and all(r["password_hash"].startswith("$argon2") for r in kept)


async def test_a_stranger_cannot_lock_a_worker_out(stack: Stack, api: httpx.AsyncClient, user: str) -> None:
    from api.app import create_app
    from api.context import AppContext
    from db.pool import create_pool

    pool = await create_pool(stack.database_url)
    try:
        app = create_app(stack.settings, context=AppContext(stack.settings, pool, stack.client))
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as stranger:
            codes = [(await token_for(stranger, user, "guess-12345")).status_code
                     for _ in range(stack.settings.login_max_failures)]
            assert codes[-1] == 423 and (await token_for(stranger, user)).status_code == 423
    finally:
        await pool.close()
    bearer(await token_for(api, user))  # the worker at their own desk logs in
