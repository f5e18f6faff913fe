"""The operator's console page: cases that stopped moving. The service checks the role and
records the access."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.operator import routes as operator
from db.network_repo import list_nodes

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/operator")
async def operator_page(request: Request, ctx: Ctx, session: Sess) -> Response:
    """运行监控: overdue tasks and calls failing again and again, with links to the history
    and the Temporal UI."""
    cursor = request.query_params.get("cursor") or None
    stuck = await operator.stuck_cases(ctx, session.user, cursor, client_address(request))
    async with ctx.pool.acquire() as conn:
        nodes = {n.node_id: n.name for n in await list_nodes(conn)}
    return page(request, "operator/operator.html", nav="operator", stuck=stuck, paged=cursor is not None,
                nodes=nodes,
                min_attempts=ctx.settings.operator_min_attempts)
