"""The remote payload codec: decrypts Temporal payloads for an authorised operator, so the
Temporal UI (``--ui-codec-endpoint``) or the CLI (``--codec-endpoint``, ``--codec-auth``) can
show a case's history in clear. Every decode is audited; nobody else may call it.

Protocol: POST ``/codec/decode`` and ``/codec/encode`` with ``{"payloads": [...]}`` in
Temporal's JSON form of ``Payloads`` (bytes as base64); the answer has the same shape.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api.audit.trail import decide
from api.deps import Ctx, CurrentUser, client_address
from api.errors import ApiError
from domain.enums import Role
from rescue.codec import EncryptionCodec

router = APIRouter(prefix="/codec", tags=["codec"])

READS_PAYLOADS = frozenset({Role.OPERATOR})
"""Only operators read raw payloads (they inspect histories of stuck cases)."""


async def _payloads(request: Request) -> Payloads:
    try:
        return json_format.Parse(await request.body(), Payloads())
    except json_format.ParseError:
        raise ApiError(422, "invalid_payloads", "请求体应为 Temporal Payloads 的 JSON 形式") from None


def _answer(payloads: list) -> Response:  # type: ignore[type-arg]
    return Response(json_format.MessageToJson(Payloads(payloads=payloads)), media_type="application/json")


@router.post("/decode")
async def decode(ctx: Ctx, user: CurrentUser, request: Request) -> Response:
    """Decrypt payloads for an operator (audited with the namespace the UI names)."""
    allowed = user.role in READS_PAYLOADS
    async with ctx.pool.acquire() as conn:
        await decide(conn, user, allowed, action="codec_decode",
                     subject=f"namespace:{request.headers.get('x-namespace', ctx.settings.temporal_namespace)}",
                     client=client_address(request), message="只有运维人员可以解密流程数据")
    payloads = await _payloads(request)
    codec = EncryptionCodec([ctx.settings.resolved_payload_key()])
    try:
        decoded = await codec.decode(list(payloads.payloads))
    except Exception:  # a payload under another key or damaged: say so, never a 500
        raise ApiError(422, "undecodable_payload", "无法解密（密钥不符或数据损坏）") from None
    return _answer(decoded)


@router.post("/encode")
async def encode(ctx: Ctx, user: CurrentUser, request: Request) -> Response:
    """Encrypt payloads (the UI encodes what an operator types, e.g. a signal's input)."""
    allowed = user.role in READS_PAYLOADS
    async with ctx.pool.acquire() as conn:
        await decide(conn, user, allowed, action="codec_encode", subject="codec",
                     client=client_address(request), message="只有运维人员可以使用编码服务")
    payloads = await _payloads(request)
    codec = EncryptionCodec([ctx.settings.resolved_payload_key()])
    return _answer(await codec.encode(list(payloads.payloads)))
