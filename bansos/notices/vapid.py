"""VAPID keys for Web Push. They come from the environment (BANSOS_VAPID_PRIVATE_KEY: base64url of the raw
32-byte P-256 private value; BANSOS_VAPID_PUBLIC_KEY: base64url of the uncompressed public point, which the
browser needs as ``applicationServerKey``); the demo generates them once into var/vapid.env. No Django
imports: the settings use this module."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bansos.core.keys import ensure_key_file

KEY_NAMES = ("BANSOS_VAPID_PUBLIC_KEY", "BANSOS_VAPID_PRIVATE_KEY")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_vapid_keys() -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"BANSOS_VAPID_PUBLIC_KEY": _b64url(public), "BANSOS_VAPID_PRIVATE_KEY": _b64url(private)}


def ensure_vapid_keys(path: Path) -> dict[str, str]:
    """The VAPID keys in ``path`` (KEY=value lines), created once (mode 0600) when missing."""
    return ensure_key_file(
        path, KEY_NAMES, new_vapid_keys, "Local demo Web Push (VAPID) keys, generated once."
    )
