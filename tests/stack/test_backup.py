"""Backup of a running system and restore into a fresh data directory: every case is in the
restored database, and every case's workflow history is in the restored Temporal state and
can be read with the restored payload key."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import asyncpg
import httpx
import pytest

from rescue.codec import data_converter
from rescue.settings import Settings
from stack.backup import RestoreRefused, backup, restore
from stack.inprocess import running_stack
from stack.postgres import EmbeddedPostgres, database_url
from stack.temporal_server import TemporalDevServer, free_port
from support import complete, login, open_case, registration, wait_for_task
from workflows.ids import case_workflow_id


async def test_backup_of_a_running_system_restores_into_a_fresh_data_dir(tmp_path: Path) -> None:
    target = tmp_path / "backup"
    async with running_stack(temporal_db_file=True, policy="compressed",
                             jwt_secret="test-secret-that-is-long-enough-for-hs256",
                             activity_timeout_seconds=5) as running:
        assert running.data_dir is not None
        async with httpx.AsyncClient(base_url=running.api_url, timeout=60) as api:
            caseworker = await login(api, "caseworker")
            cases = [await open_case(api, caseworker) for _ in range(3)]
            task = await wait_for_task(api, caseworker, cases[0], "registration")
            await complete(api, caseworker, task, registration())  # one case has moved on
        conn = await asyncpg.connect(running.database_url)
        try:
            numbers = {str(r["case_id"]): r["case_number"] for r in await conn.fetch(
                "SELECT case_id, case_number FROM cases")}
        finally:
            await conn.close()
        lengths = {n: len((await running.client.get_workflow_handle(
            case_workflow_id(n)).fetch_history()).events) for n in numbers.values()}
        manifest = await backup(running.settings, target)
    assert manifest["cases"] == len(numbers) == 3
    assert set(manifest["files"]) == {"postgres.dump", "temporal.sqlite", "keys/payload.key"}
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(target / "keys" / "payload.key").st_mode) == 0o600

    fresh = Settings(data_dir=tmp_path / "fresh")
    await restore(fresh, target)
    with pytest.raises(RestoreRefused, match="fresh data directory"):
        await restore(fresh, target)  # never over existing data

    pg = EmbeddedPostgres(tmp_path / "fresh" / "pg", delete_on_stop=True)
    server = TemporalDevServer(port=free_port(), ui_port=None,
                               db_file=tmp_path / "fresh" / "temporal.sqlite",
                               log_file=tmp_path / "fresh-temporal.log")
    try:
        conn = await asyncpg.connect(database_url(pg.start(), "rescue"))
        try:
            restored = {str(r["case_id"]): r["case_number"] for r in await conn.fetch(
                "SELECT case_id, case_number FROM cases")}
            events = await conn.fetchval("SELECT count(*) FROM case_events")
        finally:
            await conn.close()
        assert restored == numbers and events > 0
        key = base64.b64decode((tmp_path / "fresh" / "keys" / "payload.key").read_text())
        from temporalio.client import Client

        client = await Client.connect(await server.start(), data_converter=data_converter([key]))
        for number in restored.values():
            history = await client.get_workflow_handle(case_workflow_id(number)).fetch_history()
            assert len(history.events) >= lengths[number]
            started = history.events[0].workflow_execution_started_event_attributes
            [payload] = started.input.payloads
            decoded = await data_converter([key]).payload_codec.decode([payload])
            assert json.loads(decoded[0].data)["case_number"] == number
    finally:
        await server.stop()
        pg.stop()
