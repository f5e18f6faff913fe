"""The outer edge of the API, before routing: a ceiling on request bodies and no caching.

- A body larger than ``max_body_bytes`` (declared by Content-Length, or counted while it
  streams in) is refused with 413 ``payload_too_large`` and a Chinese message, before any of it
  is parsed: a 100 MB anonymous POST once raised the API to 354 MB. Multipart uploads get the
  photo ceiling instead (the photo endpoint reads them with its own, finer check).
- Every answer except the console's static files says ``Cache-Control: no-store``: most carry
  personal data, and a shared phone or a proxy must keep none of it.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.console import STATIC_PATH

TOO_LARGE = "请求内容过大，已拒绝（上限 {limit}）。请精简内容后重新提交。"


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTP exception so that FastAPI's body parsing lets
    it through (it turns anything else into a 400) and the handlers answer 413."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


DRAINED_AT_MOST = 64 * 1024 * 1024
"""A refused body is read on and thrown away up to this (a client still sending would otherwise
see the connection close instead of the 413); beyond it the connection is simply closed."""


async def _drain(receive: Receive, at_most: int) -> None:
    """Read the rest of a refused body without keeping it (memory stays flat)."""
    seen = 0
    while seen <= at_most:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        seen += len(message.get("body", b""))


class EdgeLimits:
    """Pure ASGI middleware (it must see the body before anything buffers it)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max(max_upload_bytes, max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        limit = (self.max_upload if headers.get("content-type", "").startswith("multipart/")
                 else self.max_body)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _drain(receive, DRAINED_AT_MOST)
            await self._refuse(send, limit)
            return
        static = scope.get("path", "").startswith(STATIC_PATH + "/")
        started = False
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # the route's error handling answers 413 (JSON or a page)
                    raise BodyTooLarge(TOO_LARGE.format(limit=_size(limit)))
            return message

        async def no_store(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if not static:
                    kept = [(k, v) for k, v in message.get("headers", [])
                            if k.lower() != b"cache-control"]
                    message = {**message, "headers": [*kept, (b"cache-control", b"no-store")]}
            await send(message)

        try:
            await self.app(scope, counted, no_store)
        except BodyTooLarge:
            if started:
                raise
            await _drain(receive, DRAINED_AT_MOST)
            if not started:
                await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = json.dumps({"code": "payload_too_large", "message": TOO_LARGE.format(limit=_size(limit)),
                           "details": []}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"cache-control", b"no-store"), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
