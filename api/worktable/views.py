"""Console pages of the worktables: the station's late and due-today tasks (the lists behind
the dashboard's counts) and the header's count of new work as JSON for its refresh."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.auth.access import SEES_FIGURES
from api.cases.lists import today_bounds
from api.console.render import ConsoleRoute, page
from api.console.session import Sess
from api.deps import Ctx, client_address
from api.errors import ApiError
from api.worktable import service
from db.scope_repo import subtree_station_ids

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

_TITLES = {"overdue": "已超期任务", "due_today": "今天到期任务"}


@router.get("/pulse")
async def pulse(request: Request, ctx: Ctx, session: Sess) -> Response:
    """The header's count of new work (the page's script asks for it every 30 seconds)."""
    p = await service.pulse(ctx, session.user)
    return JSONResponse({**p.model_dump(), "total": p.total}, headers={"Cache-Control": "no-store"})


@router.get("/tasks")
async def station_tasks(request: Request, ctx: Ctx, session: Sess) -> Response:
    """The open tasks of the stations' cases that the dashboard counts: late, or due later
    today; each row says who holds it, for whom, where, and what to do."""
    user = session.user
    which = request.query_params.get("which", "overdue")
    if which not in _TITLES:
        which = "overdue"
    if user.role not in SEES_FIGURES:
        raise ApiError(403, "forbidden", "只有救助站和民政局可以查看本站个案的任务期限")
    async with ctx.pool.acquire() as conn:
        station_ids = await subtree_station_ids(conn, node_path=user.node_path)
    rows = await service.station_work(ctx, user, station_ids, which, today_bounds(ctx)[1],
                                      client_address(request))
    return page(request, "worktable/station_tasks.html", nav="home", rows=rows, which=which,
                title=_TITLES[which], titles=_TITLES)
