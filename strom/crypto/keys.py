"""The key ring: field-encryption keys with ids, the blind-index key and the audit-chain key.

Keys come from STROM_FIELD_KEYS (the JSON document itself) or from a file: STROM_FIELD_KEYS_FILE, or
outside production var/keys.json, created on first use. The document:

    {"current": "k2",
     "keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"},
     "blind_index_key": "<base64 32 bytes>",
     "audit_key": "<base64 32 bytes>"}

`current` encrypts new values; every listed key can still decrypt. `strom keys rotate` adds a key,
makes it current, rewrites the file and re-encrypts stored values in batches while the site runs.
Running processes notice the rewritten file (its identity and modification time are checked on every
use, one stat call) and, as a last resort, re-read it when they meet a key id they do not know.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, replace
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


def _write_tmp(ring: KeyRing, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # Created 0600 from the start so the key is never world-readable, not even for a moment.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def write_key_file(ring: KeyRing, path: Path | None = None) -> None:
    """Replace the key file atomically: readers see the old document or the new one, never half of one."""
    path = path or key_file_path()
    os.replace(_write_tmp(ring, path), path)


def _create_key_file(ring: KeyRing, path: Path) -> None:
    """Create the file only if nobody else has: two processes starting at once must agree on one ring."""
    tmp = _write_tmp(ring, path)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


@dataclass(frozen=True)
class KeySource:
    """Where the ring comes from: a file that can be rewritten, or the environment, which cannot."""

    path: Path | None

    @property
    def writable(self) -> bool:
        return self.path is not None

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "STROM_FIELD_KEYS"


def key_source() -> KeySource:
    if settings.STROM_FIELD_KEYS:
        return KeySource(path=None)
    return KeySource(path=key_file_path())


_lock = threading.Lock()
_cached: tuple[object, KeyRing] | None = None
# The file is looked at again at most this often: a list page decrypts hundreds of values, and a stat
# per value showed in profiles. A process that meets an unknown key id re-reads at once regardless.
STAT_INTERVAL = 1.0
_checked_at = 0.0
_checked_source: object = None


def _stamp(source: KeySource) -> object:
    if source.path is None:
        return ("env", settings.STROM_FIELD_KEYS)
    try:
        st = source.path.stat()
    except FileNotFoundError:
        return None
    # os.replace gives the file a new inode, so a rewrite is seen even within the clock's resolution.
    return ("file", str(source.path), st.st_ino, st.st_mtime_ns, st.st_size)


def _load(source: KeySource) -> KeyRing:
    if source.path is None:
        return parse_key_ring(settings.STROM_FIELD_KEYS)
    if source.path.exists():
        return parse_key_ring(source.path.read_text(encoding="utf-8"))
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Set STROM_FIELD_KEYS or STROM_FIELD_KEYS_FILE in production")
    _create_key_file(new_key_ring(), source.path)
    return parse_key_ring(source.path.read_text(encoding="utf-8"))


def key_ring() -> KeyRing:
    """The current ring, re-read when its file changed since the last call."""
    global _cached, _checked_at, _checked_source
    cached = _cached
    now = time.monotonic()
    # Skip the stat only for the same source: settings may point elsewhere (tests, a second site). The
    # settings themselves are compared, not a path built from them: this runs once per decrypted value.
    where = (settings.STROM_FIELD_KEYS, settings.STROM_FIELD_KEYS_FILE_PATH)
    if cached is not None and where == _checked_source and now - _checked_at < STAT_INTERVAL:
        return cached[1]
    source = key_source()
    stamp = _stamp(source)
    if cached is not None and stamp is not None and cached[0] == stamp:
        _checked_at, _checked_source = now, where
        return cached[1]
    with _lock:
        ring = _load(source)
        _cached = (_stamp(source), ring)
        _checked_at, _checked_source = now, where
    return ring


def reload_key_ring() -> KeyRing:
    global _cached, _checked_at
    with _lock:
        _cached = None
        _checked_at = 0.0
    return key_ring()


def next_key_id(ring: KeyRing) -> str:
    numbers = [
        int(kid[1:]) for kid in ring.keys if kid[:1] == "k" and kid[1:].isascii() and kid[1:].isdigit()
    ]
    return f"k{max(numbers, default=0) + 1}"


def with_new_key(ring: KeyRing) -> KeyRing:
    """The ring with a fresh current key; the old keys stay so existing values still decrypt."""
    kid = next_key_id(ring)
    return replace(ring, current=kid, keys={**ring.keys, kid: secrets.token_bytes(KEY_BYTES)})


def without_key(ring: KeyRing, kid: str) -> KeyRing:
    return replace(ring, keys={k: v for k, v in ring.keys.items() if k != kid})


def with_new_blind_index_key(ring: KeyRing) -> KeyRing:
    return replace(ring, blind_index_key=secrets.token_bytes(KEY_BYTES))
