"""Local key file for the demo: generated once, never committed (var/ is ignored)."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

KEY_NAMES = ("DJANGO_SECRET_KEY", "BANSOS_FIELD_KEYS", "BANSOS_BLIND_INDEX_KEY")


def _new_keys() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "BANSOS_FIELD_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BANSOS_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def read_key_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def ensure_key_file(
    path: Path, names: tuple[str, ...], generate: Callable[[], dict[str, str]], header: str
) -> dict[str, str]:
    """Return the keys ``names`` in ``path`` (KEY=value lines), writing the file (mode 0600) with
    ``generate()``'s fresh keys under a ``header`` comment when it is missing or lacks one of them."""
    if path.exists():
        values = read_key_file(path)
        if all(values.get(name) for name in names):
            return values
    path.parent.mkdir(parents=True, exist_ok=True)
    values = generate()
    body = f"# {header}\n" + "".join(f"{name}={values[name]}\n" for name in names)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
    return values


def ensure_local_keys(path: Path) -> dict[str, str]:
    """Return the keys in ``path``, creating the file (mode 0600) with fresh random keys if missing."""
    return ensure_key_file(
        path,
        KEY_NAMES,
        _new_keys,
        "Local demo keys, generated once. Losing this file makes stored NIK/KK unreadable.",
    )
