"""Encryption at rest and blind indexes for protected identifiers (NIK, KK).

* ``encrypt``/``decrypt``: AES-256-GCM with a random 96-bit nonce; the stored value is
  ``key-id length (1 byte) | key id | nonce | ciphertext+tag``, so keys can be rotated: the first key in
  BANSOS_FIELD_KEYS encrypts, every listed key decrypts.
* ``blind_index``: HMAC-SHA256 under a separate key, truncated to 128 bits, hex. Equal identifiers give
  equal indexes, so the column carries the unique constraint and equality look-ups, while a database dump
  without the key reveals nothing (a 16-digit NIK has too much structure to be safe with a plain hash).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
BLIND_INDEX_HEX_LENGTH = 32


_SHA256_BLOCK = 64


@dataclass(frozen=True)
class Keyring:
    current_id: bytes
    ciphers: dict[bytes, AESGCM]
    blind_key: bytes
    # HMAC-SHA256 of the blind key with its padded key already hashed in (RFC 2104): each blind index is
    # then two copies of a hash state and two short updates, a third of the cost of ``hmac.digest``.
    _inner: Any = field(init=False, repr=False, compare=False)
    _outer: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = self.blind_key.ljust(_SHA256_BLOCK, b"\0")  # 32-byte keys: never longer than the block
        object.__setattr__(self, "_inner", hashlib.sha256(bytes(b ^ 0x36 for b in key)))
        object.__setattr__(self, "_outer", hashlib.sha256(bytes(b ^ 0x5C for b in key)))


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64-encoded)")
    return key


def parse_keyring(field_keys: str, blind_key: str) -> Keyring:
    ciphers: dict[bytes, AESGCM] = {}
    current: bytes | None = None
    for item in (part.strip() for part in field_keys.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or len(key_id) > 16:
            raise ImproperlyConfigured("BANSOS_FIELD_KEYS entries look like 'id:base64key'")
        ident = key_id.encode()
        ciphers[ident] = AESGCM(_decode_key(encoded, f"BANSOS_FIELD_KEYS[{key_id}]"))
        current = current or ident
    if current is None:
        raise ImproperlyConfigured("BANSOS_FIELD_KEYS is not set")
    if not blind_key:
        raise ImproperlyConfigured("BANSOS_BLIND_INDEX_KEY is not set")
    return Keyring(current, ciphers, _decode_key(blind_key, "BANSOS_BLIND_INDEX_KEY"))


@lru_cache(maxsize=4)
def _keyring_for(field_keys: str, blind_key: str) -> Keyring:
    return parse_keyring(field_keys, blind_key)


def keyring() -> Keyring:
    return _keyring_for(settings.BANSOS_FIELD_KEYS, settings.BANSOS_BLIND_INDEX_KEY)


def encrypt(plaintext: str, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.current_id].encrypt(nonce, plaintext.encode(), None)
    return bytes([len(ring.current_id)]) + ring.current_id + nonce + sealed


def encrypt_many(plaintexts: Sequence[str], ring: Keyring | None = None) -> list[bytes]:
    """``[encrypt(p) for p in plaintexts]``, with the random nonces drawn in one call."""
    ring = ring or keyring()
    seal = ring.ciphers[ring.current_id].encrypt
    prefix = bytes([len(ring.current_id)]) + ring.current_id
    nonces = os.urandom(NONCE_BYTES * len(plaintexts))
    return [
        prefix + nonce + seal(nonce, plaintext.encode(), None)
        for nonce, plaintext in zip(
            (nonces[i : i + NONCE_BYTES] for i in range(0, len(nonces), NONCE_BYTES)), plaintexts, strict=True
        )
    ]


def decrypt(token: bytes | memoryview, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    data = bytes(token)
    id_length = data[0]
    key_id = data[1 : 1 + id_length]
    nonce = data[1 + id_length : 1 + id_length + NONCE_BYTES]
    cipher = ring.ciphers.get(key_id)
    if cipher is None:
        raise ImproperlyConfigured(f"no key with id {key_id.decode(errors='replace')!r} to decrypt")
    return cipher.decrypt(nonce, data[1 + id_length + NONCE_BYTES :], None).decode()


def blind_index(value: str, ring: Keyring | None = None) -> str:
    """HMAC-SHA256(blind key, value), first 128 bits, hex (the same bytes as ``hmac.digest``)."""
    ring = ring or keyring()
    inner = ring._inner.copy()
    inner.update(value.encode())
    outer = ring._outer.copy()
    outer.update(inner.digest())
    return outer.digest()[: BLIND_INDEX_HEX_LENGTH // 2].hex()
