"""The key ring: field-encryption keys with ids, the blind-index key and the audit-chain key.

Keys come from STROM_FIELD_KEYS (a JSON document, or STROM_FIELD_KEYS_FILE naming a file that holds
it) or, outside production, from var/keys.json, created on first use. The document:

    {"current": "k2",
     "keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"},
     "blind_index_key": "<base64 32 bytes>",
     "audit_key": "<base64 32 bytes>"}

`current` encrypts new values; every listed key can still decrypt. `strom keys rotate` adds a key,
makes it current and re-encrypts stored values in batches.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]
    blind_index_key: bytes
    audit_key: bytes

    def to_json(self) -> str:
        return json.dumps(
            {
                "current": self.current,
                "keys": {kid: _b64(key) for kid, key in self.keys.items()},
                "blind_index_key": _b64(self.blind_index_key),
                "audit_key": _b64(self.audit_key),
            },
            indent=2,
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _key(value: Any, what: str) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{what} must be {KEY_BYTES} bytes (AES-256), got {len(raw)}")
    return raw


def parse_key_ring(document: str) -> KeyRing:
    try:
        data = json.loads(document)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured("The field key document is not valid JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict) or not data["keys"]:
        raise ImproperlyConfigured("The field key document needs a non-empty 'keys' object")
    keys = {str(kid): _key(value, f"key {kid!r}") for kid, value in data["keys"].items()}
    for kid in keys:
        if not kid.isalnum() or len(kid) > 16:
            raise ImproperlyConfigured("Key ids must be letters and digits, at most 16 characters")
    current = str(data.get("current", ""))
    if current not in keys:
        raise ImproperlyConfigured("'current' must name one of the keys")
    return KeyRing(
        current=current,
        keys=keys,
        blind_index_key=_key(data.get("blind_index_key", ""), "blind_index_key"),
        audit_key=_key(data.get("audit_key", ""), "audit_key"),
    )


def new_key_ring() -> KeyRing:
    return KeyRing(
        current="k1",
        keys={"k1": secrets.token_bytes(KEY_BYTES)},
        blind_index_key=secrets.token_bytes(KEY_BYTES),
        audit_key=secrets.token_bytes(KEY_BYTES),
    )


def key_file_path() -> Path:
    return Path(settings.STROM_FIELD_KEYS_FILE_PATH)


def write_key_file(ring: KeyRing, path: Path | None = None) -> None:
    path = path or key_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # Created 0600 from the start so the key is never world-readable, not even for a moment.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.to_json())
    os.replace(tmp, path)


@cache
def key_ring() -> KeyRing:
    if settings.STROM_FIELD_KEYS:
        return parse_key_ring(settings.STROM_FIELD_KEYS)
    path = key_file_path()
    if path.exists():
        return parse_key_ring(path.read_text(encoding="utf-8"))
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Set STROM_FIELD_KEYS, STROM_FIELD_KEYS_FILE or STROM_KEYS_FILE in production")
    ring = new_key_ring()
    write_key_file(ring, path)
    return ring


def reload_key_ring() -> KeyRing:
    key_ring.cache_clear()
    return key_ring()
