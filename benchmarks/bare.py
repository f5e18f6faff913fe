"""Bare Temporal doing a case's Temporal work: the yardstick of the system benchmark.

``BareCase`` does what the recorded happy path does to Temporal — the same number of
activities, updates, timers (fired and cancelled), search-attribute upserts and one child with
its own — with trivial bodies: no-op activities, no encryption codec, no database. An update
is answered once the workflow has done the work that follows it (as a completion is answered
once the case settled). Run its worker as its own process, like the system's worker:
``python -m benchmarks.bare --address HOST:PORT --task-queue Q``.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import SearchAttributeKey
from temporalio.workflow import ParentClosePolicy

STAGE = SearchAttributeKey.for_keyword("RescueStage")
"""An attribute the dev server already knows (registered for the case workflows)."""


@dataclass
class BareSpec:
    """Counts of one workflow's Temporal work, taken from a recorded history."""

    activities: int
    updates: int
    timers_fired: int
    timers_cancelled: int
    upserts: int
    child: BareSpec | None = None


def share(total: int, parts: int, index: int) -> int:
    """Part ``index`` of ``total`` spread evenly over ``parts``."""
    return total // parts + (1 if index < total % parts else 0)


@activity.defn(name="bare_noop")
async def noop(step: int) -> int:
    """A trivial activity body."""
    return step


@workflow.defn
class BareCase:
    """Segments between updates; each does its share of activities, timers and upserts."""

    @workflow.init
    def __init__(self, spec: BareSpec) -> None:
        self.received = 0
        self.ready = 0
        self.done_segment = -1
        self.settle_timers = self.plan(spec)[1] > 0

    def plan(self, spec: BareSpec) -> tuple[int, int, int]:
        """Cancelled timers: one per wait for an update, one per update handler waiting for
        the step to settle, the rest around activities (an agency call's outreach deadline)."""
        waits = min(spec.timers_cancelled, spec.updates)
        settles = min(spec.timers_cancelled - waits, spec.updates)
        return waits, settles, spec.timers_cancelled - waits - settles

    @workflow.run
    async def run(self, spec: BareSpec) -> int:
        segments = spec.updates + 1
        cancel_left, _, guarded = self.plan(spec)
        for seg in range(segments):
            if seg > 0:
                # Waiting on a person with a deadline: a timer started, cancelled by the update.
                timeout = timedelta(days=1) if cancel_left > 0 else None
                cancel_left -= 1
                self.ready = seg
                await workflow.wait_condition(lambda s=seg: self.received >= s, timeout=timeout)
            if spec.child is not None and seg == segments - 1:
                await workflow.start_child_workflow(
                    BareCase.run, spec.child, id=f"{workflow.info().workflow_id}-child",
                    parent_close_policy=ParentClosePolicy.ABANDON)
            for _ in range(share(spec.timers_fired, segments, seg)):
                await workflow.sleep(timedelta(milliseconds=1))
            guard = share(guarded, segments, seg)
            for i in range(share(spec.activities, segments, seg)):
                pending = workflow.start_activity(noop, i, start_to_close_timeout=timedelta(seconds=30))
                if i < guard:
                    await workflow.wait_condition(pending.done, timeout=timedelta(days=1))
                await pending
            for i in range(share(spec.upserts, segments, seg)):
                workflow.upsert_search_attributes([STAGE.value_set(f"s{seg}-{i}")])
            self.done_segment = seg
        await workflow.wait_condition(workflow.all_handlers_finished)
        return segments

    @workflow.update
    async def step(self, n: int) -> int:
        """The n-th completion: answered when the work after it is done. Refused (no history)
        before the workflow waits for it, as a completion of a task not yet opened is."""
        self.received = max(self.received, n)
        await workflow.wait_condition(lambda: self.done_segment >= n,
                                      timeout=timedelta(days=1) if self.settle_timers else None)
        return n

    @step.validator
    def _not_before_its_wait(self, n: int) -> None:
        if self.ready < n:
            raise ValueError("not waiting for this step yet")


async def _serve(address: str, task_queue: str) -> None:
    from temporalio.client import Client
    from temporalio.worker import Worker

    client = await Client.connect(address)
    worker = Worker(client, task_queue=task_queue, workflows=[BareCase], activities=[noop])
    await worker.run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    asyncio.run(_serve(args.address, args.task_queue))
