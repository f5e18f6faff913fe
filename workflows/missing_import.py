"""MissingListImportWorkflow: the rows of one uploaded police list, checked and stored at upload
(``import_job_rows``), are registered batch by batch, each new report's family search started,
and the job marked done. Id ``missing-import:<job id>``; its input and its activities' inputs and
results are the job id and counts, never a row. No signals, updates or queries of its own."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.missing_import import (
        BATCH_ROWS,
        FINISH_IMPORT,
        IMPORT_BATCH,
        ImportBatchInput,
        ImportCounts,
        MissingListImportInput,
    )

_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn
class MissingListImportWorkflow:
    """Register the job's rows until none is left, then mark it done."""

    @workflow.run
    async def run(self, inp: MissingListImportInput) -> ImportCounts:
        step = ImportBatchInput(job_id=inp.job_id, size=BATCH_ROWS)
        while True:
            counts: ImportCounts = await workflow.execute_activity(
                IMPORT_BATCH, step, result_type=ImportCounts, start_to_close_timeout=timedelta(minutes=10),
                heartbeat_timeout=timedelta(minutes=1), retry_policy=_RETRY)
            if counts.left <= 0:
                break
            if workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(inp)
        final: ImportCounts = await workflow.execute_activity(
            FINISH_IMPORT, step, result_type=ImportCounts, start_to_close_timeout=timedelta(minutes=1),
            retry_policy=_RETRY)
        return final
