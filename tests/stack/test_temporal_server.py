"""Temporal dev server: starts, registers the search attributes, keeps state across restarts."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from stack.temporal_server import (
    TemporalDevServer,
    ensure_search_attributes,
    free_port,
    temporal_binary,
)
from workflows.search_attributes import STAGE


async def _ids(client: Client, query: str) -> list[str]:
    """Workflow ids matching a visibility query (which fails if an attribute is unknown)."""
    return [wf.id async for wf in client.list_workflows(query)]


async def _eventually_ids(client: Client, query: str, expected: list[str]) -> list[str]:
    """Visibility is eventually consistent: poll a few seconds for the expected ids."""
    found: list[str] = []
    for _ in range(50):
        found = await _ids(client, query)
        if found == expected:
            break
        await asyncio.sleep(0.1)
    return found


async def test_persistent_server_registers_attributes_and_keeps_state(tmp_path: Path) -> None:
    db_file = tmp_path / "temporal.sqlite"
    log_file = tmp_path / "logs" / "temporal.log"
    server = TemporalDevServer(port=free_port(), ui_port=None, db_file=db_file, log_file=log_file)
    workflow_id = f"case-{uuid.uuid4()}"
    try:
        began = time.monotonic()
        address = await server.start()
        first_start = time.monotonic() - began
        client = await Client.connect(address)
        assert await _ids(client, 'RescueStage = "admission"') == []
        # A workflow with no worker stays running: enough to prove persistence and indexing.
        await client.start_workflow(
            "NoSuchWorkflow",
            id=workflow_id,
            task_queue="no-worker",
            search_attributes=TypedSearchAttributes([SearchAttributePair(STAGE, "admission")]),
        )
        assert await _eventually_ids(client, 'RescueStage = "admission"', [workflow_id])

        began = time.monotonic()
        await server.stop()
        stop_time = time.monotonic() - began
        await server.stop()  # idempotent

        restarted = TemporalDevServer(
            port=free_port(), ui_port=free_port(), db_file=db_file, log_file=log_file
        )
        server = restarted
        began = time.monotonic()
        address = await restarted.start()
        restart = time.monotonic() - began
        client = await Client.connect(address)
        found = await _eventually_ids(client, 'RescueStage = "admission"', [workflow_id])
        assert found == [workflow_id]
        described = await client.get_workflow_handle(workflow_id).describe()
        assert described.status == WorkflowExecutionStatus.RUNNING
        await client.get_workflow_handle(workflow_id).terminate("test over")
        print(
            f"\nTemporal first start {first_start:.2f}s, stop {stop_time:.2f}s, "
            f"restart {restart:.2f}s"
        )
    finally:
        await server.stop()
    assert log_file.exists()


async def test_attributes_missing_from_an_older_db_are_added_on_restart(tmp_path: Path) -> None:
    """The dev server ignores --search-attribute for a db created without that attribute."""
    db_file = tmp_path / "temporal.sqlite"
    port = free_port()
    old = subprocess.Popen(
        [str(temporal_binary()), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
        + ["--port", str(port), "--db-filename", str(db_file), "--log-level", "error"]
        + ["--search-attribute", "RescueStage=Keyword"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = None
        for _ in range(200):
            try:
                client = await Client.connect(f"127.0.0.1:{port}")
                break
            except RuntimeError:
                await asyncio.sleep(0.1)
        assert client is not None
        with pytest.raises(Exception, match="RescueNode"):
            await _ids(client, 'RescueNode = "n1"')
    finally:
        old.terminate()
        old.wait(10)

    server = TemporalDevServer(port=free_port(), ui_port=None, db_file=db_file)
    try:
        client = await Client.connect(await server.start())
        assert await _ids(client, 'RescueNode = "n1" AND RescueOverdue = true') == []
        assert await ensure_search_attributes(client, "default") == []  # all there now
    finally:
        await server.stop()


async def test_in_memory_server_with_own_namespace(tmp_path: Path) -> None:
    server = TemporalDevServer(port=free_port(), ui_port=None, db_file=None, namespace="rescue-t")
    try:
        address = await server.start()
        assert address == server.address
        assert "--db-filename" not in server.command()
        client = await Client.connect(address, namespace="rescue-t")
        query = 'RescueStage = "admission" AND RescueClassification = "x" AND RescueNode = "n"'
        assert await _ids(client, query) == []
        assert await ensure_search_attributes(client, "rescue-t") == []
    finally:
        await server.stop()


async def test_port_in_use_fails_fast(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = TemporalDevServer(
            port=taken.getsockname()[1], ui_port=None, db_file=tmp_path / "t.sqlite"
        )
        with pytest.raises(RuntimeError, match="in use"):
            await server.start()


async def test_server_that_exits_reports_its_log(tmp_path: Path) -> None:
    class Broken(TemporalDevServer):
        def command(self) -> list[str]:
            return [str(temporal_binary()), "server", "start-dev", "--no-such-flag"]

    server = Broken(port=free_port(), ui_port=None, db_file=None)
    with pytest.raises(RuntimeError, match="no-such-flag"):
        await server.start()
    await server.stop()
