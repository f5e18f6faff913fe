"""Rendering console pages: the Jinja2 templates, China-time formatting, the security headers,
and the route class that turns every failure into a Chinese page (never a bare 500)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth.access import (
    AGENCY_DESKS,
    NO_CASES,
    READS_AUDIT,
    READS_FINANCE,
    READS_HISTORY,
    READS_OPERATIONS,
    REPORTS_CASES,
    SEES_FIGURES,
)
from api.console.forms import CHINA_TZ
from api.console.session import LoginRequired, Session
from api.errors import ApiError, database_unavailable, database_unavailable_error
from domain.enums import Role, Stage, label

log = logging.getLogger("rescue.console")

API_DIR = Path(__file__).resolve().parent.parent


def _feature_templates() -> dict[str, FileSystemLoader]:
    """Each feature folder of ``api/`` that has templates, by the folder's name: a feature's
    pages are ``<feature>/<name>.html`` and may extend the frame's ``base.html``."""
    return {d.name: FileSystemLoader(d / "templates") for d in sorted(API_DIR.iterdir())
            if d.is_dir() and d.name != "console" and (d / "templates").is_dir()}


_env = Environment(
    loader=ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"),
                         PrefixLoader(_feature_templates())]),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def cn_time(value: datetime | str | None, seconds: bool = False) -> str:
    """A moment in China time, like 2026-11-28 18:30 (with seconds: 18:30:05)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    shape = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    if value.tzinfo is None:
        return value.strftime(shape)
    return value.astimezone(CHINA_TZ).strftime(shape)


def _label(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return label(value) if isinstance(value, StrEnum) else str(value)


def agency_label(code: str | None) -> str:
    """The Chinese name of an agency code in the timeline (police, transport, hospital)."""
    if not code:
        return ""
    try:
        return label(Role(code))
    except ValueError:
        return code


def yuan(fen: int | None) -> str:
    """Integer fen as yuan with two decimals and thousands separators: 123450 -> 1,234.50."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def stage_label(value: str | None) -> str:
    """The Chinese name of a stage stored as text (read model rows)."""
    if value in Stage._value2member_map_:
        return label(Stage(value))
    return value or "—"


_env.filters.update(cn_time=cn_time, label=_label, agency=agency_label, money=yuan,
                    stage_label=stage_label)


FAMILY_SEARCH = frozenset({Role.HOTLINE_OPERATOR, Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE,
                           Role.BUREAU_LEADER})
"""Who opens the family-search pages (api/missing)."""


def nav_items(role: Role | None) -> list[tuple[str, str, str]]:
    """The pages a role may open, as (key, address, label), besides the dashboard, the case
    list and the report form (every page checks again on the server)."""
    if role is None:
        return []
    items = []
    if role in AGENCY_DESKS:
        items.append(("desk", f"/console/{AGENCY_DESKS[role]}", "本单位业务"))
    if role in READS_FINANCE:
        items.append(("finance", "/console/finance", "救治资金"))
    if role in SEES_FIGURES or role in READS_FINANCE:
        items.append(("charts", "/console/charts", "统计图表"))
    if role in FAMILY_SEARCH:
        items.append(("missing", "/console/missing", "寻人登记"))
    if role in READS_OPERATIONS:
        items.append(("operator", "/console/operator", "运行监控"))
    if role in READS_AUDIT:
        items.append(("audit", "/console/audit", "访问审计"))
    return items

_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; script-src 'self'; "
                                "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                "base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # personal data: nothing kept on a shared phone
}


def page(request: Request, template: str, *, status: int = 200,
         session: Session | None = None, **context: Any) -> HTMLResponse:
    """Render a page; the header shows the session's user when there is one."""
    session = session or getattr(request.state, "console_session", None)
    user = session.user if session else None
    html = _env.get_template(template).render(
        request=request, session=session, user=user, csrf=session.csrf if session else "",
        role_label=session.role_label if session else "",
        can_report=bool(user and user.role in REPORTS_CASES),
        reads_history=bool(user and user.role in READS_HISTORY),
        lists_cases=bool(user and user.role not in NO_CASES),
        nav_items=nav_items(user.role if user else None),
        pulse=getattr(request.state, "pulse", None) if user else None,
        search_q=request.query_params.get("q", "")[:50] if request.url.path == "/console/search" else "",
        **context,
    )
    return HTMLResponse(html, status_code=status)


_TITLES = {
    400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "找不到页面", 405: "找不到页面",
    423: "账号已锁定",
    409: "无法办理", 422: "填写有误", 503: "服务暂时不可用", 500: "系统内部错误",
}


def error_page(request: Request, status: int, message: str, *, retry: bool = False) -> HTMLResponse:
    title = _TITLES.get(status, "出错了")
    return page(request, "error.html", status=status, title=title, message=message, retry=retry,
                code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def login_redirect(request: Request, *, expired: bool = False) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/console/"
    notice = "&notice=expired" if expired else ""
    return see_other(f"/console/login?next={quote(target, safe='/')}{notice}")


class ConsoleRoute(APIRoute):
    """Every console route answers HTML: a redirect to the login page without a session,
    a Chinese error page for any error, and the security headers on everything."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def console_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired as exc:
                response = login_redirect(request, expired=exc.expired)
            except ApiError as exc:
                response = error_page(request, exc.status, exc.message,
                                      retry=exc.status == 503)
                response.headers.update(exc.headers or {})
            except RequestValidationError:
                response = error_page(request, 404, "地址有误，找不到该页面")
            except StarletteHTTPException as exc:
                response = error_page(request, exc.status_code,
                                      "找不到该页面" if exc.status_code == 404 else str(exc.detail))
            except Exception as exc:
                if database_unavailable(exc):  # PostgreSQL down: 503 with a retry hint
                    db_down = database_unavailable_error()
                    response = error_page(request, 503, db_down.message, retry=True)
                    response.headers.update(db_down.headers or {})
                else:
                    log.exception("console page failed: %s %s", request.method, request.url.path)
                    response = error_page(request, 500, "系统内部错误，已记录。请稍后重试，或联系运维值班。")
            for name, value in _HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return console_handler
