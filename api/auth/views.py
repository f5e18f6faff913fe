"""The console's gate: the login page (lockout messages included), logout that ends the
session on the server, and changing one's own password under the password policy."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import gate
from api.console.render import ConsoleRoute, page, see_other
from api.console.session import (
    SESSION_COOKIE,
    Sess,
    checked_form,
    end_session,
    load_session,
    login_csrf_for,
    login_csrf_ok,
    login_nonce,
    notice_of,
    remember_login_nonce,
    safe_next,
    start_session,
)
from api.context import AppContext
from api.deps import Ctx, client_address
from api.errors import ApiError

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def _login_page(request: Request, ctx: AppContext, *, next_: str, username: str = "",
                error: str | None = None, status: int = 200) -> Response:
    nonce = login_nonce(request)
    response = page(request, "auth/login.html", status=status, next=next_, username=username,
                    error=error, login_csrf=login_csrf_for(ctx, nonce), notice=notice_of(request))
    remember_login_nonce(request, response, nonce)
    return response


@router.get("/login")
async def login_form(request: Request, ctx: Ctx) -> Response:
    next_ = safe_next(request.query_params.get("next"))
    if await load_session(request, ctx) is not None:
        return see_other(next_)
    response = _login_page(request, ctx, next_=next_)
    if request.cookies.get(SESSION_COOKIE):
        end_session(request, response)  # an ended session's cookie: forget it
    return response


@router.post("/login")
async def login_submit(request: Request, ctx: Ctx) -> Response:
    form = await request.form()
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_ = safe_next(form.get("next"))
    if not login_csrf_ok(request, ctx, form.get("csrf_token")):
        return _login_page(request, ctx, next_=next_, username=username, status=403,
                           error="登录页面已过期，请重新输入用户名和密码")
    if not username or not password:
        return _login_page(request, ctx, next_=next_, username=username, status=422,
                           error="请输入用户名和密码")
    try:
        done = await gate.log_in(ctx, username, password, client_address(request), "console")
    except ApiError as exc:
        return _login_page(request, ctx, next_=next_, username=username,
                           status=exc.status if exc.status == 423 else 422, error=exc.message)
    response = see_other(next_)
    start_session(request, response, ctx, done.token)
    return response


@router.post("/logout")
async def logout(request: Request, ctx: Ctx, session: Sess) -> Response:
    """End the session on the server (the cookie alone would not be enough) and forget it."""
    await checked_form(request, ctx, session)
    if session.claims is not None:
        await gate.log_out(ctx, session.user, session.claims, client_address(request))
    response = see_other("/console/login?notice=logged_out")
    end_session(request, response)
    return response


@router.get("/password")
async def password_form(request: Request, ctx: Ctx, session: Sess) -> Response:
    return page(request, "auth/password.html", nav="password", errors={}, top=[],
                min_length=ctx.settings.password_min_length)


@router.post("/password")
async def password_submit(request: Request, ctx: Ctx, session: Sess) -> Response:
    data = await checked_form(request, ctx, session)
    current, new = data.get("current_password", ""), data.get("new_password", "")
    errors: dict[str, list[str]] = {}
    if not current:
        errors["current_password"] = ["必填"]
    if not new:
        errors["new_password"] = ["必填"]
    elif new != data.get("confirm_password", ""):
        errors["confirm_password"] = ["两次输入的新密码不一致"]
    if not errors and session.claims is not None:
        try:
            await gate.change_password(ctx, session.user, session.claims, current=current, new=new,
                                       client=client_address(request))
            return see_other("/console/?notice=password_changed")
        except ApiError as exc:
            if exc.code == "weak_password":
                errors["new_password"] = list(exc.details["new_password"])
            elif exc.code == "invalid_credentials":
                errors["current_password"] = [exc.message]
            else:
                raise
    return page(request, "auth/password.html", nav="password", errors=errors, top=[], status=422,
                min_length=ctx.settings.password_min_length)
