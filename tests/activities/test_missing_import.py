"""The import of the police's list, batch by batch, against the real PostgreSQL and Temporal:
a batch run again after a crash (its rows committed, its family searches not all marked
started) changes nothing twice: the counts come from the rows, each report exists once, and
each report's family search is one workflow."""

from __future__ import annotations

import uuid

from temporalio.client import WorkflowExecutionStatus

from activities.missing_import import finish_import, import_batch
from db import import_jobs_repo
from db.pool import create_pool
from domain.missing import ImportRejection, MissingReportInput, ReportedBy
from support import Stack
from workflows.family_search import family_search_workflow_id


def row(ref: str, name: str) -> MissingReportInput:
    return MissingReportInput(reported_by=ReportedBy.POLICE, external_ref=ref, name=name, sex="male",
                              birth_year=1970, last_seen_on="2025-03-01", last_seen_place="四川省成都市",
                              contact_name="家属", contact_phone="13800000011")


async def test_a_batch_run_again_after_a_crash_changes_nothing_twice(stack: Stack) -> None:
    pool = await create_pool(stack.database_url)
    tag = uuid.uuid4().hex[:8]
    refs = [f"crash-{tag}-{i}" for i in range(5)]
    rows = [(i + 2, row(ref, name)) for i, (ref, name) in enumerate(zip(
        refs, ["张大明", "李小红", "王建国", "赵卫东", "钱秀英"], strict=True))]
    rows.append((7, row(refs[0], "张大明")))  # the same police reference twice in the list
    job_id = uuid.uuid4()
    queue = stack.settings.task_queue
    try:
        async with pool.acquire() as conn:
            await import_jobs_repo.create_job(
                conn, job_id=job_id, node_id="police-city", created_by="police", filename="list.csv",
                total=7, rejected=[ImportRejection(row=8, reason="性别“未知”无法识别")], rows=rows)

        first = await import_batch(pool, stack.client, queue, job_id, 4)
        assert (first.valid, first.imported, first.duplicates, first.matching_started) == (6, 4, 0, 4)
        # The worker died after the batch committed, before its searches were marked started:
        # the retry starts them again (the ones already running are left alone).
        async with pool.acquire() as conn:
            await conn.execute("UPDATE import_job_rows SET matching_started = false WHERE job_id = $1", job_id)
        retried = await import_batch(pool, stack.client, queue, job_id, 4)
        assert (retried.imported, retried.duplicates, retried.left) == (5, 1, 0)
        assert retried.matching_started == 5
        again = await import_batch(pool, stack.client, queue, job_id, 4)
        assert again == retried

        done = await finish_import(pool, job_id)
        assert done == retried and await finish_import(pool, job_id) == done
        async with pool.acquire() as conn:
            stored = await conn.fetch(
                "SELECT external_ref, count(*) AS n, min(report_number) AS number FROM missing_reports"
                " WHERE external_ref = ANY($1::text[]) GROUP BY external_ref", refs)
            assert sorted(r["external_ref"] for r in stored) == refs and {r["n"] for r in stored} == {1}
            job = import_jobs_repo.job_of(await import_jobs_repo.job_row(conn, job_id),
                                          await import_jobs_repo.counts(conn, job_id))
            kept = await conn.fetchval("SELECT count(*) FROM import_job_rows WHERE job_id = $1"
                                       " AND body IS NOT NULL", job_id)
        assert (job.status, job.total, job.processed, job.imported, job.duplicates) == ("done", 7, 7, 5, 1)
        assert [r.row for r in job.rejected] == [8] and kept == 0  # no personal data left behind
        for r in stored:
            handle = stack.client.get_workflow_handle(family_search_workflow_id(r["number"]))
            assert (await handle.describe()).status in (WorkflowExecutionStatus.RUNNING,
                                                        WorkflowExecutionStatus.COMPLETED)
    finally:
        await pool.close()
