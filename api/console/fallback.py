"""Any other address under /console/: the Chinese 404 (included last, after every feature)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.console.render import ConsoleRoute, error_page
from api.console.session import load_session
from api.deps import Ctx

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.api_route("/{rest:path}", methods=["GET", "POST"])
async def not_found(rest: str, request: Request, ctx: Ctx) -> Response:
    await load_session(request, ctx)  # the header shows who is logged in, if anyone
    return error_page(request, 404, "找不到该页面，请从工作台重新进入")
