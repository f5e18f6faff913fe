"""Sensitive fields per role (README's table): identity numbers, health, psychiatric and DNA
data are visible only to the roles that need them, in case views, lists, task contexts and
timelines; searching by identity number is for those roles only."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from api.auth.access import masked_context, masked_tasks, masked_timeline
from db.users_repo import UserRecord
from domain.case import CaseEvent
from domain.enums import Role, TaskKind
from domain.tasks import Assignee, CaseTask
from support import Stack, complete, get_case, login, open_case, registration, wait_for_task

ID_NUMBER = "110105196803121237"
MASKED = "110105**********37"


def user(role: Role) -> UserRecord:
    return UserRecord(user_id=uuid.uuid4(), username=role.value, display_name="", password_hash="",
                      role=role, node_id="city-station", node_path="/city-bureau/city-station/",
                      node_name="", active=True)


async def until(api: httpx.AsyncClient, headers: dict[str, str], case_id: str,
                check: Any, timeout: float = 30) -> dict[str, Any]:
    for _ in range(int(timeout * 10)):
        case = await get_case(api, headers, case_id)
        if check(case):
            return case
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id} never got there")


async def test_identity_numbers(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, hotline = await login(api, "caseworker"), await login(api, "hotline")
    case_id = await open_case(api, caseworker, channel="walk_in")
    task = await wait_for_task(api, caseworker, case_id, "registration")
    await complete(api, caseworker, task, registration(id_number=ID_NUMBER))
    case = await until(api, caseworker, case_id, lambda c: c["person"]["id_number"])
    assert case["person"]["id_number"] == ID_NUMBER
    for name in ("hotline", "operator", "bureau", "liaison"):
        seen = await get_case(api, await login(api, name), case_id)
        assert seen["person"]["id_number"] == MASKED, name
    listed = await api.get("/api/v1/cases", params={"q": case["case_number"]}, headers=hotline)
    assert [c["person"]["id_number"] for c in listed.json()["items"]] == [MASKED]
    # a search by identity number would tell who is who: only for roles that see them
    refused = await api.get("/api/v1/cases", params={"q": ID_NUMBER[:8]}, headers=hotline)
    assert refused.status_code == 403 and refused.json()["code"] == "id_search_forbidden"
    found = await api.get("/api/v1/cases", params={"q": ID_NUMBER[:12], "limit": 200}, headers=caseworker)
    assert case_id in {c["case_id"] for c in found.json()["items"]}
    short = await api.get("/api/v1/cases", params={"q": "1101"}, headers=caseworker)
    assert short.status_code == 422 and short.json()["code"] == "search_too_short"


async def test_health_data_of_a_critically_ill_person(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker = await login(api, "caseworker")
    case_id = await open_case(api, caseworker, condition="critically_ill", place="人民桥下涵洞")
    case = await until(api, caseworker, case_id,
                       lambda c: "treatment_started" in {e["kind"] for e in c["timeline"]})
    assert case["in_hospital"] is True
    assert "emergency_pickup" in {e["kind"] for e in case["timeline"]}
    for name in ("hotline", "operator", "bureau"):
        seen = await get_case(api, await login(api, name), case_id)
        kinds = {e["kind"] for e in seen["timeline"]}
        assert seen["in_hospital"] is None, name
        assert not kinds & {"emergency_pickup", "treatment_started"}, name
        hidden = [e for e in seen["timeline"] if e["kind"] == "restricted"]
        assert hidden and all(e["summary"] == "（此项记录您的岗位不可查看）" and e["data"] == {}
                              for e in hidden)
    # the hospital reads the case once it admitted the person: health yes, identity masked
    hospital = await login(api, "hospital")
    for _ in range(300):
        resp = await api.get(f"/api/v1/cases/{case_id}", headers=hospital)
        if resp.status_code == 200:
            break
        assert resp.status_code == 403
        await asyncio.sleep(0.1)
    assert resp.status_code == 200 and resp.json()["in_hospital"] is True
    assert "treatment_started" in {e["kind"] for e in resp.json()["timeline"]}
    # a registration context says why the person came: hidden where health is not seen
    ill = {"place": "桥下", "condition": "critically_ill"}
    assert masked_context(user(Role.HOTLINE_OPERATOR), TaskKind.REGISTRATION, ill) == {"place": "桥下"}


async def test_psychiatric_escort_is_for_police_and_station(stack: Stack, api: httpx.AsyncClient) -> None:
    caseworker, police = await login(api, "caseworker"), await login(api, "police")
    case_id = await open_case(api, caseworker, condition="psychiatric_risk", place="站前广场")
    await wait_for_task(api, police, case_id, "psychiatric_escort")
    full = await get_case(api, caseworker, case_id)
    assert "psychiatric_escort" in {t["kind"] for t in full["open_tasks"]}
    assert (await get_case(api, police, case_id))["open_tasks"]  # the police read it: their task
    hotline = await get_case(api, await login(api, "hotline"), case_id)
    assert "psychiatric_escort" not in {t["kind"] for t in hotline["open_tasks"]}
    assert not any("护送就医诊断" in e["summary"] for e in hotline["timeline"])
    assert any(e["summary"] == "（此项记录您的岗位不可查看）" for e in hotline["timeline"])


def test_dna_and_context_masks_follow_the_table() -> None:
    now = datetime.now(UTC)
    events = [CaseEvent(event_id="1", at=now, kind="dna_submitted", summary="样本已录入打拐DNA信息库",
                        agency="police", data={"database_ref": "DNA-1"}),
              CaseEvent(event_id="2", at=now, kind="task_opened", summary="新任务：采集DNA样本（公安办理）",
                        data={"task_kind": "dna_sample"}),
              CaseEvent(event_id="3", at=now, kind="registered", summary="入站登记")]
    for role, sees in ((Role.POLICE, True), (Role.CASEWORKER, True), (Role.STATION_HEAD, True),
                       (Role.HOSPITAL, False), (Role.LIAISON, False), (Role.OPERATOR, False)):
        shown = masked_timeline(user(role), events)
        assert [e.kind == "restricted" for e in shown] == [not sees, not sees, False], role
    sample = CaseTask(task_id="t", case_id="c", kind=TaskKind.DNA_SAMPLE,
                      assignee=Assignee(node_id="police-city", role=Role.POLICE), opened_at=now,
                      deadline=now)
    assert masked_tasks(user(Role.HOTLINE_OPERATOR), [sample]) == []
    assert len(masked_tasks(user(Role.POLICE), [sample])) == 1
    context = {"voucher_no": "JS1", "amount_fen": 100, "items": [{"description": "抢救费"}]}
    assert masked_context(user(Role.FINANCE), TaskKind.SETTLEMENT_REVIEW, context) == {
        "voucher_no": "JS1", "amount_fen": 100}
    assert masked_context(user(Role.STATION_HEAD), TaskKind.SETTLEMENT_REVIEW, context) == context
    escort = {"place": "桥下", "condition": "elderly", "condition_label": "老年人（护送）"}
    assert masked_context(user(Role.LIAISON), TaskKind.ESCORT, escort) == escort  # needed to escort
    ill = {"place": "桥下", "condition": "critically_ill"}
    assert masked_context(user(Role.POLICE), TaskKind.REGISTRATION, ill) == {"place": "桥下"}
    assert masked_context(user(Role.HOSPITAL), TaskKind.REGISTRATION, ill) == ill
