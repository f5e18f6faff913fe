"""Family search in the process, on the real stack: a family's report that matches a person in
care opens a family verification in the case within a minute; the caseworker sees why; a pair
the family rejects is never proposed again; a confirmed one takes the person home. A report
registered before the person arrives is found when the case starts its identity search."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from domain.matching.model import FIELDS, fitted
from rescue.fit_matching import fit_from_database
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


def family_report(name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "sex": "female", "birth_year": 1950, "origin": "四川省绵阳市某村",
            "last_seen_on": "2025-09-01", "last_seen_place": "四川省绵阳市汽车站",
            "conditions": ["dementia"], "contact_name": "家属", "contact_phone": "13900000000"}
    body.update(fields)
    return body


async def admit_unknown_woman(api: httpx.AsyncClient, caseworker: dict[str, str], name: str) -> str:
    case_id = await open_case(api, caseworker, channel="walk_in", sex="female",
                              policy_overrides={"identity_search_interval": 3600})
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, {"person": {"name": name, "sex": "female", "estimated_age": 76}})
    await wait_for_task(api, caseworker, case_id, "identity_confirmation")
    return case_id


async def test_a_family_report_opens_a_verification_and_a_rejected_pair_stays_rejected(
        stack: Stack, api: httpx.AsyncClient, tmp_path: Path) -> None:
    caseworker, hotline = await login(api, "caseworker"), await login(api, "hotline")
    case_id = await admit_unknown_woman(api, caseworker, "上官桂英")
    first = (await api.post("/api/v1/missing/reports", json=family_report("上官桂英"), headers=hotline)).json()
    verify = await wait_for_task(api, caseworker, case_id, "family_verification", timeout=60)
    assert verify["context"]["household_address"] == "四川省绵阳市某村"
    case = await get_case(api, caseworker, case_id)
    assert "family_search_matched" in kinds(case)
    # The caseworker sees why: field by field, in Chinese.
    shown = (await api.get(f"/api/v1/missing/cases/{case_id}/candidates", headers=caseworker)).json()
    best = next(c for c in shown if c["report_id"] == first["report_id"])
    readings = {f["field"]: f["reading"] for f in best["fields"]}
    assert readings["name"] == "姓名完全相同" and readings["sex"] == "性别相同"
    assert best["status"] == "verifying" or best["status"] == "proposed"

    # The family says it is not her: remembered, and never proposed again.
    await complete(api, caseworker, verify, {"verified": False, "contact_person": "家属",
                                             "relationship": "女儿", "notes": "不是本人"})
    conn = await asyncpg.connect(stack.database_url)
    try:
        async def decided() -> str:
            for _ in range(100):
                status = await conn.fetchval("SELECT status FROM match_candidates WHERE report_id = $1"
                                             " AND case_id = $2", first["report_id"], case_id)
                if status == "rejected":
                    return status
                await asyncio.sleep(0.1)
            return str(status)
        assert await decided() == "rejected"
    finally:
        await conn.close()

    # A second family registers her (another spelling of the given name, same sound): verified.
    second = (await api.post("/api/v1/missing/reports", json=family_report("上官贵英"), headers=hotline)).json()
    verify = await wait_for_task(api, caseworker, case_id, "family_verification", timeout=60)
    case = await complete(api, caseworker, verify, {"verified": True, "contact_person": "上官军",
                                                    "relationship": "儿子"})
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    shown = (await api.get(f"/api/v1/missing/reports/{second['report_id']}", headers=hotline)).json()
    assert shown["status"] == "found"
    case = await get_case(api, caseworker, case_id)
    assert any(e["kind"] == "identity_found" and second["report_number"] in e["summary"] for e in case["timeline"])
    # The rejected report is not among the case's candidates any more.
    conn = await asyncpg.connect(stack.database_url)
    try:
        statuses = dict(await conn.fetch("SELECT report_id::text, status FROM match_candidates WHERE case_id = $1",
                                         case_id))
    finally:
        await conn.close()
    assert statuses[first["report_id"]] == "rejected" and statuses[second["report_id"]] == "confirmed"
    # The confirmed pair is what `rescue fit-matching` learns m from (the comparison stored
    # when it was proposed); u from random pairs of reports and cases.
    out = tmp_path / "parameters.json"
    counts = await fit_from_database(stack.database_url, out, random_pairs=5000)
    assert counts["confirmed pairs"] >= 1 and counts["random pairs"] >= 1
    fit = fitted(out)
    assert set(fit) == {f.name for f in FIELDS} and fit["name"][6][0] > fit["name"][6][1]


async def test_a_report_registered_before_the_person_arrives_is_found_at_the_search(
        stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, hotline = await login(api, "caseworker"), await login(api, "hotline")
    made = await api.post("/api/v1/missing/reports", json=family_report("司马春燕", aliases=["小燕"]),
                          headers=hotline)
    assert made.status_code == 201
    case_id = await admit_unknown_woman(api, caseworker, "司马春艳")  # a homophone of her name
    verify = await wait_for_task(api, caseworker, case_id, "family_verification", timeout=60)
    assert verify["context"]["household_address"] == "四川省绵阳市某村"
    number = (await get_case(api, caseworker, case_id))["case_number"]
    await complete(api, caseworker, verify, {"verified": True, "contact_person": "司马军",
                                             "relationship": "儿子"})
    await wait_for_task(api, caseworker, case_id, "ticket_voucher")
    await replay_and_maybe_record(stack, f"rescue-case:{number}", "v6_family_search_at_admission")
