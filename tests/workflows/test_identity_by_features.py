"""The identity search by features, on the real stack: a person who gives no name and no
identity number is searched by fingerprints, sex, age, place found and marks at admission and
again at the policy's interval; the identity task says what was searched and what came back; a
fingerprint match in the police's population leads to the family verification, and a family
that is not theirs is not proposed again."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from support import (
    Stack,
    complete,
    get_case,
    kinds,
    login,
    open_case,
    replay_and_maybe_record,
    wait_for_task,
)

ZHANG_FINGERPRINTS = "FP-5A1C-3E07-9B22"  # 张建国's, in the police simulator's population


async def _police_log(stack: Stack, path: str, case_number: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(headers={"X-Api-Key": stack.settings.agency_api_key}) as http:
        resp = await http.get(f"{stack.sim_url('police')}{path}")
        assert resp.status_code == 200, resp.text
    return [e for e in resp.json() if e["request_id"].startswith(f"{case_number}:")]


async def _task(api: httpx.AsyncClient, headers: dict[str, str], task_id: str) -> dict[str, Any]:
    resp = await api.get(f"/api/v1/tasks/{task_id}", headers=headers)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def _until(check: Any, timeout: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert asyncio.get_running_loop().time() < deadline, "waited in vain"
        await asyncio.sleep(0.2)


async def test_an_unnamed_person_is_searched_at_admission_and_again_at_the_interval(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 2})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    # He cannot say who he is; the station takes his fingerprints and notes a scar.
    await complete(api, caseworker, task, {
        "person": {"sex": "male", "estimated_age": 55}, "fingerprints_taken": True,
        "fingerprint_code": "FP-0000-1111-2222", "marks": "左小臂有一道旧伤疤"})
    confirm = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    context = confirm["context"]
    assert context["reason"] == "no_identifiers"  # no household lookup could be made
    assert context["searches"] == 1
    assert context["searched"] == ["特征比对（指纹、性别、年龄、发现地点、体貌特征）"]
    assert context["search_result"] == "比对了指纹、性别、年龄、发现地点、体貌特征，未比中"
    assert context["next_search_at"] > context["last_search_at"]
    case = await get_case(api, caseworker, case_id)
    number = case["case_number"]
    assert "features_taken" in kinds(case) and "features_not_found" in kinds(case)
    taken = next(e for e in case["timeline"] if e["kind"] == "features_taken")
    assert taken["summary"] == "入站采集：采集指纹（指纹编码已录入）、记录体貌特征；未采集照片（按规定入站时应采集）"

    # The police system was asked by features (and never by name: there is none).
    searches = await _police_log(stack, "/population/feature-searches", number)
    assert [e["request_id"] for e in searches][:1] == [f"{number}:features:1"]
    assert searches[0]["compared"] == ["fingerprint", "sex", "age", "place", "marks"]
    assert await _police_log(stack, "/population/lookups", number) == []

    # Two seconds later (the policy's interval) the police are asked again, and the task says so.
    async def searched_again() -> dict[str, Any] | None:
        task = await _task(api, caseworker, confirm["task_id"])
        return task if task["context"]["searches"] >= 2 else None

    again = (await _until(searched_again))["context"]
    assert again["search_result"] == "比对了指纹、性别、年龄、发现地点、体貌特征，未比中"
    assert again["last_search_at"] > context["last_search_at"]
    requests = [e["request_id"] for e in await _police_log(stack, "/population/feature-searches", number)]
    assert requests[:2] == [f"{number}:features:1", f"{number}:features:2"]
    case = await get_case(api, caseworker, case_id)
    lines = [e["summary"] for e in case["timeline"] if e["kind"] == "features_not_found"]
    assert lines[:2] == [f"公安特征比对（第{n}次）：比对了指纹、性别、年龄、发现地点、体貌特征，未比中"
                         for n in (1, 2)]
    assert "identity_not_found" not in kinds(case)  # no household lookup pretended to happen
    # The caseworker learns his origin: the search ends.
    await complete(api, caseworker, confirm, {"origin_address": "四川省某县某村"})
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await replay_and_maybe_record(stack, f"rescue-case:{number}", "v3_features_repeated_search")


async def test_a_fingerprint_match_leads_to_the_family_verification(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {
        "person": {"sex": "male", "estimated_age": 57}, "fingerprints_taken": True,
        "fingerprint_code": ZHANG_FINGERPRINTS.lower()})
    # The police's fingerprints name a resident: the caseworker must reach the family first.
    verify = await wait_for_task(api, caseworker, case_id, "family_verification")
    assert verify["context"]["community_node_id"] == "dh-t1-c1"
    assert "柳岸社区" in verify["context"]["household_address"]
    confirm = await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    assert confirm["context"]["search_result"] == "指纹相符，找到一名疑似人员，正在联系核实家属"
    case = await get_case(api, caseworker, case_id)
    assert case["identity_known"] is False
    matched = next(e for e in case["timeline"] if e["kind"] == "features_matched")
    assert matched["summary"] == "公安特征比对（第1次）：指纹相符，找到一名疑似人员，待联系核实家属"
    assert "张建国" not in matched["summary"]  # nobody's name before the family confirms

    case = await complete(api, caseworker, verify, {"verified": True, "contact_person": "张妻",
                                                    "relationship": "妻子"})
    assert case["identity_known"] is True and case["origin_node_id"] == "dh-t1-c1"
    assert case["person"]["name"] == "张建国"
    timeline = kinds(case)
    assert timeline.index("features_matched") < timeline.index("family_candidate") < timeline.index("identity_found")
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    tasks = (await api.get("/api/v1/tasks", headers=caseworker)).json()
    assert not any(t["case_id"] == case_id and t["kind"] == "identity_confirmation" for t in tasks)
    await replay_and_maybe_record(stack, f"rescue-case:{case['case_number']}",
                                  "v3_features_fingerprint_match")


async def test_a_family_that_is_not_theirs_is_not_proposed_again(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 1})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {
        "person": {"sex": "male", "estimated_age": 57}, "fingerprints_taken": True,
        "fingerprint_code": ZHANG_FINGERPRINTS})
    verify = await wait_for_task(api, caseworker, case_id, "family_verification")
    await complete(api, caseworker, verify, {"verified": False, "contact_person": "张妻",
                                             "relationship": "妻子", "notes": "不是本人"})
    confirm = await wait_for_task(api, caseworker, case_id, "identity_confirmation")

    async def searched_after() -> dict[str, Any] | None:
        task = await _task(api, caseworker, confirm["task_id"])
        return task if task["context"]["searches"] >= 3 else None

    context = (await _until(searched_after))["context"]
    assert context["search_result"] == "比对了指纹、性别、年龄、发现地点，未比中"
    case = await get_case(api, caseworker, case_id)
    assert kinds(case).count("family_candidate") == 1
    assert "family_not_verified" in kinds(case)
    tasks = (await api.get("/api/v1/tasks", headers=caseworker)).json()
    assert not any(t["case_id"] == case_id and t["kind"] == "family_verification" for t in tasks)
    await complete(api, caseworker, confirm, {"origin_address": "四川省某县某村"})
