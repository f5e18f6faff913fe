"""The console's session: a cookie holding the bearer token, and CSRF tokens for its forms.

- The session cookie holds the JWT that ``gate.log_in`` issues (HttpOnly, SameSite=Lax,
  path /console, Secure over https). It names a server-side session: every request checks it
  exactly as the JSON API checks the bearer header (revoked, idle or too old: log in again).
- Every POST form carries ``csrf_token`` = HMAC-SHA256(jwt secret, "csrf:" + token): bound to
  this session, unguessable without the secret, and checked in constant time.
- The login form, before any session exists, uses a double-submit nonce: a random cookie,
  and in the form its HMAC; a cross-site page can neither read nor set that cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from api.auth.gate import SessionEnded, session_user
from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError
from db.users_repo import UserRecord
from db.worktable_repo import STATION_ROLES, pulse
from domain.enums import Role, label
from rescue.security import TokenClaims

SESSION_COOKIE = "rescue_console"
LOGIN_COOKIE = "rescue_console_login"
COOKIE_PATH = "/console"
HOME = "/console/"


@dataclass(frozen=True)
class Session:
    user: UserRecord
    token: str
    csrf: str
    claims: TokenClaims | None = None

    @property
    def role_label(self) -> str:
        return label(self.user.role)


class LoginRequired(Exception):
    """No live session: the console answers with a redirect to the login page (``expired``:
    there was one, and it timed out or was ended)."""

    def __init__(self, expired: bool = False):
        super().__init__("login required")
        self.expired = expired


def _mac(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_for(ctx: AppContext, token: str) -> str:
    return _mac(ctx.settings.resolved_jwt_secret(), "csrf", token)


def csrf_ok(ctx: AppContext, token: str, submitted: Any) -> bool:
    return isinstance(submitted, str) and hmac.compare_digest(csrf_for(ctx, token), submitted)


async def load_session(request: Request, ctx: AppContext, *, strict: bool = False) -> Session | None:
    """The live session of this request, or None (no cookie, or the session has ended). With
    ``strict``, an ended session raises :class:`LoginRequired` (expired) instead."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user, claims = await session_user(ctx, token, client_address(request))
    except SessionEnded:
        if strict:
            raise LoginRequired(expired=True) from None
        return None
    session = Session(user=user, token=token, csrf=csrf_for(ctx, token), claims=claims)
    request.state.console_session = session
    return session


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def start_session(request: Request, response: Response, ctx: AppContext, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(ctx.settings.session_absolute_minutes * 60),
                        path=COOKIE_PATH, httponly=True, samesite="lax", secure=_secure(request))
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)


def end_session(request: Request, response: Response) -> None:
    """Forget the cookie (the caller revokes the session on the server)."""
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax",
                           secure=_secure(request))


# --- the login form's double-submit nonce ---------------------------------------------------


def login_nonce(request: Request) -> str:
    """The nonce of the login form: the one the browser holds, else a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def remember_login_nonce(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path=COOKIE_PATH, httponly=True,
                        samesite="lax", secure=_secure(request))


def login_csrf_for(ctx: AppContext, nonce: str) -> str:
    return _mac(ctx.settings.resolved_jwt_secret(), "login", nonce)


def login_csrf_ok(request: Request, ctx: AppContext, submitted: Any) -> bool:
    nonce = request.cookies.get(LOGIN_COOKIE)
    return bool(nonce) and isinstance(submitted, str) and hmac.compare_digest(
        login_csrf_for(ctx, nonce or ""), submitted)


def safe_next(value: Any) -> str:
    """A console path to go back to after login; anything else (other sites, //host, control
    characters) becomes the dashboard."""
    if not isinstance(value, str) or not value.startswith(HOME) or value.startswith("//"):
        return HOME
    if any(ord(c) < 0x20 or c == "\\" for c in value) or value.startswith(HOME + "login"):
        return HOME
    return value


# --- dependencies of the console's routes ------------------------------------------------------


async def current_session(request: Request, ctx: Ctx) -> Session:
    session = await load_session(request, ctx, strict=True)
    if session is None:
        raise LoginRequired
    user = session.user
    async with ctx.pool.acquire() as conn:  # the header's count of new work, on every page
        request.state.pulse = await pulse(conn, node_id=user.node_id, role=user.role,
                                          station=user.role in STATION_ROLES,
                                          hotline=user.role == Role.HOTLINE_OPERATOR)
    return session


Sess = Annotated[Session, Depends(current_session)]


class FormFields(dict[str, str]):
    """A posted form's text fields (the last value of each name), and every value of a name
    sent more than once (ticked boxes of one group) through :meth:`getlist`."""

    def __init__(self, pairs: list[tuple[str, str]]):
        super().__init__(pairs)
        self._lists: dict[str, list[str]] = {}
        for key, value in pairs:
            self._lists.setdefault(key, []).append(value)

    def getlist(self, key: str) -> list[str]:
        return list(self._lists.get(key, []))


async def checked_form(request: Request, ctx: AppContext, session: Session) -> FormFields:
    """The posted form as text fields, after its CSRF token is checked (403 otherwise)."""
    form = await request.form()
    if not csrf_ok(ctx, session.token, form.get("csrf_token")):
        raise ApiError(403, "csrf_failed", "页面已过期或请求来源不明，已拒绝。请返回上一页，刷新后重新提交。")
    return FormFields([(k, v) for k, v in form.multi_items() if isinstance(v, str)])


NOTICES = {
    "submitted": "已提交",
    "action_done": "已办理，记录已写入个案",
    "reported": "发现报告已登记，个案已建立",
    "existing": "该发现报告已登记过，没有重复建案",
    "done": "该任务已经办结，无需再次提交",
    "closed": "该个案流程已结束，任务不能再办理",
    "logged_out": "您已退出登录",
    "expired": "登录已超时或已在别处退出，请重新登录",
    "password_changed": "密码已修改，其他设备上的登录已全部退出",
}


def notice_of(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))
