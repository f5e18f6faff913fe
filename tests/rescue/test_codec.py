"""The payload codec: larger payloads are deflated before encryption, small ones are not, and
payloads written before compression existed still decode."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload

from rescue.codec import COMPRESSION, ENCODING, EncryptionCodec, key_id

KEY = bytes(range(32))


def _json(n: int) -> Payload:
    body = b'{"stage":"admission","timeline":[' + b",".join(
        b'{"kind":"task_opened","summary":"x"}' for _ in range(n)) + b"]}"
    return Payload(metadata={"encoding": b"json/plain"}, data=body)


async def test_a_large_payload_is_deflated_then_encrypted_and_comes_back_whole() -> None:
    codec = EncryptionCodec([KEY])
    big, small = _json(100), Payload(metadata={"encoding": b"json/plain"}, data=b'"ok"')
    enc_big, enc_small = await codec.encode([big, small])
    assert enc_big.metadata["compression"] == COMPRESSION
    assert len(enc_big.data) < len(big.SerializeToString()) // 3
    assert "compression" not in enc_small.metadata
    assert big.data not in enc_big.data
    assert await codec.decode([enc_big, enc_small]) == [big, small]


async def test_a_payload_from_before_compression_still_decodes() -> None:
    big = _json(100)
    nonce = os.urandom(12)
    old = Payload(metadata={"encoding": ENCODING, "encryption-key-id": key_id(KEY).encode()},
                  data=nonce + AESGCM(KEY).encrypt(nonce, big.SerializeToString(), None))
    assert await EncryptionCodec([KEY]).decode([old]) == [big]
