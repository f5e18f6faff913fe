"""The operator sees a case's history growing towards Temporal's limits before it gets there,
with Temporal's own figures (describe), and the case reports its size with every sync."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from api.context import AppContext
from api.operator.routes import WARN_EVENTS, stuck_cases
from db.pool import create_pool
from db.users_repo import get_user_by_username
from support import Stack, complete, login, open_case, registration, wait_for_task


async def test_a_long_history_is_listed_with_temporals_figures(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker)
    task = await wait_for_task(api, caseworker, case_id, "registration")
    case = await complete(api, caseworker, task, registration())
    workflow_id = f"rescue-case:{case['case_number']}"

    conn = await asyncpg.connect(stack.database_url)
    try:
        reported = await conn.fetchrow("SELECT runs, history_events FROM cases WHERE case_id = $1",
                                       uuid.UUID(case_id))
        operator = await get_user_by_username(conn, username="operator")
    finally:
        await conn.close()
    assert reported["runs"] == 1 and reported["history_events"] > 10  # reported by every sync
    assert operator is not None

    pool = await create_pool(stack.database_url)
    try:
        # Any case at all passes a share this small: the page lists it, figures from describe.
        ctx = AppContext(settings=stack.settings.model_copy(update={"operator_history_share": 0.0001}),
                         pool=pool, temporal=stack.client)
        page = await stuck_cases(ctx, operator, None, None)
        line = next(h for h in page.long_histories if h.case_id == case_id)
        desc = await stack.client.get_workflow_handle(workflow_id).describe()
        events = desc.raw_description.workflow_execution_info.history_length
        assert reported["history_events"] <= line.history_events <= events
        assert line.share >= line.history_events / WARN_EVENTS - 0.001  # rounded to 3 places
        assert line.workflow_url.endswith(workflow_id.replace(":", "%3A"))
        # At the default share (half the warning limit) a young case is not listed.
        normal = AppContext(settings=stack.settings, pool=pool, temporal=stack.client)
        assert all(h.case_id != case_id for h in (await stuck_cases(normal, operator, None, None)).long_histories)
    finally:
        await pool.close()
