"""Console pages of the network handbook: the printable directory (HTML) of the whole city or
one county, its PDF, and the street-sign texts of each district."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from rescue.api import handbook
from rescue.api.console.render import ConsoleRoute
from rescue.api.console.session import Sess
from rescue.api.console_network.render import page
from rescue.api.deps import Ctx
from rescue.api.pdf import document
from rescue.db.network_repo import list_nodes
from rescue.domain.enums import NodeLevel

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/handbook")
async def handbook_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    node_id = request.query_params.get("node_id") or None
    book = await handbook.build(ctx, session.user, node_id)
    async with ctx.pool.acquire() as conn:
        counties = [(n.node_id, n.name) for n in await list_nodes(conn) if n.level == NodeLevel.COUNTY_STATION]
    return page(request, "handbook.html", session=session, nav="handbook", book=book, counties=counties,
                node_id=node_id or "")


@router.get("/handbook.pdf")
async def handbook_pdf(request: Request, ctx: Ctx, session: Sess) -> Response:
    book = await handbook.build(ctx, session.user, request.query_params.get("node_id") or None)
    return Response(document(handbook.as_lines(book), title=book.title), media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="handbook.pdf"'})
