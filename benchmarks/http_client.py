"""The benchmark's HTTP client for the agencies' side: aiohttp behind the few calls of httpx
the drivers use (``get``, ``post``, ``status_code``, ``json()``). It runs on the machine it
measures, beside the system: measured per case, httpx spent about 2.5 ms of CPU per request,
as much as the engine's worker saved in a whole round of work (issue 13)."""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any

import aiohttp

ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)
"""What a request may raise instead of answering (a driver counts it and goes on)."""


class Answer:
    """A whole response, read: status, headers and body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status_code, self.headers, self.content = status, headers, body

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode()

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text[:300]}")


class LightClient:
    """``async with LightClient(base_url) as http``: keep-alive connections, gzip accepted."""

    def __init__(self, base_url: str, *, timeout: float = 180, connections: int = 200):
        self.base_url, self.timeout, self.connections = base_url.rstrip("/"), timeout, connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LightClient:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            connector=aiohttp.TCPConnector(limit=self.connections))
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()

    async def _send(self, method: str, path: str, **kw: Any) -> Answer:
        assert self._session is not None, "use LightClient in 'async with'"
        async with self._session.request(method, self.base_url + path, **kw) as resp:
            return Answer(resp.status, dict(resp.headers), await resp.read())

    async def get(self, path: str, *, headers: dict[str, str] | None = None,
                  params: dict[str, Any] | None = None) -> Answer:
        query = {k: str(v) for k, v in (params or {}).items()}
        return await self._send("GET", path, headers=headers, params=query)

    async def post(self, path: str, *, headers: dict[str, str] | None = None, json: Any = None,
                   data: dict[str, str] | None = None) -> Answer:
        return await self._send("POST", path, headers=headers, json=json, data=data)
