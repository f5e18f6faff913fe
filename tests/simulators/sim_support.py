"""Helpers of the simulator tests: the callback receiver's record and the delivery log."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

ADMIN = {"Authorization": "Bearer demo-sim-admin"}


@dataclass
class Received:
    path: str
    agency_key: str | None
    body: dict[str, Any]


@dataclass
class Receiver:
    """What the receiver got, and how it should answer the next callbacks."""

    url: str
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    """Answer this many callbacks with 503 first (they are not recorded)."""
    status: int = 202

    async def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.received) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"got {len(self.received)} callbacks, wanted {count}")
            await asyncio.sleep(0.02)
        return self.received



async def wait_deliveries(
    client: httpx.AsyncClient, count: int, timeout: float = 10
) -> list[dict[str, Any]]:
    """The simulator's delivery log once ``count`` deliveries have finished."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        log = (await client.get("/admin/callbacks", headers=ADMIN)).json()
        done = [d for d in log if d["outcome"] != "pending"]
        if len(done) >= count:
            return log
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"deliveries not finished: {log}")
        await asyncio.sleep(0.02)
