"""The edge guard: what a request brings in is checked before anything reads or writes.

One dependency of the whole app (``create_app`` installs it first, before the caller is even
looked up), for the JSON API and the console alike:
- no control characters (NUL and the like, see ``domain.contract``) in the path, the query
  string, header values and cookies, a JSON body or a form's fields — PostgreSQL refuses NUL,
  and a NUL that got through once left a case whose records could never be written;
- no unknown fields in a JSON body (validated again with ``extra="forbid"``: without it a
  field the API does not know, like a report's ``age``, was silently dropped);
- no moment that has not happened yet (``domain.plausible``: the body is validated with the
  request's clock).
Refusals are 422 ``invalid_request`` with the field and a Chinese message; on a console page
they become the Chinese error page (``ConsoleRoute``).
"""

from __future__ import annotations

import email.message
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile

from api.errors import ApiError
from domain.contract import CONTROL_CHARACTER, control_character, control_characters, long_texts
from domain.plausible import clock_context

_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ADAPTERS: dict[int, tuple[object, TypeAdapter[Any]]] = {}
"""A route's body field → the adapter validating it strictly (built once per field)."""


def edge_context(request: Request) -> dict[str, Any]:
    """The validation context of input arriving now (turns on 'not in the future')."""
    context = getattr(request.app.state, "context", None)
    offset = context.policy.utc_offset_hours if context is not None else 8
    return clock_context(now=datetime.now(UTC), utc_offset_hours=offset)


def _content_type(request: Request) -> tuple[str, str]:
    message = email.message.Message()
    message["content-type"] = request.headers.get("content-type", "")
    return message.get_content_maintype(), message.get_content_subtype()


def _is_json(request: Request) -> bool:
    main, sub = _content_type(request)
    return main == "application" and (sub == "json" or sub.endswith("+json"))


MULTIPART_CHECKED_UP_TO = 16 * 1024 * 1024
"""A multipart body is read here only when it declares a length under this; a larger or
undeclared one is left to its endpoint, which reads it with its own ceiling (photo uploads)."""


def _form_readable(request: Request) -> bool:
    if _content_type(request) != ("multipart", "form-data"):
        return True
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) <= MULTIPART_CHECKED_UP_TO


def _is_form(request: Request) -> bool:
    main, sub = _content_type(request)
    return (main, sub) in (("application", "x-www-form-urlencoded"), ("multipart", "form-data"))


async def _control_characters(request: Request) -> list[dict[str, Any]]:
    """Where the request carries a control character: (loc, char) as API error details."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    path = request.scope.get("path", "")
    if char := control_character(path):
        found.append((("path",), char))
    for name, value in request.query_params.multi_items():
        if char := control_character(name) or control_character(value):
            found.append((("query", name), char))
    for name, value in request.headers.items():
        if char := control_character(value, header=True):
            found.append((("header", name), char))
    for name, value in request.cookies.items():
        if char := control_character(name) or control_character(value, header=True):
            found.append((("cookie", name), char))
    if request.method in _WITH_BODY:
        if _is_json(request):
            try:
                body = await request.json()
            except ValueError:
                body = None  # FastAPI answers the broken JSON itself (json_invalid)
            found += [(("body", *where), char) for where, char in control_characters(body)]
        elif _is_form(request) and _form_readable(request):
            if getattr(request, "_form", None) is None:
                # Not parsed for the endpoint: keep the bytes (request.body() caches them), so
                # an endpoint that reads the upload itself, with its own ceiling, finds them.
                await request.body()
            form = await request.form()
            for name, value in form.multi_items():
                text = (value.filename or "") if isinstance(value, UploadFile) else value
                if char := control_character(name) or control_character(text):
                    found.append((("body", name), char))
    return [{"loc": [str(p) for p in where], "msg": f"不能含有控制字符：{char}", "type": CONTROL_CHARACTER,
             "char": char} for where, char in found]


def _body_adapter(route: APIRoute) -> TypeAdapter[Any] | None:
    field = route.body_field
    if field is None:
        return None
    cached = _ADAPTERS.get(id(field))
    if cached is None or cached[0] is not field:
        cached = _ADAPTERS[id(field)] = (field, TypeAdapter(field.field_info.annotation))
    return cached[1]


async def _strict_body(request: Request) -> None:
    """Validate a JSON body as the route will, but refusing unknown fields and moments that
    have not happened; FastAPI's own pass then finds nothing new."""
    route = request.scope.get("route")
    if request.method not in _WITH_BODY or not isinstance(route, APIRoute) or not _is_json(request):
        return
    adapter = _body_adapter(route)
    if adapter is None or not await request.body():
        return
    try:
        body = await request.json()
    except ValueError:
        return
    try:
        adapter.validate_python(body, extra="forbid", context=edge_context(request))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors],
                                     body=body) from None


DEFAULT_TEXT_LIMIT = 5000


async def _long_texts(request: Request) -> list[dict[str, Any]]:
    """Where a query value, a JSON text or a form field is longer than ``max_text_chars``."""
    context = getattr(request.app.state, "context", None)
    limit = context.settings.max_text_chars if context is not None else DEFAULT_TEXT_LIMIT
    found: list[tuple[str | int, ...]] = [("query", name[:40]) for name, value in
                                          request.query_params.multi_items()
                                          if len(name) > limit or len(value) > limit]
    if request.method in _WITH_BODY:
        if _is_json(request):
            try:
                body = await request.json()
            except ValueError:
                body = None
            found += [("body", *where) for where in long_texts(body, limit)]
        elif _is_form(request) and _form_readable(request):
            form = await request.form()
            found += [("body", name[:40]) for name, value in form.multi_items()
                      if isinstance(value, str) and (len(value) > limit or len(name) > limit)]
    return [{"loc": [str(p) for p in where], "msg": f"内容过长（不超过 {limit} 个字）",
             "type": "string_too_long"} for where in found]


async def guard_input(request: Request) -> None:
    """Refuse control characters anywhere, texts longer than the ceiling, and unknown fields
    or future moments in a JSON body, before any other dependency runs (422
    ``invalid_request``)."""
    found = await _control_characters(request)
    if found:
        where = "；".join(f"{'.'.join(d['loc'][1:]) or d['loc'][0]}（{d['char']}）" for d in found)
        raise ApiError(422, "invalid_request",
                       f"请求内容含有控制字符（如 NUL），已拒绝，请删除后重新提交：{where}", found)
    if too_long := await _long_texts(request):
        where = "、".join(".".join(d["loc"][1:]) or d["loc"][0] for d in too_long)
        raise ApiError(422, "invalid_request", f"内容过长，已拒绝，请精简后重新提交：{where}", too_long)
    await _strict_body(request)
