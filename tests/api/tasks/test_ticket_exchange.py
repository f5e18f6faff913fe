"""Ticket exchange is idempotent: lost answers and retries never buy a second ticket, and a
refusal by the ticket office comes back to the caseworker as a new voucher task."""

from __future__ import annotations

import httpx

from support import Stack, login, new_report, registration, voucher, wait_for_task


async def _case_at_voucher(api: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, dict]:
    resp = await api.post("/api/v1/cases", json=new_report(), headers=headers)
    case_id = resp.json()["case_id"]
    task = await wait_for_task(api, headers, case_id, "registration")
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                          json={"payload": registration()}, headers=headers)
    assert resp.status_code == 200, resp.text
    return case_id, await wait_for_task(api, headers, case_id, "ticket_voucher")


async def _tickets_for(stack: Stack, case_number: str) -> list[dict]:
    async with httpx.AsyncClient() as http:
        tickets = (await http.get(f"{stack.sim_url('transport')}/tickets",
                                  headers={"X-Api-Key": stack.settings.agency_api_key})).json()
    return [t for t in tickets if t["voucher_number"].startswith(f"HP{case_number}-")]


async def _set_faults(stack: Stack, **faults: object) -> None:
    async with httpx.AsyncClient() as http:
        resp = await http.put(f"{stack.sim_url('transport')}/admin/faults", json=faults,
                              headers=stack.sim_admin())
        assert resp.status_code == 200, resp.text


async def test_lost_answers_buy_one_ticket(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id, task = await _case_at_voucher(api, caseworker)
    # The ticket office issues the ticket but the answer is lost, most of the time.
    await _set_faults(stack, failure_rate=0.7, failure_mode="after")
    try:
        resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                              json={"payload": voucher()}, headers=caseworker)
        assert resp.status_code == 200, resp.text
        transport = await login(api, "transport")
        await wait_for_task(api, transport, case_id, "boarding_confirmation", timeout=60)
        case = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()
    finally:
        await _set_faults(stack)
    tickets = await _tickets_for(stack, case["case_number"])
    assert len(tickets) == 1
    exchanged = [e for e in case["timeline"] if e["kind"] == "ticket_exchanged"]
    assert len(exchanged) == 1
    assert tickets[0]["ticket_number"] in exchanged[0]["summary"]


async def test_refused_voucher_comes_back_as_a_task(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id, task = await _case_at_voucher(api, caseworker)
    # Same destination and date under another voucher is fine; a voucher number reused is a
    # refusal. Force one: exchange this case's first voucher number by hand beforehand.
    case = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()
    async with httpx.AsyncClient() as http:
        taken = await http.post(
            f"{stack.sim_url('transport')}/tickets/exchange",
            json={"voucher_number": f"HP{case['case_number']}-1", "passenger_name": None,
                  "destination": "别处", "travel_date": voucher()["travel_date"]},
            headers={"X-Api-Key": stack.settings.agency_api_key, "Idempotency-Key": "someone-else"})
        assert taken.status_code == 201, taken.text
    resp = await api.post(f"/api/v1/tasks/{task['task_id']}/complete",
                          json={"payload": voucher()}, headers=caseworker)
    assert resp.status_code == 200, resp.text
    retry = await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    assert retry["task_id"] != task["task_id"]
    assert "voucher_already_used" in retry["context"]["previous_refusal"]
    resp = await api.post(f"/api/v1/tasks/{retry['task_id']}/complete",
                          json={"payload": voucher()}, headers=caseworker)
    assert resp.status_code == 200, resp.text
    transport = await login(api, "transport")
    await wait_for_task(api, transport, case_id, "boarding_confirmation")
    case = (await api.get(f"/api/v1/cases/{case_id}", headers=caseworker)).json()
    kinds = [e["kind"] for e in case["timeline"]]
    assert kinds.count("ticket_refused") == 1 and kinds.count("ticket_exchanged") == 1
