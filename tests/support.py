"""What tests share: the stack handle and the steps a user takes through the API."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.worker import Replayer

from rescue.codec import data_converter
from rescue.settings import Settings
from worker import WORKFLOWS

TEST_PAYLOAD_KEY = base64.b64encode(b"rescue-test-payload-key-32-bytes").decode()
"""Fixed key, so histories recorded by the suite can be replayed by later suites."""
DEMO_PASSWORD = "Rescue-Demo-2026"


@dataclass
class Stack:
    settings: Settings
    client: Client
    database_url: str
    api_url: str

    def sim_url(self, agency: str) -> str:
        return str(getattr(self.settings, f"{agency}_url"))

    def sim_admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.settings.simulator_admin_token}"}


async def login(api: httpx.AsyncClient, username: str) -> dict[str, str]:
    resp = await api.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def new_report(**overrides: Any) -> dict[str, Any]:
    report = {
        "report_id": f"test-{uuid.uuid4().hex[:12]}",
        "channel": "patrol",
        "place": "示范市火车站广场东侧地下通道",
        "sex": "male",
        "description": "中年男性，衣着单薄",
    }
    report.update(overrides)
    return report


def registration(name: str = "张建国", birth: str = "1968-03-12", **person: Any) -> dict[str, Any]:
    return {"person": {"name": name, "sex": "male", "birth_date": birth, **person}}


def voucher(days_ahead: int = 1, destination: str = "东湖站") -> dict[str, Any]:
    return {"destination": destination, "travel_date": (date.today() + timedelta(days=days_ahead)).isoformat()}


async def wait_for_task(api: httpx.AsyncClient, headers: dict[str, str], case_id: str, kind: str,
                        timeout: float = 30) -> dict[str, Any]:
    """Poll the caller's inbox until a task of this kind for this case appears."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        resp = await api.get("/api/v1/tasks", headers=headers)
        assert resp.status_code == 200, resp.text
        for task in resp.json():
            if task["case_id"] == case_id and task["kind"] == kind:
                return task
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no {kind} task for case {case_id} after {timeout}s")
        await asyncio.sleep(0.1)


async def wait_for_stage(api: httpx.AsyncClient, headers: dict[str, str], case_id: str, stage: str,
                         timeout: float = 30) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        resp = await api.get(f"/api/v1/cases/{case_id}", headers=headers)
        assert resp.status_code == 200, resp.text
        if resp.json()["stage"] == stage:
            return resp.json()
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"case {case_id} stuck in {resp.json()['stage']}, wanted {stage}")
        await asyncio.sleep(0.1)


HISTORIES = Path(__file__).parent / "replay" / "histories"


async def replay_and_maybe_record(stack: Stack, workflow_id: str, name: str) -> None:
    """Replay a finished case's history with today's code; with RESCUE_RECORD_HISTORIES=1,
    also keep it in tests/replay/histories so later changes must still replay it."""
    history = await stack.client.get_workflow_handle(workflow_id).fetch_history()
    await Replayer(workflows=WORKFLOWS, data_converter=data_converter([base64.b64decode(TEST_PAYLOAD_KEY)])
                   ).replay_workflow(history)
    if os.environ.get("RESCUE_RECORD_HISTORIES") == "1":
        HISTORIES.mkdir(parents=True, exist_ok=True)
        (HISTORIES / f"{name}.json").write_text(history.to_json())


async def open_case(api: httpx.AsyncClient, headers: dict[str, str], **report: Any) -> str:
    resp = await api.post("/api/v1/cases", json=new_report(**report), headers=headers)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["case_id"])


async def complete(api: httpx.AsyncClient, headers: dict[str, str], task: dict[str, Any],
                   payload: dict[str, Any]) -> dict[str, Any]:
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", json={"payload": payload},
                          headers=headers)
    assert resp.status_code == 200, resp.text
    return dict(resp.json()["case"])


async def do(api: httpx.AsyncClient, headers: dict[str, str], case_id: str, action: str,
             body: dict[str, Any]) -> httpx.Response:
    return await api.post(f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=headers)


async def get_case(api: httpx.AsyncClient, headers: dict[str, str], case_id: str) -> dict[str, Any]:
    resp = await api.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def kinds(case: dict[str, Any]) -> list[str]:
    return [e["kind"] for e in case["timeline"]]
