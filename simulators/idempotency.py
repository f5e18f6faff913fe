"""Idempotent issuing shared by the simulators' issuing endpoints.

A repeated ``Idempotency-Key`` with the same body gets the first answer again (200); the same
key with a different body is a 409 ``idempotency_conflict``: the caller has a bug.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel

from simulators.errors import SimulatorError

Req = TypeVar("Req", bound=BaseModel)
Rec = TypeVar("Rec")


class IdempotentIssuer(Generic[Req, Rec]):
    """Remembers what each key issued; ``issue`` runs ``make`` at most once per key."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.by_key: dict[str, tuple[Req, Rec]] = {}

    def reset(self) -> None:
        self.by_key = {}

    async def issue(self, key: str, request: Req, make: Callable[[Req], Rec]) -> tuple[Rec, bool]:
        """(record, replayed): the record issued for ``key``, made now unless replayed."""
        async with self.lock:
            if key in self.by_key:
                original, record = self.by_key[key]
                if original != request:
                    raise SimulatorError(
                        409, "idempotency_conflict", "同一 Idempotency-Key 的请求内容不一致"
                    )
                return record, True
            record = make(request)
            self.by_key[key] = (request, record)
            return record, False
