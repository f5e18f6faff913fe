"""``rescue demo [PATH]``: drives one case along a named path over the API, as users would,
printing each step. Agencies' later answers (a DNA match, a discharge, a bill) are triggered
through the simulators' admin endpoints, as the real systems would send them.

Paths: happy, minor-escort, dna, treatment, psychiatric, long-term, never-arrived,
departure, lost-contact, fingerprints. They use the ``demo`` policy, whose waits last seconds.
"""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from PIL import Image

from rescue.settings import Settings

TODAY = date.today().isoformat()
ZHANG_FINGERPRINTS = "FP-5A1C-3E07-9B22"
"""张建国's fingerprint code in the police simulator's population."""
ZHANG = {"name": "张建国", "sex": "male", "birth_date": "1968-03-12", "reason": "外出务工失联"}
LI_XIAOMING_ID = "110121201307010312"


class DemoError(RuntimeError):
    """A step of the demo did not get the answer it expected."""


class Demo:
    def __init__(self, http: httpx.AsyncClient, settings: Settings, timeout: float = 60):
        self.http = http
        self.settings = settings
        self.password = settings.demo_password
        self.timeout = timeout
        self.step = 0
        self.users: dict[str, dict[str, str]] = {}

    # --- plumbing -------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.step += 1
        print(f"[{self.step:02d}] {text}", flush=True)

    def _ok(self, resp: httpx.Response) -> Any:
        if resp.status_code >= 400:
            raise DemoError(f"{resp.request.method} {resp.request.url.path} → {resp.status_code} {resp.text}")
        return resp.json()

    async def as_(self, username: str) -> dict[str, str]:
        if username not in self.users:
            resp = await self.http.post("/api/v1/auth/token",
                                        data={"username": username, "password": self.password})
            self.users[username] = {"Authorization": f"Bearer {self._ok(resp)['access_token']}"}
        return self.users[username]

    async def until(self, what: str, check: Callable[[], Awaitable[Any]]) -> Any:
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            found = await check()
            if found:
                return found
            await asyncio.sleep(0.3)
        raise DemoError(f"{what}: nothing after {self.timeout}s")

    async def task(self, username: str, case_id: str, kind: str) -> dict[str, Any]:
        who = await self.as_(username)

        async def find() -> Any:
            tasks = self._ok(await self.http.get("/api/v1/tasks", headers=who))
            return next((t for t in tasks if t["case_id"] == case_id and t["kind"] == kind), None)

        return dict(await self.until(f"{kind} task for {username}", find))

    async def do(self, username: str, case_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Wait for the user's task of this kind on the case, and complete it."""
        task = await self.task(username, case_id, kind)
        resp = await self.http.post(f"/api/v1/tasks/{task['task_id']}/complete",
                                    json={"payload": payload}, headers=await self.as_(username))
        return dict(self._ok(resp)["case"])

    async def case(self, case_id: str) -> dict[str, Any]:
        return dict(self._ok(await self.http.get(f"/api/v1/cases/{case_id}", headers=await self.as_("caseworker"))))

    async def open(self, **report: Any) -> str:
        body = {"report_id": f"demo-{uuid.uuid4().hex[:10]}", "channel": "patrol",
                "place": "示范市火车站广场东侧地下通道", "sex": "male", "policy": "demo", **report}
        case = self._ok(await self.http.post("/api/v1/cases", json=body, headers=await self.as_("caseworker")))
        self.say(f"发现报告已登记：个案 {case['case_number']}（工作流 {case['workflow_id']}）")
        return str(case["case_id"])

    async def sim(self, agency: str, path: str, body: dict[str, Any], method: str = "POST") -> Any:
        url = str(getattr(self.settings, f"{agency}_url")).rstrip("/") + path
        resp = await self.http.request(method, url, json=body,
                                       headers={"Authorization": f"Bearer {self.settings.simulator_admin_token}"})
        return self._ok(resp)

    async def closed(self, case_id: str) -> dict[str, Any]:
        async def check() -> Any:
            case = await self.case(case_id)
            return case if case["stage"] == "closed" else None

        case = await self.until("case closed", check)
        self.say(f"个案已办结：{case['outcome_label']}。时间线（{len(case['timeline'])}条）：")
        for event in case["timeline"]:
            agency = f" [{event['agency']}]" if event.get("agency") else ""
            print(f"      {event['at'][:19]}  {event['summary']}{agency}", flush=True)
        return dict(case)

    # --- shared stretches of road -----------------------------------------------------

    async def register(self, case_id: str, person: dict[str, Any], **extra: Any) -> dict[str, Any]:
        case = await self.do("caseworker", case_id, "registration", {"person": person, **extra})
        self.say(f"入站登记：{case['classification_label']}；当前阶段「{case['stage_label']}」")
        return case

    async def send_home(self, case_id: str, liaison: str | None, destination: str = "东湖站",
                        escort: bool = False) -> None:
        travel = (date.today() + timedelta(days=1)).isoformat()
        case = await self.do("caseworker", case_id, "ticket_voucher",
                             {"destination": destination, "travel_date": travel})
        ticket = [e["summary"] for e in case["timeline"] if e["kind"] == "ticket_exchanged"]
        self.say("开具换票凭证；" + (ticket[-1] if ticket else "等待车站换票"))
        if escort:
            await self.do("caseworker", case_id, "return_escort", {"escorts": "刘社工", "departure_on": TODAY})
            self.say("保护性/帮扶性救助：安排工作人员护送返乡")
        await self.do("transport", case_id, "boarding_confirmation", {"boarded": True})
        self.say("车站确认已通过绿色通道上车")
        if liaison:
            receipt = {"received_by": "家属", "relationship": "亲属", "received_on": TODAY}
            await self.do(liaison, case_id, "handover_receipt", receipt)
            self.say("流出地交接回执已提交，转入社区跟踪随访")
            return
        # Home lies outside the city: handed over to that city's station, which then confirms
        # that it follows the person up.
        await self.do("caseworker", case_id, "remote_handover", {
            "receiving_agency": "流出地救助管理站", "received_by": "值班站长", "received_on": TODAY})
        self.say("已移交流出地救助管理站，并发出跟踪随访请求")
        await self.do("caseworker", case_id, "follow_up_confirmation", {
            "acknowledged_by": "流出地救助管理站", "acknowledged_on": TODAY, "how": "电话确认"})
        self.say("流出地已确认负责跟踪随访")

    async def visit(self, case_id: str, *, contacted: bool, end: bool = False) -> None:
        await self.do("liaison", case_id, "follow_up_visit", {
            "visited_on": TODAY, "met_person": contacted, "family_contacted": contacted,
            "situation": "在家居住，情况稳定" if contacted else "人不在家，家属电话不通",
            "end_follow_up": end, "end_reason": "经评估结束随访" if end else None})
        self.say("随访：" + ("已联系家属" if contacted else "未联系上家属") + ("，结束随访" if end else ""))

    # --- the paths ----------------------------------------------------------------------

    async def happy(self) -> None:
        """A man found on a patrol is registered, identified by police and sent home."""
        case_id = await self.open(description="中年男性，衣着单薄")
        await self.register(case_id, ZHANG)
        await self.send_home(case_id, "liaison")
        await self.closed(case_id)
        await self.visit(case_id, contacted=True, end=True)

    async def minor_escort(self) -> None:
        """A child found at the coach station: police escort, protective rescue, escorted home."""
        case_id = await self.open(apparent_minor=True, place="示范市汽车站候车室")
        await self.do("police", case_id, "escort", {"escorted_by": "站前派出所", "arrived_at": _now(),
                                                    "handed_to": "市救助站"})
        self.say("公安护送到站")
        await self.register(case_id, {"name": "李小明", "sex": "male", "birth_date": "2013-07-01"})
        await self.do("police", case_id, "dna_sample",
                      {"collected_on": TODAY, "sample_id": f"M{uuid.uuid4().hex[:8]}"})
        self.say("公安采集DNA样本入库（每名未成年人）")
        await self.send_home(case_id, "xs_liaison", destination="西山站", escort=True)
        await self.closed(case_id)

    async def dna(self) -> None:
        """A child who cannot say who he is: notice, DNA sample, a match weeks later, family verified."""
        case_id = await self.open(channel="walk_in", apparent_minor=True)
        await self.register(case_id, {"sex": "male", "estimated_age": 12})
        sample_id = f"S{uuid.uuid4().hex[:8]}"
        await self.do("police", case_id, "dna_sample", {"collected_on": TODAY, "sample_id": sample_id})
        self.say("公安采集DNA样本，录入打拐DNA信息库")

        async def submitted() -> Any:
            return "dna_submitted" in [e["kind"] for e in (await self.case(case_id))["timeline"]]

        await self.until("sample submitted", submitted)
        await self.sim("police", f"/admin/dna/{sample_id}/result", {"matched": True, "id_number": LI_XIAOMING_ID})
        self.say("（数周后）DNA比对成功，公安系统回调通知")
        await self.do("caseworker", case_id, "family_verification",
                      {"verified": True, "contact_person": "李父", "relationship": "父亲"})
        self.say("已联系并核实家属")
        await self.send_home(case_id, "xs_liaison", destination="西山站", escort=True)
        await self.closed(case_id)

    async def treatment(self) -> None:
        """A critically ill man: the hospital treats first, the station settles later, he goes home."""
        case_id = await self.open(condition="critically_ill", place="人民桥下涵洞")
        number = (await self.case(case_id))["case_number"]

        async def admitted() -> Any:
            rows = await self.sim("hospital", "/admin/admissions", {}, method="GET")
            return next((a for a in rows if a.get("case_ref") == f"{number}/T1"), None)

        admission = await self.until("hospital admission", admitted)
        self.say(f"定点医院出诊并收治（住院号{admission['admission_no']}）")
        await self.sim("hospital", f"/admin/admissions/{admission['admission_no']}/discharge", {"outcome": "recovered"})
        self.say("治愈出院，回到救助站")
        await self.register(case_id, ZHANG)
        await self.sim("hospital", f"/admin/admissions/{admission['admission_no']}/settlement", {
            "voucher_no": f"JS{number}", "items": [{"description": "抢救费", "amount_fen": 100000},
                                                 {"description": "药费", "amount_fen": 23450}]})
        self.say("医院提交结算凭证 1234.50 元")
        await self.do("station_head", case_id, "settlement_review", {"approved": True, "approved_amount_fen": 123450})
        self.say("站长审核同意，结算支付")
        await self.send_home(case_id, "liaison")
        await self.closed(case_id)

    async def psychiatric(self) -> None:
        """A psychiatric patient who may cause harm: police, registry, diagnosis, then the station."""
        case_id = await self.open(condition="psychiatric_risk", place="步行街")
        await self.do("police", case_id, "psychiatric_escort", {
            "escorted_by": "巡警", "arrived_at": _now(), "handed_to": "精神卫生中心", "risk_summary": "情绪激动"})
        self.say("公安送医诊断，录入精神障碍患者信息")
        number = (await self.case(case_id))["case_number"]

        async def admitted() -> Any:
            rows = await self.sim("hospital", "/admin/admissions", {}, method="GET")
            return next((a for a in rows if a.get("case_ref") == f"{number}/T1"), None)

        admission = await self.until("hospital admission", admitted)
        await self.sim("hospital", f"/admin/admissions/{admission['admission_no']}/discharge", {"outcome": "recovered"})
        self.say("诊断治疗结束，出院")
        await self.register(case_id, ZHANG, classification="protective")
        await self.send_home(case_id, "liaison", escort=True)
        await self.closed(case_id)

    async def fingerprints(self) -> None:
        """A man who cannot say who he is: photo and fingerprints at admission, the police's
        fingerprints name a resident, the family is reached and verified, he goes home."""
        case_id = await self.open(channel="walk_in")
        photo = self._ok(await self.http.post(
            f"/api/v1/cases/{case_id}/photos", headers=await self.as_("caseworker"),
            files={"file": ("photo.png", _demo_photo(), "image/png")}))
        self.say("拍摄入站照片（加密保存）")
        await self.register(case_id, {"sex": "male", "estimated_age": 57}, photo_id=photo["photo_id"],
                            fingerprints_taken=True, fingerprint_code=ZHANG_FINGERPRINTS)
        case = await self.do("caseworker", case_id, "family_verification",
                             {"verified": True, "contact_person": "张妻", "relationship": "妻子"})
        found = [e["summary"] for e in case["timeline"] if e["kind"] == "features_matched"]
        self.say((found[-1] if found else "公安特征比对找到疑似人员") + "；已联系并核实家属")
        await self.send_home(case_id, "liaison")
        await self.closed(case_id)

    async def long_term(self) -> None:
        """Nobody knows who he is: long-term stay placement, the search goes on, then home."""
        case_id = await self.open(channel="walk_in")
        await self.register(case_id, {"name": "无名氏", "sex": "male", "estimated_age": 60,
                                      "has_civil_capacity": False})
        await self.do("caseworker", case_id, "long_term_placement",
                      {"institution": "示范市社会福利院", "placed_on": TODAY})
        self.say("超过滞留期限：转为长期滞留，托养安置，继续寻亲")
        await self.do("caseworker", case_id, "identity_confirmation", {"origin_address": "四川省某县某村"})
        self.say("查明流出地（外省）")
        await self.send_home(case_id, None, destination="成都东站", escort=True)
        await self.closed(case_id)

    async def never_arrived(self) -> None:
        """A guided adult who never comes: the case expires with a record."""
        case_id = await self.open()
        self.say("已告知救助站地址和电话，等待其到站……")
        await self.closed(case_id)

    async def departure(self) -> None:
        """Open rescue: he leaves with a signed declaration and a short-trip fare."""
        case_id = await self.open(channel="walk_in")
        await self.register(case_id, {"name": "过路人", "sex": "male", "birth_date": "1980-01-01"})
        self._ok(await self.http.post(f"/api/v1/cases/{case_id}/actions/departure",
                                      json={"declaration_signed": True, "fare_fen": 2000},
                                      headers=await self.as_("caseworker")))
        self.say("签署自行离站声明书，发放短途路费20元")
        await self.closed(case_id)

    async def lost_contact(self) -> None:
        """Home, but the family cannot be reached visit after visit: police are told."""
        case_id = await self.open(channel="walk_in")
        await self.register(case_id, ZHANG)
        await self.send_home(case_id, "liaison")
        await self.closed(case_id)
        for _ in range(5):
            await self.visit(case_id, contacted=False)
        await self.visit(case_id, contacted=False, end=True)
        self.say("与家人失联超过期限，已报告公安（见公安模拟系统失联报告）")


def _demo_photo() -> bytes:
    """A small stand-in picture (the demo has no camera)."""
    out = io.BytesIO()
    Image.new("RGB", (120, 160), (180, 170, 160)).save(out, format="PNG")
    return out.getvalue()


def _now() -> str:
    return datetime.now(UTC).isoformat()


PATHS: dict[str, Callable[[Demo], Awaitable[None]]] = {
    "happy": Demo.happy, "minor-escort": Demo.minor_escort, "dna": Demo.dna,
    "treatment": Demo.treatment, "psychiatric": Demo.psychiatric, "long-term": Demo.long_term,
    "never-arrived": Demo.never_arrived, "departure": Demo.departure, "lost-contact": Demo.lost_contact,
    "fingerprints": Demo.fingerprints,
}


async def run_demo(settings: Settings, *, api_url: str | None = None, path: str = "happy") -> int:
    """Run one path against a running system; 0 when it went through, 1 otherwise."""
    if path not in PATHS:
        print(f"unknown path {path!r}; paths: {', '.join(PATHS)}", flush=True)
        return 2
    async with httpx.AsyncClient(base_url=api_url or settings.api_url, timeout=60) as http:
        try:
            await PATHS[path](Demo(http, settings))
        except (DemoError, httpx.HTTPError) as exc:
            print(f"演示失败 / demo failed: {exc}", flush=True)
            return 1
    return 0
