"""The audit checkpoint signing key: Ed25519, kept outside the database.

The private key is base64 of the 32-byte Ed25519 seed. It comes from STROM_AUDIT_SIGNING_KEY (the
value itself) or from a file: STROM_AUDIT_SIGNING_KEY_FILE, or outside production
var/audit-signing.key, created 0600 on first use. In production STROM never makes one.

Verifying needs only public keys. Every key that ever signed is listed in `public-keys.json` in the
checkpoint directory (added the first time the key signs, never removed), so checkpoints signed
before a rotation still verify. A key id is the first 16 hex digits of SHA-256 over the raw public
key: it names the key without any registry that could disagree with it.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEED_BYTES = 32
PUBLIC_KEYS_FILE = "public-keys.json"


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def kid(self) -> str:
        return key_id(self.public)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")

    def public_b64(self) -> str:
        return base64.b64encode(_raw_public(self.public)).decode("ascii")

    def to_text(self) -> str:
        seed = self.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return base64.b64encode(seed).decode("ascii") + "\n"


def new_signing_key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def parse_signing_key(text: str, *, where: str) -> SigningKey:
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"The audit signing key in {where} is not valid base64") from exc
    if len(seed) != SEED_BYTES:
        raise ImproperlyConfigured(
            f"The audit signing key in {where} must be {SEED_BYTES} bytes (an Ed25519 seed), got {len(seed)}"
        )
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


@dataclass(frozen=True)
class SigningKeySource:
    """The environment variable (cannot be rewritten) or a file (rotation rewrites it)."""

    path: Path | None

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "STROM_AUDIT_SIGNING_KEY"


def signing_key_source() -> SigningKeySource:
    if settings.STROM_AUDIT_SIGNING_KEY:
        return SigningKeySource(path=None)
    return SigningKeySource(path=Path(settings.STROM_AUDIT_SIGNING_KEY_FILE_PATH))


def _write_private(key: SigningKey, path: Path, *, replace: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # 0600 from the first byte: the key is never readable by others, not even for a moment.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.to_text())
        fh.flush()
        os.fsync(fh.fileno())
    if replace:
        os.replace(tmp, path)
        return
    # Two processes starting at once must end up with one key: the first link wins.
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def write_signing_key(key: SigningKey, path: Path) -> None:
    """Replace a key file atomically (rotation), or write a new one for the operator to install."""
    _write_private(key, path, replace=True)


def signing_key() -> SigningKey:
    """The current private key; outside production a missing key file is created."""
    source = signing_key_source()
    if source.path is None:
        return parse_signing_key(settings.STROM_AUDIT_SIGNING_KEY, where="STROM_AUDIT_SIGNING_KEY")
    if not source.path.exists():
        if settings.PRODUCTION:
            raise ImproperlyConfigured(
                "Set STROM_AUDIT_SIGNING_KEY or STROM_AUDIT_SIGNING_KEY_FILE in production"
            )
        _write_private(new_signing_key(), source.path, replace=False)
    return parse_signing_key(source.path.read_text(encoding="ascii"), where=str(source.path))


# --- public keys --------------------------------------------------------------------------------------


def load_public_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """The public keys listed in `path`, by key id. A missing file is an empty list.

    A listed key whose id does not match the key itself is left out, so an edited file cannot make a
    key stand in for another.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"The public key file {path} cannot be read: {exc}") from exc
    keys: dict[str, Ed25519PublicKey] = {}
    listed = data.get("keys", {}) if isinstance(data, dict) else {}
    for kid, item in listed.items() if isinstance(listed, dict) else ():
        try:
            raw = base64.b64decode(str(item.get("public_key", "")), validate=True)
            public = Ed25519PublicKey.from_public_bytes(raw)
        except (AttributeError, ValueError, binascii.Error):
            continue
        if key_id(public) == kid:
            keys[kid] = public
    return keys


def add_public_key(path: Path, key: SigningKey) -> bool:
    """List the key's public half in `path` (kept forever); True when it was not listed yet."""
    path.parent.mkdir(parents=True, mode=0o750, exist_ok=True)
    # Read, add and replace under a lock: two processes adding keys at once must not lose one.
    lock = os.open(path.with_name(f".{path.name}.lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _add_public_key_locked(path, key)
    finally:
        os.close(lock)


def _add_public_key_locked(path: Path, key: SigningKey) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {"keys": {}}
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"The public key file {path} cannot be read: {exc}") from exc
    keys = data.setdefault("keys", {})
    if key.kid in keys:
        return False
    keys[key.kid] = {"public_key": key.public_b64(), "added": datetime.now(UTC).isoformat(timespec="seconds")}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return True


def verify_signature(public: Ed25519PublicKey, signature: str, message: bytes) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
