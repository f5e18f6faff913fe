"""The payload codec endpoint: operators read encrypted Temporal payloads, masked for their
role and audited per case; nobody else."""

from __future__ import annotations

import base64
import json
import uuid

import httpx
from temporalio.api.common.v1 import Payload

from rescue.codec import EncryptionCodec
from support import DEMO_PASSWORD, TEST_PAYLOAD_KEY, Stack, login


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


async def _audit_rows(stack: Stack, subject: str) -> list[tuple[str, str, bool]]:
    import asyncpg

    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT username, action, allowed FROM audit_log WHERE subject = $1",
                                subject)
    finally:
        await conn.close()
    return [(r["username"], r["action"], r["allowed"]) for r in rows]


async def test_decoded_payloads_are_masked_for_the_role_and_audited_per_case(
        stack: Stack, api: httpx.AsyncClient) -> None:
    case_id = str(uuid.uuid4())
    value = {"case_id": case_id, "person": {"name": "张建国", "id_number": "110105196803121237"},
             "risk_summary": "有伤人倾向", "sample_id": "S-77", "service": "meals",
             "timeline": [{"kind": "dna_submitted", "summary": "已送检DNA样本", "actor": "caseworker",
                           "data": {"sample_id": "S-77"}},
                          {"kind": "care", "summary": "站内服务：餐饮", "data": {}}]}
    plain = Payload(metadata={"encoding": b"json/plain"},
                    data=json.dumps(value, ensure_ascii=False).encode())
    [encrypted] = await EncryptionCodec([base64.b64decode(TEST_PAYLOAD_KEY)]).encode([plain])
    operator = await login(api, "operator")
    resp = await api.post("/codec/decode", json={"payloads": [_json(encrypted)]}, headers=operator)
    assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store"
    decoded = json.loads(base64.b64decode(resp.json()["payloads"][0]["data"]))
    assert decoded["person"] == {"name": "张建国", "id_number": "110105**********37"}
    assert decoded["risk_summary"] == decoded["sample_id"] == "（不予显示）"
    assert decoded["timeline"][0] == {"actor": "caseworker", "kind": "restricted",
                                      "summary": "（此项记录您的岗位不可查看）", "data": {}}
    assert decoded["timeline"][1]["summary"] == "站内服务：餐饮" and decoded["service"] == "meals"
    assert ("operator", "codec_decode", True) in await _audit_rows(stack, f"case:{case_id}")


async def test_the_temporal_ui_decodes_with_the_console_session(stack: Stack, api: httpx.AsyncClient) -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"service":"meals"}')
    [encrypted] = await EncryptionCodec([base64.b64decode(TEST_PAYLOAD_KEY)]).encode([plain])
    body = {"payloads": [_json(encrypted)]}
    async with httpx.AsyncClient(base_url=stack.api_url) as browser:
        assert (await browser.post("/console/codec/decode", json=body)).status_code == 401
        token = (await api.post("/api/v1/auth/token", data={"username": "operator",
                                                            "password": DEMO_PASSWORD})).json()
        browser.cookies.set("rescue_console", token["access_token"], path="/console")
        resp = await browser.post("/console/codec/decode", json=body)
        assert resp.status_code == 200, resp.text
        assert base64.b64decode(resp.json()["payloads"][0]["data"]) == b'{"service":"meals"}'
        # A form post (what another site could make a browser send) is not accepted.
        form = await browser.post("/console/codec/decode", data={"payloads": "x"})
        assert form.status_code == 415
