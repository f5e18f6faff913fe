"""Payload encryption: every payload in Temporal histories is AES-256-GCM encrypted (larger
ones deflated first, which takes a case's history to a third of its size).

Case payloads carry minors' data, health notes and identity numbers; the Temporal server and
its database only ever see ciphertext. The key id is stored with each payload so keys can be
rotated (decrypt with any known key, encrypt with the newest).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import zlib
from collections.abc import Iterable, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted-aesgcm"
COMPRESSION = b"zlib"
"""Metadata ``compression`` of a payload deflated before encryption (payloads from before
have none and are read as they are)."""
COMPRESS_FROM = 256
"""Bytes from which a payload is deflated: case state is JSON that shrinks three to five times,
which is most of a case's history bytes; tiny payloads are not worth it."""

REFUSED = b"binary/refused-plaintext"
"""What an unencrypted payload becomes on the way in: no converter reads it, so a signal carrying
it is dropped and an update refused (the SDK's own handling of an unreadable argument)."""

logger = logging.getLogger(__name__)


def key_id(key: bytes) -> str:
    """Short public fingerprint of a key, kept in payload metadata."""
    return hashlib.sha256(key).hexdigest()[:16]


class EncryptionCodec(PayloadCodec):
    """Encrypts with the first key; decrypts with whichever key the payload names.

    ``strict`` (the workers' and the API's client): a payload that is not encrypted is not
    trusted — whoever reaches Temporal without the key could otherwise signal ``dna_result`` or
    complete a task with a plaintext JSON payload. It is replaced by an unreadable one
    (:data:`REFUSED`). The codec endpoint decodes leniently, to show an operator what came in.
    """

    def __init__(self, keys: Sequence[bytes], *, strict: bool = True):
        if not keys:
            raise ValueError("at least one payload key is required")
        self._current = keys[0]
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self._current_id = key_id(self._current)
        self._strict = strict

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        aes = self._keys[self._current_id]
        out = []
        for p in payloads:
            nonce = os.urandom(12)
            plain = p.SerializeToString()
            metadata = {"encoding": ENCODING, "encryption-key-id": self._current_id.encode()}
            if len(plain) >= COMPRESS_FROM:
                deflated = zlib.compress(plain, 6)
                if len(deflated) < len(plain):
                    plain = deflated
                    metadata["compression"] = COMPRESSION
            out.append(Payload(metadata=metadata, data=nonce + aes.encrypt(nonce, plain, None)))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for p in payloads:
            if p.metadata.get("encoding") != ENCODING:
                if self._strict:
                    logger.warning("refused an unencrypted payload (encoding %r)",
                                   p.metadata.get("encoding", b"")[:40])
                    out.append(Payload(metadata={"encoding": REFUSED}))
                else:
                    out.append(p)
                continue
            kid = p.metadata["encryption-key-id"].decode()
            aes = self._keys.get(kid)
            if aes is None:
                raise ValueError(f"payload encrypted with unknown key {kid}")
            plain = aes.decrypt(p.data[:12], p.data[12:], None)
            if p.metadata.get("compression") == COMPRESSION:
                plain = zlib.decompress(plain)
            decoded = Payload()
            decoded.ParseFromString(plain)
            out.append(decoded)
        return out


def data_converter(keys: Iterable[bytes] | None) -> DataConverter:
    """The pydantic data converter, with the encryption codec when keys are given."""
    key_list = list(keys or [])
    if not key_list:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec(key_list))
