"""Identity correction (更正身份信息): after registration the station adds or corrects the
name, identity number, birth date or origin; each change is on record with who and why, the
rules follow the new age, and the police household lookup runs again at once."""

from __future__ import annotations

import asyncio

import httpx

from support import (
    Stack,
    complete,
    do,
    get_case,
    kinds,
    login,
    open_case,
    replay_and_maybe_record,
    wait_for_task,
)


async def _unknown_adult(api: httpx.AsyncClient, caseworker: dict[str, str]) -> str:
    """A registered adult the police cannot find: the identity search is under way."""
    case_id = await open_case(api, caseworker, channel="walk_in",
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {"person": {"sex": "male", "estimated_age": 55}})
    await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    return case_id


async def test_a_correction_is_on_record_and_the_police_look_again(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await _unknown_adult(api, caseworker)
    # the name and birth date learnt later: the household is looked up again at once
    resp = await do(api, caseworker, case_id, "identity-correction", {
        "name": "张建国", "birth_date": "1968-03-12", "reason": "本人回忆起姓名和出生日期"})
    assert resp.status_code == 200, resp.text
    case = resp.json()
    assert case["person"]["name"] == "张建国" and case["person"]["age"] >= 58
    corrected = next(e for e in case["timeline"] if e["kind"] == "identity_corrected")
    assert corrected["actor"] == "caseworker" and "姓名、出生日期" in corrected["summary"]
    assert "本人回忆起姓名和出生日期" in corrected["summary"]
    # the second lookup finds a household: the family is verified before anything else
    task = await wait_for_task(api, caseworker, case_id, "family_verification", timeout=30)
    assert task["context"]["community_node_id"] == "dh-t1-c1"
    assert "lookup_requested" in kinds(await get_case(api, caseworker, case_id))
    await complete(api, caseworker, task, {"verified": True, "contact_person": "张妻", "relationship": "配偶"})
    await wait_for_task(api, caseworker, case_id, "ticket_voucher", timeout=30)
    number = case["case_number"]
    await do(api, caseworker, case_id, "departure", {"declaration_signed": True})
    for _ in range(100):
        if (await get_case(api, caseworker, case_id))["stage"] == "closed":
            break
        await asyncio.sleep(0.1)
    await replay_and_maybe_record(stack, f"rescue-case:{number}", "v3_identity_corrected")


async def test_corrections_follow_the_rules(api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    not_yet = await open_case(api, caseworker, channel="walk_in")
    await wait_for_task(api, caseworker, not_yet, "registration")
    refused = await do(api, caseworker, not_yet, "identity-correction", {"name": "甲", "reason": "核实"})
    assert refused.status_code == 409 and "尚未入站登记" in refused.json()["message"]

    case_id = await _unknown_adult(api, caseworker)
    nothing = await do(api, caseworker, case_id, "identity-correction", {"reason": "核实"})
    assert nothing.status_code == 409 and "请填写要补充或更正的内容" in nothing.json()["message"]
    bad = await do(api, caseworker, case_id, "identity-correction", {"id_number": "123", "reason": "核实"})
    assert bad.status_code == 422
    disagree = await do(api, caseworker, case_id, "identity-correction", {
        "id_number": "110105196803121237", "birth_date": "1970-01-01", "reason": "户口簿"})
    assert disagree.status_code == 409 and "不一致" in disagree.json()["message"]
    hotline = await do(api, await login(api, "hotline"), case_id, "identity-correction",
                       {"name": "乙", "reason": "核实"})
    assert hotline.status_code == 403

    # younger than thought: a minor now, so protective rescue, whatever was chosen before
    minor = await do(api, caseworker, case_id, "identity-correction", {
        "birth_date": "2014-05-01", "reason": "学籍信息", "lookup_again": False})
    assert minor.status_code == 200, minor.text
    case = minor.json()
    assert case["person"]["is_minor"] and case["classification"] == "protective"
    assert {"identity_corrected", "reclassified"} <= set(kinds(case))
    assert "lookup_requested" not in kinds(case)  # not asked for this time
