"""The remote payload codec: decrypts Temporal payloads for an authorised operator, so the
Temporal UI (served behind the console's login, ``/console/temporal/``) or the CLI
(``--codec-endpoint``, ``--codec-auth``) can show a case's history in clear.

Two doors to one service: ``/codec/*`` takes the bearer token (CLI), ``/console/codec/decode``
the console's session cookie (the UI in the browser: same origin, the cookie's path; no encode
there, the UI behind the console is read-only). The decoded
JSON is masked for the caller's role exactly as a case view is (``access.masked_payload``),
and every decode is audited with the case(s) its payloads belong to.

Protocol: POST ``…/decode`` and ``…/encode`` with ``{"payloads": [...]}`` in Temporal's JSON
form of ``Payloads`` (bytes as base64); the answer has the same shape.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from api.audit.trail import audit, decide
from api.auth.access import masked_payload
from api.auth.gate import session_user
from api.console.session import SESSION_COOKIE
from api.deps import Ctx, CurrentUser, client_address
from api.errors import ApiError
from db.users_repo import UserRecord
from domain.enums import Role
from rescue.codec import EncryptionCodec

router = APIRouter(prefix="/codec", tags=["codec"])
console_router = APIRouter(prefix="/console/codec", include_in_schema=False)

READS_PAYLOADS = frozenset({Role.OPERATOR})
"""Only operators read raw payloads (they inspect histories of stuck cases)."""
JSON_PLAIN = b"json/plain"


async def cookie_user(ctx: Ctx, request: Request) -> UserRecord:
    """The console session's user, for the Temporal UI's codec calls from the browser. A JSON
    content type is required: a cross-site form cannot send one without a CORS preflight,
    which this origin does not grant (so the cookie cannot be ridden by another site)."""
    user, _ = await session_user(ctx, request.cookies.get(SESSION_COOKIE), client_address(request))
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "json_required", "请求体应为 JSON")
    return user


CookieUser = Annotated[UserRecord, Depends(cookie_user)]


async def _payloads(request: Request) -> Payloads:
    try:
        return json_format.Parse(await request.body(), Payloads())
    except json_format.ParseError:
        raise ApiError(422, "invalid_payloads", "请求体应为 Temporal Payloads 的 JSON 形式") from None


def _answer(payloads: list[Payload]) -> Response:
    return Response(json_format.MessageToJson(Payloads(payloads=payloads)),
                    media_type="application/json", headers={"Cache-Control": "no-store"})


def _case_ids(value: Any, found: set[str]) -> None:
    """Case ids named anywhere in a decoded payload (its ``case_id`` fields)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "case_id" and isinstance(item, str):
                try:
                    found.add(str(uuid.UUID(item)))
                except ValueError:
                    pass
            else:
                _case_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _case_ids(item, found)


def _masked(user: UserRecord, payload: Payload, cases: set[str]) -> Payload:
    """A JSON payload masked for the user (other encodings — null, binary — pass unchanged)."""
    if payload.metadata.get("encoding") != JSON_PLAIN:
        return payload
    try:
        value = json.loads(payload.data)
    except ValueError:
        return Payload(metadata={"encoding": JSON_PLAIN}, data=json.dumps("（无法解析）").encode())
    _case_ids(value, cases)
    data = json.dumps(masked_payload(user, value), ensure_ascii=False, separators=(",", ":"))
    return Payload(metadata=dict(payload.metadata), data=data.encode())


async def _decode(ctx: Ctx, user: UserRecord, request: Request) -> Response:
    namespace = request.headers.get("x-namespace", ctx.settings.temporal_namespace)[:100]
    client = client_address(request)
    if user.role not in READS_PAYLOADS:
        async with ctx.pool.acquire() as conn:
            await decide(conn, user, False, action="codec_decode", subject=f"namespace:{namespace}",
                         client=client, message="只有运维人员可以解密流程数据")
    payloads = await _payloads(request)
    codec = EncryptionCodec([ctx.settings.resolved_payload_key()], strict=False)
    try:
        decoded = await codec.decode(list(payloads.payloads))
    except Exception:  # a payload under another key or damaged: say so, never a 500
        raise ApiError(422, "undecodable_payload", "无法解密（密钥不符或数据损坏）") from None
    cases: set[str] = set()
    masked = [_masked(user, p, cases) for p in decoded]
    async with ctx.pool.acquire() as conn:  # one line per case the payloads belong to
        for subject in sorted(f"case:{c}" for c in cases) or [f"namespace:{namespace}"]:
            await audit(conn, user, action="codec_decode", subject=subject, allowed=True,
                        client=client, detail=f"payloads:{len(masked)}")
    return _answer(masked)


async def _encode(ctx: Ctx, user: UserRecord, request: Request) -> Response:
    async with ctx.pool.acquire() as conn:
        await decide(conn, user, user.role in READS_PAYLOADS, action="codec_encode",
                     subject="codec", client=client_address(request),
                     message="只有运维人员可以使用编码服务")
    payloads = await _payloads(request)
    codec = EncryptionCodec([ctx.settings.resolved_payload_key()])
    return _answer(await codec.encode(list(payloads.payloads)))


@router.post("/decode", responses={401: {}, 403: {}, 422: {}})
async def decode(ctx: Ctx, user: CurrentUser, request: Request) -> Response:
    """Decrypt payloads for an operator, masked for their role, audited per case."""
    return await _decode(ctx, user, request)


@router.post("/encode", responses={401: {}, 403: {}, 422: {}})
async def encode(ctx: Ctx, user: CurrentUser, request: Request) -> Response:
    """Encrypt payloads (the UI encodes what an operator types, e.g. a signal's input)."""
    return await _encode(ctx, user, request)


@console_router.post("/decode")
async def console_decode(ctx: Ctx, user: CookieUser, request: Request) -> Response:
    """The same decode for the Temporal UI in the browser (console session cookie)."""
    return await _decode(ctx, user, request)

