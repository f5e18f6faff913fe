"""The doors into Temporal: a payload that is not encrypted is not acted on, and the embedded
Temporal (frontend and UI) listens on loopback only. Against the real dev server and worker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import psutil
import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from stack.temporal_server import TemporalDevServer, free_port
from support import Stack, do, get_case, kinds, login, open_case, wait_for_task
from workflows.ids import case_workflow_id


async def test_a_plaintext_signal_or_update_is_not_acted_on(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    # Someone who reaches Temporal without the payload key: the default (plaintext JSON) converter.
    intruder = await Client.connect(stack.settings.temporal_address or "",
                                    namespace=stack.settings.temporal_namespace)
    handle = intruder.get_workflow_handle(case_workflow_id(task["case_number"]))
    await handle.signal("dna_result", {
        "callback_id": f"forged-{uuid.uuid4().hex[:8]}", "case_number": task["case_number"],
        "sample_id": "S-1", "matched": False, "compared_at": datetime.now(UTC).isoformat()})
    actor = {"user_id": str(uuid.uuid4()), "username": "attacker", "node_id": "city-station",
             "role": "caseworker"}
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("record_care", {"actor": actor, "service": "meals"})
    # The case still works for its own people, and nothing of the above is in it.
    assert (await do(api, caseworker, case_id, "care", {"service": "clothing"})).status_code == 200
    case = await get_case(api, caseworker, case_id)
    assert "dna_no_match" not in kinds(case)
    assert [e["actor"] for e in case["timeline"] if e["kind"] == "care"] == ["caseworker"]


async def test_the_embedded_temporal_listens_on_loopback_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = TemporalDevServer(port=free_port(), ui_port=free_port(), db_file=None,
                               log_file=tmp_path / "t.log", ui_public_path="/console/temporal")
    await server.start()
    try:
        assert server.pid is not None
        listening = {(c.laddr.ip, c.laddr.port) for c in psutil.Process(server.pid).net_connections("tcp")
                     if c.status == psutil.CONN_LISTEN}
        ports = {port for _, port in listening}
        assert {server.port, server.ui_port} <= ports
        assert {ip for ip, _ in listening} == {"127.0.0.1"}, listening
    finally:
        await server.stop()
