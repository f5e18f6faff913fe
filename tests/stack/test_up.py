"""run_up end to end with stub children: start, stop, start again with all data intact."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import uuid
from pathlib import Path

import asyncpg
import pytest
import stack_stubs
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from rescue.settings import Settings
from stack import up
from stack.temporal_server import free_port, port_is_free
from workflows.search_attributes import STAGE


@pytest.fixture
def stub_children(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Replace the real children by stubs listening where the real ones would."""
    env_file = tmp_path / "worker-env.json"
    monkeypatch.setattr(up, "child_specs", up.child_specs)  # restored after the test
    stack_stubs.install(up, env_file)
    return env_file


async def _counting_bootstrap(database_url: str) -> None:
    """Stands in for migrations + seed: one row per start."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS starts (n serial PRIMARY KEY)")
        await conn.execute("INSERT INTO starts DEFAULT VALUES")
    finally:
        await conn.close()


async def _starts(data_dir: Path) -> int:
    """Rows written by the bootstrap, read with a fresh embedded server."""
    from stack.postgres import EmbeddedPostgres

    pg = EmbeddedPostgres(data_dir / "pg")
    try:
        pg.start()
        conn = await asyncpg.connect(pg.admin_url("rescue"))
        try:
            return int(await conn.fetchval("SELECT count(*) FROM starts"))
        finally:
            await conn.close()
    finally:
        pg.stop()


async def test_up_stop_and_up_again_keeps_everything(tmp_path: Path, stub_children: Path) -> None:
    settings = stack_stubs.settings_on_free_ports(tmp_path)
    data_dir = (tmp_path / "data").resolve()
    console, stop = io.StringIO(), asyncio.Event()
    run = asyncio.create_task(
        up.run_up(settings, bootstrap=_counting_bootstrap, stop=stop, console=console)
    )
    await stack_stubs.until_ready(console, run)
    env = json.loads(stub_children.read_text())
    assert env["RESCUE_DATA_DIR"] == str(data_dir)
    assert env["RESCUE_API_PORT"] == str(settings.api_port)
    assert env["RESCUE_DATABASE_URL"].startswith("postgresql://postgres@/rescue?host=")
    assert env["RESCUE_TEMPORAL_ADDRESS"] == f"127.0.0.1:{settings.temporal_port}"
    text = console.getvalue()
    assert f"http://127.0.0.1:{settings.api_port}/console/" in text
    assert f"http://127.0.0.1:{settings.temporal_ui_port}" in text
    client = await Client.connect(env["RESCUE_TEMPORAL_ADDRESS"])
    workflow_id = f"case-{uuid.uuid4()}"
    await client.start_workflow(
        "NoSuchWorkflow",
        id=workflow_id,
        task_queue="no-worker",
        search_attributes=TypedSearchAttributes([SearchAttributePair(STAGE, "admission")]),
    )
    stop.set()
    assert await run == 0
    assert not (data_dir / "pg" / "postmaster.pid").exists()
    assert port_is_free(settings.temporal_port) and port_is_free(settings.api_port)
    assert (data_dir / "logs" / "worker.log").read_text() == "worker stub running\n"

    # Again, on the same data: the database row and the running case are still there.
    console, stop = io.StringIO(), asyncio.Event()
    run = asyncio.create_task(
        up.run_up(settings, bootstrap=_counting_bootstrap, stop=stop, console=console)
    )
    await stack_stubs.until_ready(console, run)
    client = await Client.connect(f"127.0.0.1:{settings.temporal_port}")
    assert (await client.get_workflow_handle(workflow_id).describe()).status is not None
    # A child dying ends the run with a non-zero code and everything stopped.
    os.kill(json.loads(stub_children.read_text())["pid"], signal.SIGKILL)
    assert await asyncio.wait_for(run, 60) == 1
    assert "worker exited unexpectedly" in console.getvalue()
    assert not (data_dir / "pg" / "postmaster.pid").exists()
    assert await _starts(data_dir) == 2


async def test_failed_start_unwinds(tmp_path: Path, stub_children: Path) -> None:
    async def broken(database_url: str) -> None:
        raise RuntimeError("migration 0002 is broken")

    settings = stack_stubs.settings_on_free_ports(tmp_path)
    console = io.StringIO()
    code = await up.run_up(settings, bootstrap=broken, stop=asyncio.Event(), console=console)
    assert code == 1
    assert "migration 0002 is broken" in console.getvalue()
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists()
    assert port_is_free(settings.temporal_port)


def test_child_env_round_trips_every_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Children rebuild the very same settings (CLI overrides included) from the environment."""
    settings = Settings(
        data_dir=tmp_path.resolve(),
        api_port=9123,
        jwt_secret="s3cret",
        activity_timeout_seconds=2.5,
        allowed_policies=["standard"],
    )
    env = up.child_env(settings, "postgresql://u@/db?host=/s", "127.0.0.1:7999")
    for name in list(os.environ):
        if name.startswith("RESCUE_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("RESCUE_"):
            monkeypatch.setenv(name, value)
    rebuilt = Settings()
    expected = settings.model_copy(
        update={"database_url": "postgresql://u@/db?host=/s", "temporal_address": "127.0.0.1:7999"}
    )
    assert rebuilt == expected


async def test_external_database_and_temporal_are_used_as_given(
    tmp_path: Path, stub_children: Path
) -> None:
    from stack.postgres import EmbeddedPostgres, drop_database, ensure_database
    from stack.temporal_server import TemporalDevServer

    pg = EmbeddedPostgres(tmp_path / "external-pg", delete_on_stop=True)
    temporal = TemporalDevServer(port=free_port(), ui_port=None, db_file=None, namespace="ext")
    try:
        database_url = await ensure_database(pg.start(), "external_db")
        address = await temporal.start()
        settings = stack_stubs.settings_on_free_ports(tmp_path).model_copy(
            update={
                "database_url": database_url,
                "temporal_address": address,
                "temporal_namespace": "ext",
            }
        )
        seen: list[str] = []

        async def record(url: str) -> None:
            seen.append(url)

        console, stop = io.StringIO(), asyncio.Event()
        run = asyncio.create_task(up.run_up(settings, bootstrap=record, stop=stop, console=console))
        await stack_stubs.until_ready(console, run)
        env = json.loads(stub_children.read_text())
        stop.set()
        assert await run == 0
        assert seen == [database_url]
        assert env["RESCUE_DATABASE_URL"] == database_url
        assert env["RESCUE_TEMPORAL_ADDRESS"] == address
        assert not (tmp_path / "data" / "pg").exists()  # no embedded server of its own
        assert "Temporal 界面" not in console.getvalue()
        assert not port_is_free(int(address.rsplit(":", 1)[1]))  # an external server stays up
        await drop_database(pg.admin_url(), "external_db")
    finally:
        await temporal.stop()
        pg.stop()
