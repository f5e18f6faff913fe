"""A person found on a patrol goes from the report to closed, through the API, on the real
stack: police lookup and ticket exchange over HTTP, tasks in the inboxes of the right people."""

from __future__ import annotations

from datetime import date

import httpx

from support import (
    Stack,
    login,
    new_report,
    registration,
    replay_and_maybe_record,
    voucher,
    wait_for_stage,
    wait_for_task,
)
from workflows.ids import case_workflow_id
from workflows.rescue_case import RescueCaseWorkflow


async def test_report_to_closed_through_the_api(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    liaison = await login(api, "liaison")

    # A patrol finds a man at the station square; the city station's caseworker reports it.
    resp = await api.post("/api/v1/cases", json=new_report(), headers=caseworker)
    assert resp.status_code == 201, resp.text
    case_id = resp.json()["case_id"]
    assert resp.json()["workflow_id"] == f"rescue-case:{resp.json()['case_number']}"

    # Admission: the caseworker registers him; an adult with civil capacity gets open rescue.
    task = await wait_for_task(api, caseworker, case_id, "registration")
    detail = (await api.get(f"/api/v1/tasks/{task['task_id']}", headers=caseworker)).json()
    assert "person" in detail["payload_schema"]["properties"]
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                          json={"payload": registration()}, headers=caseworker)
    assert resp.status_code == 200, resp.text
    state = resp.json()["case"]
    assert state["classification"] == "open"
    # The police lookup ran over HTTP and found his household registration in 东湖区.
    assert state["origin_node_id"] == "dh-t1-c1"
    assert state["person"]["id_number"] == "110105196803121237"  # caseworkers see it in clear
    assert state["stage"] == "return_home"
    assert [t["kind"] for t in state["open_tasks"]] == ["ticket_voucher"]

    # Return home: the caseworker issues a voucher; transport exchanges it for a ticket.
    task = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                          json={"payload": voucher()}, headers=caseworker)
    assert resp.status_code == 200, resp.text
    case_number = resp.json()["case"]["case_number"]
    tickets = (await api.get(f"{stack.sim_url('transport')}/tickets",
                             headers={"X-Api-Key": stack.settings.agency_api_key})).json()
    mine = [t for t in tickets if t["voucher_number"].startswith(f"HP{case_number}")]
    assert len(mine) == 1

    # The railway station confirms he boarded through the green channel.
    transport = await login(api, "transport")
    task = await wait_for_task(api, transport, case_id, "boarding_confirmation")
    assert task["context"]["ticket"] == mine[0]["ticket_number"]
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=transport,
                          json={"payload": {"boarded": True}})
    assert resp.status_code == 200, resp.text

    # Handover: the origin community's liaison confirms receipt; the case closes.
    task = await wait_for_task(api, liaison, case_id, "handover_receipt")
    assert task["context"]["destination"] == "东湖站"
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=liaison, json={
        "payload": {"received_by": "张建国之妻", "relationship": "亲属", "received_on": date.today().isoformat()}})
    assert resp.status_code == 200, resp.text
    closed = await wait_for_stage(api, liaison, case_id, "closed")
    assert closed["open_tasks"] == []

    # Follow-up: after the (compressed) quarter the liaison visits, asks for minimum-living
    # support for the family and decides the follow-up can end; the township decides.
    task = await wait_for_task(api, liaison, case_id, "follow_up_visit")
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=liaison, json={
        "payload": {"visited_on": date.today().isoformat(), "met_person": True,
                    "family_contacted": True, "situation": "在家居住，情况稳定", "needs": ["低保"],
                    "end_follow_up": True, "end_reason": "已稳定就业"}})
    assert resp.status_code == 200, resp.text
    township = await login(api, "township")
    task = await wait_for_task(api, township, case_id, "referral")
    assert task["context"]["need"] == "低保"
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", headers=township,
                          json={"payload": {"granted": True, "decision": "已纳入低保"}})
    assert resp.status_code == 200, resp.text
    follow_up = stack.client.get_workflow_handle(f"rescue-follow-up:{case_number}")
    result = await follow_up.result()
    assert result["visits"] == 1
    assert result["reason"] == "已稳定就业"

    final = (await api.get(f"/api/v1/cases/{case_id}", headers=liaison)).json()
    assert final["outcome"] == "returned_home"
    # Closed: the page is the state the case's last sync kept, not asked of the finished
    # workflow (whose query would replay its whole history); the very state it answers.
    assert final["source"] == "closed"
    exact = await stack.client.get_workflow_handle(case_workflow_id(case_number)).query(
        RescueCaseWorkflow.state)
    assert (final["stage"], final["outcome"], final["identity_known"], final["follow_up_by"],
            final["follow_up_acknowledged"], final["classification"], final["long_term"],
            final["overdue"]) == (
        exact.stage.value, exact.outcome.value if exact.outcome else None, exact.identity_known,
        exact.follow_up_by, exact.follow_up_acknowledged,
        exact.classification.value if exact.classification else None, exact.long_term, exact.overdue)
    assert final["person"]["name"] == exact.person.name
    # The timeline comes from the workflow; the follow-up's records are in the case's events.
    kinds = [e["kind"] for e in final["timeline"]]
    for expected in ("reported", "guided", "registered", "identity_found", "voucher_issued",
                     "ticket_exchanged", "boarded", "handed_over", "follow_up_handed", "closed"):
        assert expected in kinds
    # The liaison is not a role that needs identity numbers: masked.
    assert final["person"]["id_number"] == "110105**********37"

    # The read model followed the workflow, and the operator can read the raw history.
    operator = await login(api, "operator")
    history = (await api.get(f"/api/v1/cases/{case_id}/history", headers=operator)).json()
    assert history[0]["type"] == "WORKFLOW_EXECUTION_STARTED"
    assert history[-1]["type"] == "WORKFLOW_EXECUTION_COMPLETED"
    activities = {e["detail"] for e in history if e["type"] == "ACTIVITY_TASK_SCHEDULED"}
    assert {"sync_case", "lookup_household", "exchange_ticket"} <= activities
    # Started at the current logic level, the case runs its patches without a marker each.
    assert "MARKER_RECORDED" not in {e["type"] for e in history}

    # Today's code replays what just ran (and, when recording, keeps it for later versions).
    await replay_and_maybe_record(stack, f"rescue-case:{case_number}", "v9_happy_path_case")
    await replay_and_maybe_record(stack, f"rescue-follow-up:{case_number}", "v9_happy_path_follow_up")
