"""Side effects of the hotline workflow: dispatch to the station on duty for the place,
escalations, and the call's projection in PostgreSQL."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from db import hotline_repo, reports_repo
from db.network_repo import nearest_station
from domain.enums import Role
from domain.hotline import (
    DISPATCH_HOTLINE_CALL,
    ESCALATE_HOTLINE_CALL,
    RECORD_HOTLINE_CALL,
    EscalationInput,
    HotlineInput,
    HotlineState,
)

_STEPS = {"arrival": "到场确认", "finding": "现场处置结果", "callback": "回访来电群众"}


class HotlineStoreActivities:
    """Activities of the hotline workflow; handed the pool by the worker."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=DISPATCH_HOTLINE_CALL)
    async def dispatch_hotline_call(self, inp: HotlineInput) -> str:
        """The station on duty for the place (the nearest station above it) is told; answers its id."""
        async with self._pool.acquire() as conn:
            station = await nearest_station(conn, node_id=inp.area_node_id)
            duty = station.node_id if station else inp.area_node_id
            await reports_repo.notify(conn, key=f"hotline:{inp.call_id}:dispatch", node_id=duty,
                                      role=Role.CASEWORKER.value,
                                      message=f"12349来电{inp.call_id}已派单，请尽快到场并确认")
        return duty

    @activity.defn(name=ESCALATE_HOTLINE_CALL)
    async def escalate_hotline_call(self, inp: EscalationInput) -> None:
        """A step is overdue: the duty station's head is told, each time."""
        async with self._pool.acquire() as conn:
            await reports_repo.notify(
                conn, key=f"hotline:{inp.call_id}:{inp.step}:{inp.count}", node_id=inp.duty_node_id,
                role=Role.STATION_HEAD.value,
                message=f"12349来电{inp.call_id}的“{_STEPS.get(inp.step, inp.step)}”已超时（第{inp.count}次督促）")

    @activity.defn(name=RECORD_HOTLINE_CALL)
    async def record_hotline_call(self, state: HotlineState) -> None:
        """Project the call's state (a late retry never rolls it back)."""
        async with self._pool.acquire() as conn:
            await hotline_repo.record_state(conn, state=state)

    def all(self) -> list[object]:
        return [self.dispatch_hotline_call, self.escalate_hotline_call, self.record_hotline_call]


