"""The console's dashboard (工作台): the caller's tasks, the station's figures whose numbers
link to the lists behind them, and recent cases."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from api.auth.access import AGENCY_DESKS, NO_CASES, READS_FINANCE, lists_subtree
from api.cases import service as case_service
from api.console.render import ConsoleRoute, page
from api.console.session import Sess, notice_of
from api.dashboard import figures
from api.deps import Ctx, client_address
from api.finance import routes as finance
from api.worktable import service as work

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/")
async def dashboard(request: Request, ctx: Ctx, session: Sess) -> Response:
    user = session.user
    client = client_address(request)
    tasks = await work.my_work(ctx, user, client)
    recent = None
    if user.role not in NO_CASES and lists_subtree(user):
        recent = await case_service.list_cases(ctx, user, None, None, 10, client)
    return page(request, "dashboard/dashboard.html", nav="home", tasks=tasks,
                cases=recent.items if recent else [], more_cases=bool(recent and recent.next_cursor),
                notice=notice_of(request), lists=recent is not None,
                desk=AGENCY_DESKS.get(user.role),
                figures=await figures.dashboard_figures(ctx, user, client),
                dispatches=await work.dispatches(ctx, user), now=datetime.now(UTC),
                callbacks=await work.callbacks(ctx, user),
                money=(await finance.treatment_report(ctx, user, None, client)
                       if user.role in READS_FINANCE else None))
