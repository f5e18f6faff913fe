"""The payload codec endpoint: operators read encrypted Temporal payloads, nobody else."""

from __future__ import annotations

import base64

import httpx
from temporalio.api.common.v1 import Payload

from rescue.codec import EncryptionCodec
from support import TEST_PAYLOAD_KEY, Stack, login


def _json(payload: Payload) -> dict:
    return {"metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
            "data": base64.b64encode(payload.data).decode()}


async def test_an_operator_decodes_what_temporal_stores(stack: Stack, api: httpx.AsyncClient) -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data='{"name":"张建国"}'.encode())
    [encrypted] = await EncryptionCodec([base64.b64decode(TEST_PAYLOAD_KEY)]).encode([plain])
    body = {"payloads": [_json(encrypted)]}
    operator = await login(api, "operator")
    resp = await api.post("/codec/decode", json=body, headers={**operator, "X-Namespace": "default"})
    assert resp.status_code == 200, resp.text
    [decoded] = resp.json()["payloads"]
    assert base64.b64decode(decoded["data"]).decode() == '{"name":"张建国"}'
    # Encoding round-trips through the same key.
    resp = await api.post("/codec/encode", json={"payloads": [_json(plain)]}, headers=operator)
    [again] = resp.json()["payloads"]
    assert base64.b64decode(again["metadata"]["encoding"]) == b"binary/encrypted-aesgcm"


async def test_others_may_not_and_garbage_is_refused(stack: Stack, api: httpx.AsyncClient) -> None:
    body = {"payloads": [{"metadata": {"encoding": base64.b64encode(b"binary/encrypted-aesgcm").decode(),
                                       "encryption-key-id": base64.b64encode(b"0000").decode()},
                          "data": base64.b64encode(b"not really").decode()}]}
    assert (await api.post("/codec/decode", json=body)).status_code == 401
    caseworker = await login(api, "caseworker")
    assert (await api.post("/codec/decode", json=body, headers=caseworker)).status_code == 403
    operator = await login(api, "operator")
    resp = await api.post("/codec/decode", json=body, headers=operator)
    assert resp.status_code == 422 and resp.json()["code"] == "undecodable_payload"
    resp = await api.post("/codec/decode", content=b"{not json", headers=operator)
    assert resp.status_code == 422
