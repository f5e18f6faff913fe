"""The case's life (v2): discovery → admission → identity search (and stay) → return home →
handover, interruptible at any time by departure, death or a transfer out of the city."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.enums import CaseOutcome, Stage, TaskKind, label
    from workflows.admission import admit
    from workflows.case_runtime import CaseRuntime
    from workflows.discovery import discover
    from workflows.going_home import go_home
    from workflows.stay import resume_identity_search, search_identity

PATCH_CLOSE_IN_ONE_SYNC = "close-in-one-sync"
"""Closing writes the withdrawn tasks, the closed stage and the outcome in one sync; cases
from before synced the withdrawals first (even with nothing open: one more activity)."""


async def _path(rt: CaseRuntime) -> None:
    await discover(rt)
    if rt.ending is not None:
        return
    if not await admit(rt):
        return
    await search_identity(rt)
    await go_home(rt)
    rt.end(CaseOutcome.RETURNED_HOME)


async def _resumed_path(rt: CaseRuntime) -> None:
    """A case that continued as new (only during its identity search) picks up there."""
    for task in rt.open_tasks():
        if task.kind == TaskKind.SUPERVISION:
            rt.background.append(asyncio.create_task(rt._await_supervision(task)))
    rt._upsert_search_attributes()
    rt.event("continued", f"个案流程第{rt.state.runs}段开始（历史记录已存档，待办与期限不变）")
    await rt.sync()
    await resume_identity_search(rt)
    await go_home(rt)
    rt.end(CaseOutcome.RETURNED_HOME)


async def run_lifecycle(rt: CaseRuntime, *, resumed: bool = False) -> CaseOutcome:
    """Run the path until it ends by itself or an update ends the case; then close it."""
    path = asyncio.create_task(_resumed_path(rt) if resumed else _path(rt))
    ended = asyncio.create_task(workflow.wait_condition(lambda: rt.ending is not None))
    await workflow.wait([path, ended], return_when=asyncio.FIRST_COMPLETED)
    if path.done():
        path.result()  # surface a bug as a workflow task failure, to be fixed and replayed
    else:
        path.cancel()
        try:
            await path
        except asyncio.CancelledError:
            pass
    ended.cancel()
    for task in rt.background:
        task.cancel()
    outcome = rt.ending or CaseOutcome.RETURNED_HOME
    rt.state.outcome = outcome
    reason = f"个案终止（{label(outcome)}）"
    if rt.patched(PATCH_CLOSE_IN_ONE_SYNC):
        for open_task in rt.open_tasks():  # withdrawn with the closing sync below
            rt._withdraw_now(open_task.task_id, reason)
    else:
        await rt.withdraw_all(reason)
    rt.set_stage(Stage.CLOSED)
    rt.event("closed", f"个案办结：{label(outcome)}", outcome=outcome.value)
    await rt.sync(closed=True)
    if rt.closing_with is not None:
        await rt.closing_with  # started with the sync above; a failure surfaces here
    return outcome
