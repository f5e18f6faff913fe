"""A case that lasts twenty years must not die of its own history.

One unidentified man, under a compressed policy in which a month lasts a quarter of a second:
a police household lookup every month, his identity confirmation overdue all along (one
supervision item, reminded daily, then weekly, then monthly), care records sent all the while
by two callers through the API (a few a month: a record a day would be 7,300 requests) and a
DNA comparison every two months signalled twice straight to his workflow. The case
continues as new whenever its history passes the bound, and must come out of twenty years alive,
with every run's history near the bound and a read model that lost and doubled nothing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from temporalio.worker import Replayer

from domain.callbacks import SIGNAL_DNA_RESULT, DnaResult
from rescue.codec import data_converter
from support import (
    HISTORIES,
    TEST_PAYLOAD_KEY,
    Stack,
    complete,
    do,
    get_case,
    login,
    open_case,
    wait_for_stage,
    wait_for_task,
)
from worker import WORKFLOWS

MONTH = 0.25
"""Seconds of a compressed month."""
DAY = MONTH / 30
YEARS = 20
BOUND = 400
"""History events after which a run continues as new (the policy's history_event_bound)."""
MARGIN = 150
"""Events a run may still add after passing the bound: it first waits until no activity and
no update is under way, and writes what the read model has not seen."""

POLICY = {
    "identity_search_interval": MONTH,
    "stay_limit": 2 * MONTH,
    "family_search_notice_within": DAY,
    "task_deadlines": {"identity_confirmation": DAY},
    "escalation_repeat": DAY,
    "escalation_weekly_after": 7 * DAY,
    "escalation_weekly_repeat": 7 * DAY,
    "escalation_monthly_after": 35 * DAY,
    "escalation_monthly_repeat": MONTH,
    "history_event_bound": BOUND,
}


async def _events(stack: Stack, case_id: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return await conn.fetch("SELECT kind, summary, data, occurred_at, seq FROM case_events "
                                "WHERE case_id = $1 ORDER BY occurred_at, seq", uuid.UUID(case_id))
    finally:
        await conn.close()


async def _lookups(stack: Stack, case_id: str) -> int:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1 "
                                       "AND kind = 'identity_not_found'", uuid.UUID(case_id)))
    finally:
        await conn.close()


@pytest.mark.timeout(900)
async def test_twenty_years_unidentified_stay_alive_bounded_and_complete(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in", policy="compressed",
                              policy_overrides=POLICY)
    task = await wait_for_task(api, caseworker, case_id, "registration")
    # He gives a name the police do not know, and nothing else: the search starts.
    case = await complete(api, caseworker, task, {"person": {"name": "无名氏甲", "sex": "male",
                                                             "estimated_age": 70}})
    workflow_id = f"rescue-case:{case['case_number']}"
    handle = stack.client.get_workflow_handle(workflow_id)

    stop = asyncio.Event()
    cared: list[str] = []
    signalled: list[str] = []

    async def care(worker: int) -> None:
        n = 0
        while not stop.is_set():
            note = f"care-{worker}-{n}"
            resp = await do(api, caseworker, case_id, "care", {"service": "meals", "notes": note})
            assert resp.status_code == 200, resp.text
            cared.append(note)
            n += 1
            await asyncio.sleep(2 * MONTH)  # two callers, a record every month or two each

    async def dna_results() -> None:
        n = 0
        while not stop.is_set():
            callback = f"cb-{n}"
            result = DnaResult(callback_id=callback, case_number=case["case_number"],
                               sample_id=callback, matched=False, compared_at=datetime.now(UTC))
            for _ in range(2):  # every comparison arrives twice
                await handle.signal(SIGNAL_DNA_RESULT, result)
            signalled.append(callback)
            n += 1
            await asyncio.sleep(2 * MONTH)

    senders = [asyncio.create_task(care(0)), asyncio.create_task(care(1)),
               asyncio.create_task(dna_results())]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 800
    while (done := await _lookups(stack, case_id)) < YEARS * 12:  # a lookup a month, 20 years
        print("lookups", done, "cares", len(cared), "signals", len(signalled), flush=True)
        assert loop.time() < deadline, "the monthly search fell behind"
        assert not any(s.done() for s in senders), [s.exception() for s in senders if s.done()]
        await asyncio.sleep(1)
    stop.set()
    await asyncio.gather(*senders)

    # Alive: it answers an action and shows where it is.
    resp = await do(api, caseworker, case_id, "care", {"service": "clothing", "notes": "care-final"})
    assert resp.status_code == 200, resp.text
    cared.append("care-final")
    now = resp.json()
    assert now["stage"] == "long_term_stay" and now["source"] == "workflow"

    # Every run's history stayed near the bound: it continued as new again and again.
    # The case lives on (its reminders keep coming), so it may continue once more between
    # reading its run count and listing its runs: both only grow, and settle on the same count.
    conn = await asyncpg.connect(stack.database_url)
    try:
        runs, seen_runs = 0, list[Any]()
        for _ in range(100):  # visibility is eventually consistent
            runs = int(await conn.fetchval("SELECT runs FROM cases WHERE case_id = $1",
                                           uuid.UUID(case_id)))
            seen_runs = [w async for w in stack.client.list_workflows(f"WorkflowId = '{workflow_id}'")]
            if len(seen_runs) == runs:
                break
            await asyncio.sleep(0.2)
        supervision = await conn.fetch(
            "SELECT status, context FROM tasks WHERE case_id = $1 AND kind = 'supervision'",
            uuid.UUID(case_id))
    finally:
        await conn.close()
    assert runs >= 5
    assert len(seen_runs) == runs
    lengths = []
    replayer = Replayer(workflows=WORKFLOWS,
                        data_converter=data_converter([base64.b64decode(TEST_PAYLOAD_KEY)]))
    for run in seen_runs:
        history = await stack.client.get_workflow_handle(workflow_id, run_id=run.run_id).fetch_history()
        lengths.append(len(history.events))
        await replayer.replay_workflow(history)  # every run, the continued ones too, replays
        if run.run_id != seen_runs[0].run_id and os.environ.get("RESCUE_RECORD_HISTORIES") == "1" \
                and not (HISTORIES / "v3_long_case_continued_run.json").exists():
            (HISTORIES / "v3_long_case_continued_run.json").write_text(history.to_json())
    assert max(lengths) < BOUND + MARGIN, lengths

    # One supervision item for the task overdue all along, reminded with backoff.
    assert len(supervision) == 1 and supervision[0]["status"] == "open"
    events = await _events(stack, case_id)
    reminders = [e for e in events if e["kind"] == "task_reminded"]
    # Monthly after the first weeks, not daily: counted against the compressed months that
    # really passed between the first and the last reminder (a loaded machine stretches them).
    months = (reminders[-1]["occurred_at"] - reminders[0]["occurred_at"]).total_seconds() / MONTH
    assert len(reminders) > 10 and len(reminders) < months + 30, (len(reminders), months)

    # The read model's timeline is complete, in order, nothing lost and nothing doubled.
    care_notes = [re.search(r"（(care-[\w-]+)）", e["summary"]).group(1)  # type: ignore[union-attr]
                  for e in events if e["kind"] == "care"]
    assert sorted(care_notes) == sorted(cared)
    no_match = [json.loads(e["data"])["sample_id"] for e in events if e["kind"] == "dna_no_match"]
    assert sorted(no_match) == sorted(signalled)
    attempts = [int(re.search(r"第(\d+)次", e["summary"]).group(1))  # type: ignore[union-attr]
                for e in events if e["kind"] == "identity_not_found"]
    assert attempts == list(range(1, len(attempts) + 1))  # every month once, in order
    assert [(e["occurred_at"], e["seq"]) for e in events] == sorted((e["occurred_at"], e["seq"]) for e in events)
    conn = await asyncpg.connect(stack.database_url)
    try:  # one snapshot: a run's first sync writes its "continued" line and its number together
        now_runs, continued = await conn.fetchrow(
            "SELECT runs, (SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'continued')"
            " FROM cases WHERE case_id = $1", uuid.UUID(case_id))
    finally:
        await conn.close()
    assert continued == now_runs - 1 and now_runs >= runs

    # The API pages the whole timeline, newest first.
    paged, cursor = [], None
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = (await api.get(f"/api/v1/cases/{case_id}/timeline", params=params, headers=caseworker)).json()
        paged += page["events"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(paged) == len(events) and paged[0]["kind"] == events[-1]["kind"]

    # And after twenty years the caseworker can still settle it: the origin is recorded.
    task = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    await complete(api, caseworker, task, {"origin_node_id": "dh-t1-c1",
                                           "origin_address": "东湖区柳岸社区"})
    await wait_for_stage(api, caseworker, case_id, "return_home")
    assert (await get_case(api, caseworker, case_id))["identity_known"] is True
