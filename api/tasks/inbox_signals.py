"""Inboxes kept open wait for a notification instead of polling.

PostgreSQL notifies ``rescue_inbox`` with ``node:role`` whenever a task is opened for (or moved
to) that organisation and role (trigger of migration 0019). Each API process listens on one
connection of its own and keeps a version per ``node:role``; ``GET /api/v1/tasks?since=V&wait=S``
answers at once if the version moved past V, else when it moves or after S seconds. Versions
start at this process's start time in ms, so a version from another process never matches and
simply answers at once. A lost listening connection wakes every waiter and is reopened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import asyncpg

CHANNEL = "rescue_inbox"
RECONNECT_SECONDS = 2.0

log = logging.getLogger("api.inbox")


class InboxSignals:
    """Versions of the inboxes of this process, bumped by PostgreSQL notifications."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._base = int(time.time() * 1000)
        self._version: dict[str, int] = {}
        self._changed: dict[str, asyncio.Event] = {}
        self.listening = False

    def current(self, key: str) -> int:
        return self._base + self._version.get(key, 0)

    async def wait(self, key: str, since: int, seconds: float) -> None:
        """Return once the inbox ``key`` is past version ``since``, or after ``seconds``."""
        if not self.listening or self.current(key) != since:
            return
        changed = self._changed.setdefault(key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await changed.wait()

    def _bump(self, key: str) -> None:
        self._version[key] = self._version.get(key, 0) + 1
        changed = self._changed.pop(key, None)
        if changed is not None:
            changed.set()

    def _wake_all(self) -> None:
        for key in list(self._changed):
            self._bump(key)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        self._bump(payload)

    async def run(self) -> None:
        """Listen until cancelled; reconnect after a lost connection."""
        while True:
            conn = None
            try:
                conn = await asyncpg.connect(self._url)
                closed = asyncio.Event()
                conn.add_termination_listener(lambda _conn, ev=closed: ev.set())
                await conn.add_listener(CHANNEL, self._on_notify)
                self.listening = True
                self._wake_all()  # notifications may have been missed while not listening
                await closed.wait()
            except Exception as exc:  # noqa: BLE001 - any failure: reopen later, never die
                log.warning("inbox notifications unavailable: %s", type(exc).__name__)
            finally:
                self.listening = False
                self._wake_all()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close()
            await asyncio.sleep(RECONNECT_SECONDS)
