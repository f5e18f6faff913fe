"""The API's documentation behind the login outside development (``RESCUE_ENVIRONMENT``).

The schema lists every endpoint and field: useful to an attacker as much as to an agency's
developer. In production ``/openapi.json`` wants a bearer token (clients and Schemathesis
log in first), ``/docs`` and ``/redoc`` send people to ``/console/docs`` and
``/console/redoc``, which want the console's session (its cookie's path is ``/console``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse

from api.console.render import ConsoleRoute, see_other
from api.console.session import Sess
from api.deps import CurrentUser

router = APIRouter(include_in_schema=False)
pages = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
             "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
             "font-src https://fonts.gstatic.com; connect-src 'self'; frame-ancestors 'none'; "
             "base-uri 'none'; worker-src blob:")


def _schema(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi(), headers={"Cache-Control": "no-store"})


@router.get("/openapi.json")
async def openapi(request: Request, user: CurrentUser) -> Response:
    """The OpenAPI schema, for a logged-in caller (bearer token)."""
    return _schema(request)


@router.get("/docs")
@router.get("/redoc")
async def docs_moved(request: Request) -> Response:
    """People read the docs in the console (they log in there)."""
    return see_other(f"/console{request.url.path}")


@pages.get("/openapi.json")
async def console_openapi(request: Request, session: Sess) -> Response:
    return _schema(request)


@pages.get("/docs")
async def console_docs(request: Request, session: Sess) -> Response:
    html = get_swagger_ui_html(openapi_url="/console/openapi.json", title="救助管理系统 API")
    html.headers["Content-Security-Policy"] = _DOCS_CSP
    return html


@pages.get("/redoc")
async def console_redoc(request: Request, session: Sess) -> Response:
    html = get_redoc_html(openapi_url="/console/openapi.json", title="救助管理系统 API")
    html.headers["Content-Security-Policy"] = _DOCS_CSP
    return html
