"""A completion answers the case as its workflow has it once the step settled: from the state
the workflow wrote to the read model when the update says nothing was left to write, the same
case a read that asks the workflow answers."""

from __future__ import annotations

import httpx

from support import Stack, get_case, login, new_report, registration, voucher, wait_for_task


async def test_the_answer_is_the_case_as_its_workflow_has_it(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    r = await api.post("/api/v1/cases", json=new_report(), headers=caseworker)
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    for kind, payload, next_kind in (("registration", registration(), "ticket_voucher"),
                                     ("ticket_voucher", voucher(), "boarding_confirmation")):
        task = await wait_for_task(api, caseworker, case_id, kind)
        r = await api.post(f"/api/v1/tasks/{task['task_id']}/complete", json={"payload": payload},
                           headers=caseworker)
        assert r.status_code == 200, r.text
        answered = r.json()["case"]
        assert answered["source"] == "workflow"
        assert [t["kind"] for t in answered["open_tasks"]] == [next_kind]
        # The case waits for a person now: a read asks its workflow and sees the same case.
        assert await get_case(api, caseworker, case_id) == answered
