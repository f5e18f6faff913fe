"""Console pages of the network handbook: the printable directory (HTML) of the whole city or
one county, its PDF, and the street-sign texts of each district."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx
from api.exports.pdf import document
from api.handbook import routes as handbook
from db.network_repo import list_nodes
from domain.enums import NodeLevel

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/handbook")
async def handbook_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    node_id = request.query_params.get("node_id") or None
    book = await handbook.build(ctx, session.user, node_id)
    async with ctx.pool.acquire() as conn:
        counties = [(n.node_id, n.name) for n in await list_nodes(conn) if n.level == NodeLevel.COUNTY_STATION]
    return page(request, "handbook/handbook.html", session=session, nav="handbook", book=book, counties=counties,
                node_id=node_id or "")


@router.get("/handbook.pdf")
async def handbook_pdf(request: Request, ctx: Ctx, session: Sess) -> Response:
    book = await handbook.build(ctx, session.user, request.query_params.get("node_id") or None)
    return Response(document(handbook.as_lines(book), title=book.title), media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="handbook.pdf"'})
