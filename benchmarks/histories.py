"""What a case costs Temporal, read off its histories: the counts of activities, updates,
timers, upserts and children (the bare yardstick's spec), the events and bytes, and the largest
run of a five-year long-term stay."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory

from benchmarks.api_cases import Inbox, login
from benchmarks.bare import BareSpec
from benchmarks.processes import System

_COUNTED = {
    "activities": EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    "updates": EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    "timers_fired": EventType.EVENT_TYPE_TIMER_FIRED,
    "timers_cancelled": EventType.EVENT_TYPE_TIMER_CANCELED,
    "upserts": EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    "children": EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    "timers_started": EventType.EVENT_TYPE_TIMER_STARTED,
    "workflow_tasks": EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
}


def counts(history: WorkflowHistory) -> dict[str, int]:
    c = Counter(e.event_type for e in history.events)
    return {name: c[et] for name, et in _COUNTED.items()}


def history_size(history: WorkflowHistory) -> dict[str, int]:
    """Events, protobuf bytes (what Temporal counts against its limits) and JSON bytes."""
    return {"events": len(history.events), "bytes": sum(e.ByteSize() for e in history.events),
            "json_bytes": len(history.to_json())}


def spec_of(case: dict[str, int], child: dict[str, int] | None) -> BareSpec:
    def one(c: dict[str, int], kid: BareSpec | None) -> BareSpec:
        return BareSpec(activities=c["activities"], updates=c["updates"],
                        timers_fired=c["timers_fired"],
                        timers_cancelled=c["timers_cancelled"],
                        upserts=c["upserts"], child=kid)
    return one(case, one(child, None) if child and case["children"] else None)

async def case_histories(client: Client, number: str) -> tuple[WorkflowHistory, WorkflowHistory | None]:
    case = await client.get_workflow_handle(f"rescue-case:{number}").fetch_history()
    child = None
    try:
        child = await client.get_workflow_handle(f"rescue-follow-up:{number}").fetch_history()
    except Exception:  # noqa: BLE001 - no follow-up on this path
        child = None
    return case, child


async def long_stay(system: System, years: float) -> dict[str, Any]:
    """A five-year long-term stay (compressed: a month is a quarter second): monthly police
    lookups, an identity confirmation overdue all along (reminders and supervision), care
    records through the API; then the largest run's history."""
    month = 0.25
    day = month / 30
    policy = {"identity_search_interval": month, "stay_limit": 2 * month,
              "family_search_notice_within": day, "task_deadlines": {"identity_confirmation": day},
              "escalation_repeat": day, "escalation_weekly_after": 7 * day,
              "escalation_weekly_repeat": 7 * day, "escalation_monthly_after": 35 * day,
              "escalation_monthly_repeat": month}
    async with httpx.AsyncClient(base_url=system.api_url, timeout=60, trust_env=False) as http:
        cw = await login(http, "caseworker")
        resp = await http.post("/api/v1/cases", headers=cw, json={
            "report_id": f"bench-stay-{uuid.uuid4().hex}", "channel": "walk_in",
            "place": "示范市救助站门口", "policy": "compressed", "policy_overrides": policy})
        resp.raise_for_status()
        case_id = resp.json()["case_id"]
        inbox = Inbox(http, cw)
        task = await inbox.task(case_id, "registration")
        resp = await http.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=cw, json={
            "payload": {"person": {"name": "无名氏乙", "sex": "male", "estimated_age": 70}}})
        resp.raise_for_status()
        number = resp.json()["case"]["case_number"]
        end = time.monotonic() + years * 12 * month
        cares = 0
        while time.monotonic() < end:
            r = await http.post(f"/api/v1/cases/{case_id}/actions/care", headers=cw,
                                json={"service": "meals", "notes": f"care-{cares}"})
            cares += r.status_code == 200
            await asyncio.sleep(month)
        await inbox.close()
    wid = f"rescue-case:{number}"
    runs = [w async for w in system.client.list_workflows(f"WorkflowId = '{wid}'")]
    sizes = []
    for run in runs:
        h = await system.client.get_workflow_handle(wid, run_id=run.run_id).fetch_history()
        sizes.append(history_size(h))
    largest = max(sizes, key=lambda s: s["bytes"]) if sizes else {}
    return {"years": years, "runs": len(runs), "care_records": cares, "largest_run": largest,
            "total_events": sum(s["events"] for s in sizes)}
