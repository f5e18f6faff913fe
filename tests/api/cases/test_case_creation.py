"""Opening cases: a repeated report id makes one case and one workflow; bad reports are 4xx."""

from __future__ import annotations

import asyncio

import httpx

from support import Stack, login, new_report


async def test_same_report_twice_is_one_case(stack: Stack, api: httpx.AsyncClient) -> None:
    hotline = await login(api, "hotline")
    report = new_report(channel="hotline", report_id="hotline-call-20261128-0001x")
    first = await api.post("/api/v1/cases", json=report, headers=hotline)
    assert first.status_code == 201, first.text
    again = await api.post("/api/v1/cases", json=report, headers=hotline)
    assert again.status_code == 200
    assert again.json()["case_id"] == first.json()["case_id"]
    assert again.json()["created"] is False


async def test_concurrent_repeats_make_one_workflow(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    report = new_report()
    answers = await asyncio.gather(*(api.post("/api/v1/cases", json=report, headers=caseworker)
                                     for _ in range(8)))
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    assert len({a.json()["case_id"] for a in answers}) == 1
    assert sum(a.json()["created"] for a in answers) == 1
    workflow_id = answers[0].json()["workflow_id"]
    # Visibility is eventually consistent: poll until the workflow is listed, then count.
    for _ in range(100):
        runs = [w async for w in stack.client.list_workflows(f'WorkflowId = "{workflow_id}"')]
        if runs:
            break
        await asyncio.sleep(0.1)
    assert len(runs) == 1
    assert runs[0].typed_search_attributes is not None


async def test_bad_reports_are_refused_clearly(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    resp = await api.post("/api/v1/cases", json=new_report(place=""), headers=caseworker)
    assert resp.status_code == 422
    assert resp.json()["code"] == "invalid_request"
    resp = await api.post("/api/v1/cases", json=new_report(channel="carrier-pigeon"), headers=caseworker)
    assert resp.status_code == 422
    resp = await api.post("/api/v1/cases", json=new_report(station_node_id="dh-t1-c1"), headers=caseworker)
    assert resp.status_code == 422
    assert resp.json()["code"] == "station_not_found"
    # The bureau leader has no station of their own and does not file reports.
    bureau = await login(api, "bureau")
    assert (await api.post("/api/v1/cases", json=new_report(), headers=bureau)).status_code == 403


async def test_county_reports_go_to_the_county_station(stack: Stack, api: httpx.AsyncClient) -> None:
    liaison = await login(api, "liaison")  # a community point in 东湖区
    resp = await api.post("/api/v1/cases", json=new_report(channel="community"), headers=liaison)
    assert resp.status_code == 201, resp.text
    dh = await login(api, "dh_caseworker")
    case = (await api.get(f"/api/v1/cases/{resp.json()['case_id']}", headers=dh)).json()
    assert case["station_node_id"] == "dh-station"
    # The liaison who reported it can follow it.
    mine = await api.get(f"/api/v1/cases/{resp.json()['case_id']}", headers=liaison)
    assert mine.status_code == 200
    # The 西山县 caseworker is outside that subtree.
    xs = await login(api, "xs_caseworker")
    denied = await api.get(f"/api/v1/cases/{resp.json()['case_id']}", headers=xs)
    assert denied.status_code == 404  # outside the subtree the case does not exist
