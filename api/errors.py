"""API errors: a stable code, a message a caseworker can act on (Chinese), optional details.

Every error leaves as ``{"code": ..., "message": ..., "details": ...}``; nothing leaves as a 500
with a stack trace.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.messages import chinese_message as _message

log = logging.getLogger("api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "数据库暂时无法访问，系统正在恢复。请稍后重试，已提交的内容不会丢失。"
_DB_DOWN_TYPES = (OSError, asyncpg.PostgresConnectionError, asyncpg.OperatorInterventionError,
                  asyncpg.InterfaceError, asyncpg.TooManyConnectionsError,
                  asyncpg.InternalClientError)
_last_db_warning = 0.0


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says PostgreSQL cannot be reached now (down, restarting, connection
    lost), as opposed to a bug. An OS error counts only when asyncpg raised it."""
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.OperatorInterventionError
                  | asyncpg.TooManyConnectionsError | asyncpg.InterfaceError
                  | asyncpg.InternalClientError):  # the last: a connection lost mid-operation
        return True
    if isinstance(exc, OSError):  # refused, socket gone, timed out: only from asyncpg's frames
        return any(frame.f_globals.get("__name__", "").startswith("asyncpg")
                   for frame, _ in traceback.walk_tb(exc.__traceback__))
    return False


def database_unavailable_error() -> ApiError:
    """503 ``database_unavailable`` with Retry-After, logged once per 10 s (no traceback)."""
    global _last_db_warning
    now = time.monotonic()
    if now - _last_db_warning > 10:
        _last_db_warning = now
        log.warning("database unavailable: answering 503 database_unavailable")
    return ApiError(503, "database_unavailable", DATABASE_UNAVAILABLE,
                    headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})


def invalid_request(message: str) -> ApiError:
    """A form or body that cannot be used as sent (422), with what to fix in Chinese."""
    return ApiError(422, "invalid_request", message)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_HTTP_MESSAGES = {
    400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "找不到该地址，请核对网址",
    405: "该地址不支持这种请求方法", 406: "无法提供所要求的格式", 413: "请求内容过大",
    415: "请求内容的格式不受支持（应为 JSON）", 429: "请求过于频繁，请稍后再试",
}


def _where(error: dict[str, Any]) -> str:
    """One error as '<field>：<message>' (a broken JSON body says where it breaks)."""
    if error["type"] == "json_invalid":
        at = error["loc"][1] if len(error["loc"]) > 1 else "?"
        return f"请求体不是有效的 JSON（第{at}个字符附近），请检查括号、引号和逗号"
    return f"{'.'.join(error['loc'][1:]) or '请求'}：{error['msg']}"


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_body(exc.code, exc.message, exc.details), exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": _message(e), "type": e.get("type")}
            for e in exc.errors()
        ]
        summary = "；".join(_where(e) for e in errors)
        return JSONResponse(_body("invalid_request", f"请求内容有误：{summary}", errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized",
                413: "payload_too_large"}.get(
            exc.status_code, "http_error")
        message = str(exc.detail)
        if not _CJK.search(message):  # Starlette's own "Not Found", "Method Not Allowed"…
            message = _HTTP_MESSAGES.get(exc.status_code, "请求未能处理")
        return JSONResponse(_body(code, message), exc.status_code, headers=exc.headers)

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):
            return await _api_error(request, database_unavailable_error())
        return await _unexpected(request, exc)

    for db_down in _DB_DOWN_TYPES:  # their own handlers: answered, not re-raised to the server
        app.add_exception_handler(db_down, _database)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(_body("internal_error", "系统内部错误，已记录，请稍后重试或联系运维"), 500)


COMMON_ERRORS: dict[int, str] = {
    400: "请求有误", 401: "未登录或登录已失效 (unauthorized)", 403: "无权访问 (forbidden)",
    404: "找不到，或不在管辖范围内 (not_found)", 405: "方法不支持", 409: "与当前状态冲突",
    413: "请求体过大 (payload_too_large)", 415: "格式不受支持", 422: "请求内容有误 (invalid_request)",
    423: "账号已锁定", 429: "请求过于频繁", 502: "上游不可用", 503: "暂时不可用 (database_unavailable…)",
}
"""Answers any endpoint may give (the edge, the gate, the outage handlers), declared in the
OpenAPI schema of every operation with the error body ``{code, message, details}``."""


def declare_common_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare :data:`COMMON_ERRORS` on every operation that does not
    declare them itself, so clients (and Schemathesis) know every status the API answers."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "details": {}}}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, text in COMMON_ERRORS.items():
                    declared = operation["responses"].setdefault(str(status), {"description": text})
                    declared.setdefault("description", text)
                    ref = (declared.get("content", {}).get("application/json", {})
                           .get("schema", {}).get("$ref", ""))
                    if "content" not in declared or ref.endswith("/HTTPValidationError"):
                        declared["content"] = {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
