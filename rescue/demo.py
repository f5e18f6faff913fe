"""``rescue demo``: drives one case from the report to closed over the API, as users would.

A caseworker reports and registers a man found on a patrol, the police lookup finds his
household registration, the caseworker issues a ticket voucher, the origin community's liaison
confirms the handover and records the follow-up visit. Each step is printed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from rescue.settings import Settings


class DemoError(RuntimeError):
    """A step of the demo did not get the answer it expected."""


class Demo:
    def __init__(self, http: httpx.AsyncClient, password: str, timeout: float = 60):
        self.http = http
        self.password = password
        self.timeout = timeout
        self.step = 0

    def say(self, text: str) -> None:
        self.step += 1
        print(f"[{self.step:02d}] {text}", flush=True)

    async def login(self, username: str) -> dict[str, str]:
        resp = await self.http.post("/api/v1/auth/token",
                                    data={"username": username, "password": self.password})
        self._ok(resp)
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}

    def _ok(self, resp: httpx.Response) -> Any:
        if resp.status_code >= 400:
            raise DemoError(f"{resp.request.method} {resp.request.url.path} → {resp.status_code} {resp.text}")
        return resp.json()

    async def task(self, who: dict[str, str], case_id: str, kind: str) -> dict[str, Any]:
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            for task in self._ok(await self.http.get("/api/v1/tasks", headers=who)):
                if task["case_id"] == case_id and task["kind"] == kind:
                    return task
            await asyncio.sleep(0.3)
        raise DemoError(f"no {kind} task appeared within {self.timeout}s")

    async def complete(self, who: dict[str, str], task: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        resp = await self.http.post(f"/api/v1/tasks/{task['task_id']}/complete",
                                    json={"payload": payload}, headers=who)
        return self._ok(resp)["case"]

    async def run(self, policy: str) -> None:
        caseworker = await self.login("caseworker")
        self.say("刘社工（市救助站）登录 / caseworker logged in")
        report = {"report_id": f"demo-{uuid.uuid4().hex[:10]}", "channel": "patrol",
                  "place": "示范市火车站广场东侧地下通道", "sex": "male",
                  "description": "中年男性，衣着单薄，自述来自东湖区", "policy": policy}
        case = self._ok(await self.http.post("/api/v1/cases", json=report, headers=caseworker))
        case_id = case["case_id"]
        self.say(f"联合巡查发现报告已登记，个案 {case['case_number']}（工作流 {case['workflow_id']}）")

        task = await self.task(caseworker, case_id, "registration")
        self.say(f"待办：入站登记与分类，期限 {task['deadline']}")
        state = await self.complete(caseworker, task, {"person": {
            "name": "张建国", "sex": "male", "birth_date": "1968-03-12",
            "reason": "外出务工失联", "belongings": "旧背包一个"}})
        self.say(f"入站登记完成：{state['classification_label']}；公安户籍查询后进入「{state['stage_label']}」")

        task = await self.task(caseworker, case_id, "ticket_voucher")
        travel = (date.today() + timedelta(days=1)).isoformat()
        state = await self.complete(caseworker, task, {"destination": "东湖站", "travel_date": travel})
        ticket = [e for e in state["timeline"] if e["kind"] == "ticket_exchanged"]
        self.say("开具换票凭证，" + (ticket[0]["summary"] if ticket else "等待车站换票"))

        transport = await self.login("transport")
        task = await self.task(transport, case_id, "boarding_confirmation")
        await self.complete(transport, task, {"boarded": True})
        self.say("高站务（示范火车站）确认已通过绿色通道上车")

        liaison = await self.login("liaison")
        task = await self.task(liaison, case_id, "handover_receipt")
        self.say("吴联络员（柳岸社区）收到交接任务")
        await self.complete(liaison, task, {"received_by": "家属", "relationship": "亲属",
                                            "received_on": date.today().isoformat()})
        self.say("流出地交接回执已提交，个案办结，转入社区跟踪随访")

        task = await self.task(liaison, case_id, "follow_up_visit")
        await self.complete(liaison, task, {"visited_on": date.today().isoformat(), "met_person": True,
                                            "family_contacted": True, "situation": "在家居住，情况稳定",
                                            "end_follow_up": True, "end_reason": "已返乡稳定生活"})
        self.say("随访记录已提交，经评估结束跟踪随访")

        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            state = self._ok(await self.http.get(f"/api/v1/cases/{case_id}", headers=caseworker))
            if state["stage"] == "closed":
                break
            await asyncio.sleep(0.3)
        else:
            raise DemoError("the case did not close")
        self.say(f"个案已办结 / case closed. 时间线 timeline ({len(state['timeline'])}):")
        for event in state["timeline"]:
            agency = f" [{event['agency']}]" if event.get("agency") else ""
            print(f"      {event['at'][:19]}  {event['summary']}{agency}", flush=True)


async def run_demo(settings: Settings, *, api_url: str | None = None, policy: str = "compressed") -> int:
    """Run the demo against a running system; 0 when the case closed, 1 otherwise."""
    async with httpx.AsyncClient(base_url=api_url or settings.api_url, timeout=60) as http:
        try:
            await Demo(http, settings.demo_password).run(policy)
        except (DemoError, httpx.HTTPError) as exc:
            print(f"演示失败 / demo failed: {exc}", flush=True)
            return 1
    return 0
