"""Admission photos at rest: sealed with AES-256-GCM before they reach PostgreSQL.

The database keeps the ciphertext, the nonce and the id of the key; without the key the bytes
are unreadable. Each photo is bound to its case and id (associated data), so a row copied onto
another case does not open. Keys rotate as in the payload codec (``rescue/codec.py``): the
first key seals, any known key opens. The digest that makes a repeated upload one photo is a
keyed MAC, so the database holds no plain hash of a picture either.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rescue.codec import key_id


class PhotoUnreadable(Exception):
    """The row's key is unknown here, or the ciphertext does not open (tampered, moved)."""


@dataclass(frozen=True)
class SealedPhoto:
    key_id: str
    nonce: bytes
    ciphertext: bytes


class PhotoVault:
    """Seals and opens photo bytes; handed the keys from the settings once at start-up."""

    def __init__(self, keys: Sequence[bytes]):
        if not keys:
            raise ValueError("at least one photo key is required")
        self._current = key_id(keys[0])
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self._mac_key = hashlib.sha256(b"rescue-photo-digest:" + keys[0]).digest()

    @staticmethod
    def _aad(case_id: str, photo_id: str) -> bytes:
        return f"case-photo:{case_id}:{photo_id}".encode()

    def seal(self, plain: bytes, *, case_id: str, photo_id: str) -> SealedPhoto:
        nonce = os.urandom(12)
        ciphertext = self._keys[self._current].encrypt(nonce, plain, self._aad(case_id, photo_id))
        return SealedPhoto(key_id=self._current, nonce=nonce, ciphertext=ciphertext)

    def open(self, sealed: SealedPhoto, *, case_id: str, photo_id: str) -> bytes:
        aes = self._keys.get(sealed.key_id)
        if aes is None:
            raise PhotoUnreadable(f"photo sealed with unknown key {sealed.key_id}")
        try:
            return aes.decrypt(sealed.nonce, sealed.ciphertext, self._aad(case_id, photo_id))
        except InvalidTag:
            raise PhotoUnreadable("photo ciphertext does not open") from None

    def digest(self, plain: bytes, *, case_id: str) -> str:
        """Keyed digest of a case's picture: the same bytes give the same digest."""
        return hmac.new(self._mac_key, case_id.encode() + b"\0" + plain, hashlib.sha256).hexdigest()
