"""Continue-as-new of a case that lasts for years: when its history passes the policy's bound
(or Temporal suggests it), the case waits until nothing is in flight and no update or signal
handler runs, writes what the read model has not seen yet, and starts its next run with the
same workflow id, carrying only what it needs (open tasks with their deadlines and reminders,
the identity search, DNA samples and matches, callbacks seen). The past stays in the read
model; each run's history stays near the bound."""

from __future__ import annotations

from typing import NoReturn

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.case import CaseCarry
    from domain.enums import TaskKind
    from domain.tasks import CaseTask
    from workflows.case_runtime import CaseRuntime

DONE_TASKS_KEPT = 200
"""Newest done task ids carried, so a late repeated completion still hears "already done"."""


def history_full(rt: CaseRuntime) -> bool:
    """True once this run's history should end (deterministic: read from the workflow info)."""
    info = workflow.info()
    return (info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= rt.policy.history_event_bound)


def _pending(rt: CaseRuntime) -> bool:
    return bool(rt._unsynced or rt._closed_tasks or rt._cancelled)


async def continue_as_new(rt: CaseRuntime) -> NoReturn:
    """End this run at a quiet moment and continue the case in a new one (never returns)."""
    while True:
        rt.busy = False  # a waiting point: completions arriving now are answered at once
        await workflow.wait_condition(
            lambda: rt.in_flight == 0 and not rt._completions and workflow.all_handlers_finished())
        rt.busy = True
        if not _pending(rt):
            break
        await rt.sync()
    # No await between the last check and here: no handler can run in between. A signal or
    # update that reaches the server meanwhile makes it reject this completion and replay the
    # task with it, so nothing sent during the handover is lost or applied twice.
    workflow.continue_as_new(rt.input.model_copy(update={"carry": to_carry(rt)}),
                             search_attributes=workflow.info().typed_search_attributes)


def to_carry(rt: CaseRuntime) -> CaseCarry:
    state = rt.state.model_copy(update={"timeline": [], "open_tasks": [], "runs": rt.state.runs + 1})
    return CaseCarry(
        run=rt.state.runs, state=state, person=rt.person, open_tasks=list(rt._open.values()),
        supervised=dict(rt._supervised), done_task_ids=rt._done_order[-DONE_TASKS_KEPT:],
        seen_callbacks=sorted(rt._seen_callbacks), dna_matches=list(rt.dna_matches),
        family_matches=list(rt.family_matches),
        dna_samples=sorted(rt.dna_samples), discharges=dict(rt.discharges),
        pending_events=list(rt._unsynced), search=rt.search)


def restore(rt: CaseRuntime, carry: CaseCarry) -> None:
    """Put a carried case back into a fresh runtime (in the new run's ``__init__``)."""
    rt.state = carry.state
    rt.person = carry.person
    rt._open = {t.task_id: t for t in carry.open_tasks}
    rt._supervised = dict(carry.supervised)
    rt._done = set(carry.done_task_ids)
    rt._done_order = list(carry.done_task_ids)
    rt._seen_callbacks = set(carry.seen_callbacks)
    rt.dna_matches = list(carry.dna_matches)
    rt.family_matches = list(carry.family_matches)
    rt.dna_samples = set(carry.dna_samples)
    rt.discharges = dict(carry.discharges)
    rt._unsynced = list(carry.pending_events)
    rt.search = carry.search


def open_task_of(rt: CaseRuntime, kind: TaskKind) -> CaseTask | None:
    """The open task of that kind, if the carried case has one."""
    return next((t for t in rt._open.values() if t.kind == kind), None)
