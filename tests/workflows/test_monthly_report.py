"""A monthly report opened after its due date (workflows/monthly_report.py), on the real stack
with the compressed report policy (escalation every 2 s, 5 escalations, late window 15 s):
one notice that it is late, then escalations at their own pace — never a burst — then missed,
and still submittable, marked late, until the window closes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from support import Stack, login, replay_and_maybe_record


async def _open_late(api: httpx.AsyncClient, month: str, locality: str) -> None:
    bureau = await login(api, "bureau")
    due = (datetime.now(UTC) - timedelta(days=3)).isoformat()  # the 25th has long passed
    resp = await api.post("/api/v1/reports/open", headers=bureau,
                          json={"month": month, "locality_node_id": locality, "due_at": due})
    assert resp.status_code == 200, resp.text
    assert resp.json()["opened"] == [f"monthly-report:{locality}:{month}"]


async def _report(api: httpx.AsyncClient, headers: dict[str, str], report_id: str, until: Any,
                  timeout: float = 60) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        resp = await api.get(f"/api/v1/reports/{report_id}", headers=headers)
        if resp.status_code == 200 and until(resp.json()):
            return dict(resp.json())
        assert asyncio.get_running_loop().time() < deadline, resp.text
        await asyncio.sleep(0.2)


async def _notices(stack: Stack, month: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.database_url)
    try:
        return list(await conn.fetch(
            "SELECT node_id, role, message, created_at FROM notifications WHERE message LIKE $1 "
            "ORDER BY created_at, node_id", f"%{month}月报%"))
    finally:
        await conn.close()


async def test_a_report_opened_late_says_so_once_then_escalates_at_its_pace(
        stack: Stack, api: httpx.AsyncClient) -> None:
    await asyncio.gather(_open_late(api, "2023-03", "dh-station"), _open_late(api, "2023-04", "xs-station"))
    dh, xs = await login(api, "dh_caseworker"), await login(api, "xs_caseworker")
    opened = await _report(api, dh, "dh-station:2023-03", lambda r: True)
    assert opened["status"] == "overdue" and opened["reminders"] == 0

    missed = await _report(api, dh, "dh-station:2023-03", lambda r: r["status"] == "missed")
    assert missed["reminders"] == 0 and missed["escalations"] == 5
    notices = await _notices(stack, "2023-03")
    first = notices[0]
    assert (first["node_id"], first["role"]) == ("dh-station", "station_head")
    assert "已过" in first["message"] and "逾期报送" in first["message"]
    assert not [n for n in notices if "提醒" in n["message"]]  # no reminder for a past due date
    escalations = [n for n in notices[1:] if n["node_id"] == "city-bureau"]
    assert len(escalations) == 6  # five escalations and "missed", each to the city office…
    assert len(notices) == 1 + 2 * 6  # …and to the station head; one opening notice before them
    moments = [datetime.fromisoformat(opened["opened_at"]), *(n["created_at"] for n in escalations)]
    gaps = [(b - a).total_seconds() for a, b in zip(moments, moments[1:], strict=False)]
    assert min(gaps) >= 1.5, gaps  # the policy's 2 s between notices: no burst

    # Missed, yet still taken: submitted late.
    resp = await api.post("/api/v1/reports/dh-station:2023-03/submit", headers=dh,
                          json={"narrative": "补报：本月开展联合巡查2次。"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "submitted" and resp.json()["submitted_late"] is True
    result = await stack.client.get_workflow_handle("monthly-report:dh-station:2023-03").result()
    assert result["status"] == "submitted" and result["late"] is True and result["escalations"] == 5
    await replay_and_maybe_record(stack, "monthly-report:dh-station:2023-03", "n9_monthly_report_opened_late")

    # The other locality never submits: once the late window closes the report is closed.
    result = await stack.client.get_workflow_handle("monthly-report:xs-station:2023-04").result()
    assert result["status"] == "missed"
    resp = await api.post("/api/v1/reports/xs-station:2023-04/submit", headers=xs, json={"narrative": "补报"})
    assert resp.status_code == 409 and resp.json()["code"] == "report_closed"
    assert (await _report(api, xs, "xs-station:2023-04", lambda r: True))["status"] == "missed"
