"""run_up end to end with stub children: start, stop, start again with all data intact."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
import psutil
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
    assert f"http://127.0.0.1:{settings.api_port}/console/temporal/" in text  # behind the login
    assert f":{settings.temporal_ui_port}" not in text
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
    # A second run on the same data directory says clearly that the system runs already.
    second = io.StringIO()
    assert await up.run_up(settings, bootstrap=_counting_bootstrap, stop=asyncio.Event(),
                           console=second) == 1
    assert "the system is already running" in second.getvalue()
    assert f"kill {os.getpid()}" in second.getvalue()
    # A crashed child is started again; the run goes on.
    first_pid = json.loads(stub_children.read_text())["pid"]
    os.kill(first_pid, signal.SIGKILL)
    restarted = await _until(lambda: json.loads(stub_children.read_text())["pid"] != first_pid
                             and stub_children.read_text())
    assert not run.done()
    assert "worker 意外退出 / exited unexpectedly with code -9" in console.getvalue()
    assert "worker 已重启 / restarted" in console.getvalue()
    # Temporal and PostgreSQL killed: each is noticed, started again on its data.
    record = json.loads((data_dir / "run.json").read_text())
    os.killpg(record["children"]["temporal"][0], signal.SIGKILL)
    pg_pid = int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    os.kill(pg_pid, signal.SIGKILL)
    await _until(lambda: console.getvalue().count("已恢复 / is back") >= 2, timeout=90)
    assert "Temporal 已停止 / is down" in console.getvalue()
    assert "PostgreSQL 已停止 / is down" in console.getvalue()
    client = await Client.connect(f"127.0.0.1:{settings.temporal_port}")
    assert (await client.get_workflow_handle(workflow_id).describe()).status is not None
    await _counting_bootstrap(env["RESCUE_DATABASE_URL"])  # the same URL reaches it again
    # Ctrl-C stops everything, the restarted ones included.
    new_temporal = json.loads((data_dir / "run.json").read_text())["children"]["temporal"][0]
    stop.set()
    assert await asyncio.wait_for(run, 60) == 0
    for pid in (json.loads(str(restarted))["pid"], new_temporal):
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
    assert not (data_dir / "pg" / "postmaster.pid").exists()
    assert await _starts(data_dir) == 3


async def _until(check: Callable[[], object], timeout: float = 30) -> object:
    """Poll ``check`` until it returns something true; return that."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            result = check()
        except (OSError, ValueError):  # a file being rewritten
            result = None
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


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
