"""The Temporal UI behind the console's login: an authenticating reverse proxy.

The dev server's UI listens on loopback under ``/console/temporal`` (``--ui-public-path``) and
calls the codec at ``/console/codec`` on this same origin, so the browser sends the console's
session cookie with both. Here every request is checked first: no session → the login page;
a role other than the operator → 403 (audited); the operator's requests go to the UI with the
console's own cookies taken out (the UI's CSRF cookie stays). Why a proxy rather than the
UI's ``includeCredentials`` to a codec on another origin: the UI's own pages (workflow lists,
histories, the buttons that signal and terminate) would otherwise stay open to anyone who
reaches its port.

Read-only: the UI's writes (signal, update, terminate, cancel, reset, start) are refused here,
audited: a signal sent from the UI with the operator's codec would be encrypted, so the
workflow would take it, bypassing the API's checks and its audit trail.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from api.audit.trail import audit
from api.auth.access import READS_OPERATIONS
from api.auth.gate import SessionEnded
from api.console.render import error_page, login_redirect
from api.console.session import LOGIN_COOKIE, SESSION_COOKIE, LoginRequired, load_session
from api.deps import Ctx, client_address
from rescue.settings import TEMPORAL_UI_PATH

log = logging.getLogger(__name__)
router = APIRouter(prefix=TEMPORAL_UI_PATH, include_in_schema=False)

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                         "te", "trailers", "transfer-encoding", "upgrade", "host", "content-length"})
_OURS = frozenset({SESSION_COOKIE, LOGIN_COOKIE})
_client: httpx.AsyncClient | None = None


def _upstream() -> httpx.AsyncClient:
    global _client
    if _client is None or _client.is_closed:
        _client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=3.0))
    return _client


def _forwarded_cookies(request: Request) -> str | None:
    """The browser's cookies without the console's (the UI never sees the session token)."""
    jar = SimpleCookie()
    for name, value in request.cookies.items():
        if name not in _OURS:
            jar[name] = value
    return "; ".join(f"{k}={m.value}" for k, m in jar.items()) or None


def _reads(path: str) -> bool:
    """A POST of the UI that only reads: a workflow query (the 'Queries' tab)."""
    return path.startswith("api/v1/namespaces/") and "/query/" in path


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def temporal_ui(path: str, request: Request, ctx: Ctx) -> Response:
    """Forward an operator's request to the Temporal UI; everyone else is refused."""
    try:
        session = await load_session(request, ctx, strict=True)
    except LoginRequired as exc:
        return login_redirect(request, expired=exc.expired)
    except SessionEnded:
        session = None
    if session is None:
        return login_redirect(request)
    user = session.user
    if user.role not in READS_OPERATIONS:
        async with ctx.pool.acquire() as conn:
            await audit(conn, user, action="temporal_ui", subject="temporal_ui", allowed=False,
                        client=client_address(request))
        return error_page(request, 403, "只有运维人员可以查看 Temporal 界面")
    if request.method not in ("GET", "HEAD") and not _reads(path):
        async with ctx.pool.acquire() as conn:
            await audit(conn, user, action="temporal_ui_write", subject="temporal_ui", allowed=False,
                        client=client_address(request), detail=request.method)
        return error_page(request, 403, "Temporal 界面只供查看；个案事项请在控制台办理（有权限检查和审计）")
    headers = {k: v for k, v in request.headers.items()
               if k.lower() not in _HOP_BY_HOP and k.lower() not in ("cookie", "authorization")}
    if cookies := _forwarded_cookies(request):
        headers["cookie"] = cookies
    url = f"{ctx.settings.temporal_ui}{TEMPORAL_UI_PATH}/{path}"
    upstream = _upstream()
    try:
        sent = upstream.build_request(request.method, url, params=request.query_params.multi_items(),
                                      headers=headers, content=await request.body())
        answer = await upstream.send(sent, stream=True)
    except httpx.HTTPError as exc:
        log.warning("Temporal UI unreachable: %s", type(exc).__name__)
        return error_page(request, 502, "Temporal 界面暂时无法访问，请稍后重试")
    kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in _HOP_BY_HOP]
    response = StreamingResponse(answer.aiter_raw(), status_code=answer.status_code,
                                 background=BackgroundTask(answer.aclose))
    response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept]
    response.headers["cache-control"] = "no-store"
    return response
