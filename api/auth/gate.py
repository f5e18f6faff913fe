"""The gate: logging in (with lockout after repeated failures), server-side sessions with idle
and absolute timeouts, logout, and setting passwords under the password policy.

The JSON API's bearer token and the console's cookie are the same signed token; it names a
row in ``sessions``, and that row, checked on every request, decides whether it still works.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from api.audit.trail import audit
from api.context import AppContext
from api.errors import ApiError
from db import gate_repo as repo
from db.audit_repo import record_access
from db.users_repo import UserRecord, get_user_by_username
from rescue.security import (
    TokenClaims,
    hash_password,
    issue_token,
    password_problems,
    read_token,
    verify_password,
)
from rescue.settings import Settings


@dataclass(frozen=True)
class Login:
    """A successful login: the token to hand out and how long it can live at most."""

    token: str
    user: UserRecord
    expires_in: int


class SessionEnded(ApiError):
    """No live session behind the token (missing, invalid, revoked, idle or too old): 401."""

    def __init__(self, code: str, message: str):
        super().__init__(401, code, message, headers={"WWW-Authenticate": "Bearer"})


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _locked(settings: Settings, minutes: int) -> ApiError:
    return ApiError(423, "account_locked",
                    f"连续{settings.login_max_failures}次登录失败，账号已被锁定，请{minutes}分钟后再试，"
                    "或联系本单位管理员解锁")


async def _audit_login(conn: asyncpg.Connection, user: UserRecord | None, username: str,
                       allowed: bool, client: str | None, detail: str) -> None:
    if user is not None:
        await audit(conn, user, action="login", subject=f"user:{user.username}", allowed=allowed,
                    client=client, detail=detail)
    else:
        await record_access(conn, user_id=None, username=username, action="login",
                            subject=f"user:{username}", allowed=allowed, client=client, detail=detail)


def throttle_key(username: str, client: str | None) -> str:
    """Failed logins count per username *and* client address: a stranger who types a worker's
    name wrong five times locks only themselves out, not the worker at their desk. (Guessing
    from many addresses is slowed by argon2 and the password policy; a proxy in front must
    pass the real client address.)"""
    return f"{username}@{client or '-'}"


async def _new_password_problems(conn: asyncpg.Connection, s: Settings, user_id: uuid.UUID,
                                 username: str, new: str) -> list[str]:
    """The policy's problems with a new password, and whether it is a recent one."""
    problems = password_problems(new, min_length=s.password_min_length, username=username)
    if not problems:
        recent = await repo.recent_password_hashes(conn, user_id=user_id, keep=s.password_history)
        if any(verify_password(h, new) for h in recent):
            problems.append(f"不能与最近使用过的{s.password_history}个密码相同")
    return problems


async def log_in(ctx: AppContext, username: str, password: str, client: str | None,
                 kind: str) -> Login:
    """Check a password and open a session (``kind``: console or api). A locked username is
    refused without looking at the password; each failure counts towards the lockout."""
    s = ctx.settings
    async with ctx.pool.acquire() as conn:
        user = await get_user_by_username(conn, username=username)
        key = throttle_key(username, client)
        lock = await repo.locked_until(conn, username=key)
        if lock is not None:
            await _audit_login(conn, user, username, False, client, "locked")
            raise _locked(s, _minutes(*lock))
        ok = verify_password(user.password_hash if user else None, password) and bool(user and user.active)
        if not ok or user is None:
            failures, locked = await repo.record_failure(
                conn, username=key, max_failures=s.login_max_failures,
                lockout_seconds=s.login_lockout_minutes * 60)
            await _audit_login(conn, user, username, False, client,
                               "lockout" if locked else f"bad_password:{failures}")
            if locked is not None:
                raise _locked(s, math.ceil(s.login_lockout_minutes))
            left = s.login_max_failures - failures
            raise ApiError(401, "invalid_credentials",
                           f"用户名或密码错误（再输错{left}次，账号将锁定{math.ceil(s.login_lockout_minutes)}分钟）",
                           headers={"WWW-Authenticate": "Bearer"})
        await repo.clear_failures(conn, username=key)
        session_id = await repo.open_session(conn, user_id=user.user_id, kind=kind, client=client)
        await _audit_login(conn, user, username, True, client, f"session:{kind}")
    ttl = timedelta(minutes=s.session_absolute_minutes)
    token = issue_token(user_id=str(user.user_id), session_id=str(session_id),
                        secret=s.resolved_jwt_secret(), ttl=ttl)
    return Login(token=token, user=user, expires_in=int(ttl.total_seconds()))


def touch_every(s: Settings) -> float:
    """How stale a session's recorded last use may get before a request writes it again: a
    thirtieth of the idle limit, at most a minute (30 min idle: the session may end up to a
    minute early). Most requests then only read their session, and a read commits without
    waiting for the disk."""
    return min(60.0, s.session_idle_minutes * 60 / 30)


async def session_user(ctx: AppContext, token: str | None, client: str | None) -> tuple[UserRecord, TokenClaims]:
    """The user of a live session, marking it used now; :class:`SessionEnded` otherwise (an
    ended session that is still presented is audited: it may be a stolen token)."""
    claims = read_token(token, secret=ctx.settings.resolved_jwt_secret()) if token else None
    if claims is None:
        raise SessionEnded("unauthorized", "请先登录（缺少或无效的访问令牌）")
    try:
        sid, uid = uuid.UUID(claims.session_id), uuid.UUID(claims.user_id)
    except ValueError:
        raise SessionEnded("unauthorized", "请先登录（缺少或无效的访问令牌）") from None
    s = ctx.settings
    async with ctx.pool.acquire() as conn:
        user = await repo.touch_session(conn, session_id=sid, user_id=uid,
                                        idle_seconds=s.session_idle_minutes * 60,
                                        absolute_seconds=s.session_absolute_minutes * 60,
                                        touch_every_seconds=touch_every(s))
        if user is not None and user.active:
            return user, claims
        ended = await _why_ended(conn, s, sid, user)
        await record_access(conn, user_id=uid, username=None, action="session_check",
                            subject=f"session:{sid}", allowed=False, client=client,
                            detail=ended.code)
    raise ended


async def _why_ended(conn: asyncpg.Connection, s: Settings, sid: uuid.UUID,
                     user: UserRecord | None) -> SessionEnded:
    row = await repo.get_session(conn, session_id=sid)
    if row is None or (user is not None and not user.active):
        return SessionEnded("unauthorized", "请先登录（缺少或无效的访问令牌）")
    if row.revoked_at is not None:
        return SessionEnded("session_revoked", "您已退出登录或登录已被注销，请重新登录")
    if row.db_now - row.created_at >= timedelta(minutes=s.session_absolute_minutes):
        hours = s.session_absolute_minutes / 60
        return SessionEnded("session_expired", f"登录已超过{hours:g}小时，为安全起见请重新登录")
    return SessionEnded("session_expired",
                        f"超过{s.session_idle_minutes:g}分钟没有操作，登录已失效，请重新登录")


async def log_out(ctx: AppContext, user: UserRecord, claims: TokenClaims, client: str | None) -> None:
    """End this session: its token and cookie stop working at once."""
    async with ctx.pool.acquire() as conn:
        await repo.revoke_session(conn, session_id=uuid.UUID(claims.session_id))
        await audit(conn, user, action="logout", subject=f"session:{claims.session_id}",
                    allowed=True, client=client)


def _weak(problems: list[str]) -> ApiError:
    return ApiError(422, "weak_password", "新密码不符合要求：" + "；".join(problems),
                    {"new_password": problems})


async def change_password(ctx: AppContext, user: UserRecord, claims: TokenClaims, *, current: str,
                          new: str, client: str | None) -> None:
    """The user changes their own password: the current one is checked (a wrong one counts
    towards the lockout), the new one must satisfy the policy; other sessions end."""
    s = ctx.settings
    async with ctx.pool.acquire() as conn:
        if not verify_password(user.password_hash, current):
            _, locked = await repo.record_failure(conn, username=throttle_key(user.username, client),
                                                  max_failures=s.login_max_failures,
                                                  lockout_seconds=s.login_lockout_minutes * 60)
            await audit(conn, user, action="change_password", subject=f"user:{user.username}",
                        allowed=False, client=client, detail="lockout" if locked else "bad_password")
            raise ApiError(403, "invalid_credentials", "当前密码不正确")
        problems = await _new_password_problems(conn, s, user.user_id, user.username, new)
        if problems:
            raise _weak(problems)
        async with conn.transaction():
            await repo.remember_password_hash(conn, user_id=user.user_id, keep=s.password_history)
            await repo.set_password_hash(conn, user_id=user.user_id, password_hash=hash_password(new))
            await repo.revoke_user_sessions(conn, user_id=user.user_id,
                                            keep=uuid.UUID(claims.session_id))
            await audit(conn, user, action="change_password", subject=f"user:{user.username}",
                        allowed=True, client=client)


async def reset_password(conn: asyncpg.Connection, settings: Settings, *, username: str,
                         new: str) -> list[str]:
    """An administrator sets a user's password (``rescue set-password``): policy problems, or
    [] when set; every session of the user ends and a lockout is lifted."""
    user = await get_user_by_username(conn, username=username)
    if user is None:
        return [f"没有用户 {username}"]
    problems = await _new_password_problems(conn, settings, user.user_id, username, new)
    if problems:
        return problems
    async with conn.transaction():
        await repo.remember_password_hash(conn, user_id=user.user_id, keep=settings.password_history)
        await repo.set_password_hash(conn, user_id=user.user_id, password_hash=hash_password(new))
        await repo.revoke_user_sessions(conn, user_id=user.user_id)
        await repo.clear_failures(conn, username=username)
        await record_access(conn, user_id=None, username="cli:set-password", action="reset_password",
                            subject=f"user:{username}", allowed=True, client="cli")
    return []
