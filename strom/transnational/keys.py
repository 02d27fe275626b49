"""This instance's keys for transnational messages: one to sign (ES256), one to decrypt (ECDH-ES).

Kept like the field keys (strom/crypto/keys.py): the document comes from STROM_INSTANCE_KEYS (the JSON
itself) or from a file, STROM_INSTANCE_KEYS_FILE, outside production var/instance-keys.json, created
0600 on first use. It never goes into the database. The document holds private JWKs by key id, the
key id being the key's RFC 7638 thumbprint:

    {"signing":    {"current": "<thumbprint>", "keys": {"<thumbprint>": {<private EC JWK>}, ...}},
     "encryption": {"current": "<thumbprint>", "keys": {...}}}

Rotation (`rotate_keys`) adds a fresh pair and makes it current; the old keys stay in the document, so
messages already encrypted to the old key still open and partners can be told of the new keys in a
message signed by the old one (services.keys_rotate).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import ECKey

CURVE = "P-256"
SIGNING_ALG = "ES256"
ENCRYPTION_ALG = "ECDH-ES+A256KW"
ENCRYPTION_ENC = "A256GCM"


@dataclass(frozen=True)
class KeyPair:
    """One purpose's keys: `current` signs or is advertised for encryption; all of them are kept."""

    current: str
    keys: dict[str, ECKey]

    @property
    def current_key(self) -> ECKey:
        return self.keys[self.current]


@dataclass(frozen=True)
class InstanceKeys:
    signing: KeyPair
    encryption: KeyPair

    def to_json(self) -> str:
        return json.dumps(
            {
                purpose: {
                    "current": pair.current,
                    "keys": {kid: key.as_dict(private=True) for kid, key in pair.keys.items()},
                }
                for purpose, pair in (("signing", self.signing), ("encryption", self.encryption))
            },
            indent=2,
        )

    def public_jwks(self) -> dict[str, Any]:
        """Every public key, current first in each purpose, with its use, algorithm and key id."""
        keys: list[dict[str, Any]] = []
        for pair, use, alg in ((self.signing, "sig", SIGNING_ALG), (self.encryption, "enc", ENCRYPTION_ALG)):
            ordered = [pair.current, *sorted(k for k in pair.keys if k != pair.current)]
            for kid in ordered:
                public = pair.keys[kid].as_dict(private=False)
                keys.append({**public, "kid": kid, "use": use, "alg": alg})
        return {"keys": keys}


def thumbprint(key: ECKey) -> str:
    return str(key.thumbprint())


def new_key() -> ECKey:
    return ECKey.generate_key(CURVE, private=True)


def _pair(key: ECKey) -> KeyPair:
    kid = thumbprint(key)
    return KeyPair(current=kid, keys={kid: key})


def new_instance_keys() -> InstanceKeys:
    return InstanceKeys(signing=_pair(new_key()), encryption=_pair(new_key()))


def _parse_pair(data: Any, purpose: str) -> KeyPair:
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict) or not data["keys"]:
        raise ImproperlyConfigured(
            f"The instance key document needs '{purpose}' with a non-empty 'keys' object"
        )
    keys: dict[str, ECKey] = {}
    for kid, jwk in data["keys"].items():
        try:
            key = ECKey.import_key(jwk)
        except (ValueError, TypeError, KeyError) as exc:
            raise ImproperlyConfigured(f"The {purpose} key {kid!r} is not a valid EC JWK") from exc
        if not key.is_private:
            raise ImproperlyConfigured(f"The {purpose} key {kid!r} has no private part")
        if thumbprint(key) != kid:
            # A key id that is not the key's own thumbprint could let one key stand in for another.
            raise ImproperlyConfigured(f"The {purpose} key id {kid!r} is not the key's RFC 7638 thumbprint")
        keys[str(kid)] = key
    current = str(data.get("current", ""))
    if current not in keys:
        raise ImproperlyConfigured(f"'{purpose}.current' must name one of its keys")
    return KeyPair(current=current, keys=keys)


def parse_instance_keys(document: str) -> InstanceKeys:
    try:
        data = json.loads(document)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured("The instance key document is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ImproperlyConfigured("The instance key document must be a JSON object")
    return InstanceKeys(
        signing=_parse_pair(data.get("signing"), "signing"),
        encryption=_parse_pair(data.get("encryption"), "encryption"),
    )


def key_file_path() -> Path:
    return Path(settings.STROM_INSTANCE_KEYS_FILE_PATH)


def write_key_file(keys: InstanceKeys, path: Path, *, replace: bool = True) -> None:
    """Write atomically, 0600 from the first byte; `replace=False` keeps a file another process made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(keys.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


_lock = threading.Lock()
_cached: tuple[object, InstanceKeys] | None = None


def _stamp() -> object:
    if settings.STROM_INSTANCE_KEYS:
        return ("env", settings.STROM_INSTANCE_KEYS)
    path = key_file_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return ("file", str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def instance_keys() -> InstanceKeys:
    """The current keys, re-read when the file changed (a rotation by another process)."""
    global _cached
    stamp = _stamp()
    cached = _cached
    if cached is not None and stamp is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        if settings.STROM_INSTANCE_KEYS:
            keys = parse_instance_keys(settings.STROM_INSTANCE_KEYS)
        else:
            path = key_file_path()
            if not path.exists():
                if settings.PRODUCTION:
                    raise ImproperlyConfigured(
                        "Set STROM_INSTANCE_KEYS or STROM_INSTANCE_KEYS_FILE in production"
                    )
                write_key_file(new_instance_keys(), path, replace=False)
            keys = parse_instance_keys(path.read_text(encoding="utf-8"))
        _cached = (_stamp(), keys)
    return keys


def rotate_keys() -> tuple[InstanceKeys, InstanceKeys]:
    """A fresh signing and encryption key become current; the old ones stay. Returns (before, after)."""
    if settings.STROM_INSTANCE_KEYS:
        raise ImproperlyConfigured(
            "Keys given in STROM_INSTANCE_KEYS cannot be rotated in place: use a key file"
        )
    before = instance_keys()
    signing, encryption = new_key(), new_key()
    after = InstanceKeys(
        signing=KeyPair(thumbprint(signing), {**before.signing.keys, thumbprint(signing): signing}),
        encryption=KeyPair(
            thumbprint(encryption), {**before.encryption.keys, thumbprint(encryption): encryption}
        ),
    )
    write_key_file(after, key_file_path())
    return before, after


def public_key(jwks: dict[str, Any], kid: str, use: str) -> ECKey | None:
    """The partner's public key `kid` of one use ("sig" or "enc") from its JWKS, or None. A listed key
    whose id is not its own thumbprint is ignored: an edited document cannot make one key pose as
    another."""
    for item in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        if not isinstance(item, dict) or item.get("use") != use or item.get("kid") != kid:
            continue
        try:
            key = ECKey.import_key({k: v for k, v in item.items() if k in ("kty", "crv", "x", "y")})
        except (ValueError, TypeError, KeyError):
            return None
        return key if thumbprint(key) == kid and not key.is_private else None
    return None


def current_kid(jwks: dict[str, Any], use: str) -> str:
    """The first listed key of a use: the partner's current one (public_jwks lists it first)."""
    for item in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        if isinstance(item, dict) and item.get("use") == use:
            return str(item.get("kid", ""))
    return ""


def jwks_thumbprints(jwks: dict[str, Any], use: str) -> list[str]:
    """The key ids of one use whose keys match them, in the order listed."""
    kids = []
    for item in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        if isinstance(item, dict) and item.get("use") == use:
            kid = str(item.get("kid", ""))
            if public_key(jwks, kid, use) is not None:
                kids.append(kid)
    return kids
