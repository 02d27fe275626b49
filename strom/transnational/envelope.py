"""Sealing and opening messages between instances: signed (JWS, ES256), then encrypted to the
receiver (JWE, ECDH-ES+A256KW with A256GCM), with joserfc. Nothing here is hand-made cryptography.

The signed claims: `jti` (the message id, also the idempotency key), `iat` (when signed), `kind`,
`aud` (the receiver's encryption key id, so a message cannot be forwarded to another instance) and
`body`. Opening checks, in order: the encryption key is ours, the ciphertext is intact, the signing
key belongs to a known partner, the partner is not suspended, the signature holds, the claims are
well formed and fresh, and the id was never applied. Each failure has a code for the log.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from joserfc import jwe, jws
from joserfc.errors import JoseError

from strom.transnational.keys import (
    ENCRYPTION_ALG,
    ENCRYPTION_ENC,
    SIGNING_ALG,
    InstanceKeys,
    current_kid,
    instance_keys,
    public_key,
)
from strom.transnational.models import Partner, PartnerState, ReceivedMessage

KINDS = frozenset(
    {
        "partner.confirm",
        "partner.keys",
        "referral.send",
        "referral.state",
        "return_plan.propose",
        "return_plan.agree",
        "person.check",
    }
)
SIGNED_TYPE = "strom-trm+jws"
RECEIPT_TYPE = "strom-trm-receipt+jws"
TIMEOUT_SECONDS = 10


class Refused(Exception):
    """A message that is not applied. `code` goes to the log and the answer; `partner` when known."""

    def __init__(self, code: str, partner: Partner | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.partner = partner


@dataclass(frozen=True)
class Opened:
    partner: Partner
    message_id: uuid.UUID
    kind: str
    body: dict[str, Any]


def seal(
    *,
    partner: Partner,
    kind: str,
    message_id: uuid.UUID,
    body: dict[str, Any],
    sign_with: str = "",
    keys: InstanceKeys | None = None,
    issued_at: int | None = None,
) -> str:
    """The message signed with this instance's key (`keys`: another key set, in tests and benchmarks
    that play the partner) and encrypted to the partner's current encryption key."""
    keys = keys or instance_keys()
    kid = sign_with or keys.signing.current
    signing = keys.signing.keys[kid]
    enc_kid = current_kid(partner.jwks, "enc")
    receiver = public_key(partner.jwks, enc_kid, "enc")
    if receiver is None:
        raise ValueError("the partner's JWKS has no usable encryption key")
    claims = {
        "jti": str(message_id),
        "iat": issued_at or int(time.time()),
        "kind": kind,
        "aud": enc_kid,
        "body": body,
    }
    signed = jws.serialize_compact(
        {"alg": SIGNING_ALG, "kid": kid, "typ": SIGNED_TYPE},
        json.dumps(claims, separators=(",", ":")).encode(),
        signing,
    )
    return jwe.encrypt_compact(
        {"alg": ENCRYPTION_ALG, "enc": ENCRYPTION_ENC, "kid": enc_kid, "cty": SIGNED_TYPE},
        signed.encode(),
        receiver,
    )


def recipient_kid(token: str) -> str:
    """The key id in a JWE's protected header (its first part), read without decrypting; "" if none."""
    try:
        first = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))
    except (ValueError, TypeError):
        return ""
    return str(header.get("kid", "")) if isinstance(header, dict) else ""


def _decrypt(token: str) -> bytes:
    keys = instance_keys()
    key = keys.encryption.keys.get(recipient_kid(token))
    if key is None:
        raise Refused("unknown_recipient_key")
    try:
        return bytes(
            jwe.decrypt_compact(token, key, algorithms=[ENCRYPTION_ALG, ENCRYPTION_ENC]).plaintext or b""
        )
    except (JoseError, ValueError, TypeError):
        # A changed byte anywhere fails AES-GCM's tag: tampered, or not for us.
        raise Refused("undecryptable") from None


def _signer(signed: bytes) -> tuple[Partner, str]:
    try:
        header = jws.extract_compact(signed).protected
    except (JoseError, ValueError, TypeError):
        raise Refused("malformed") from None
    kid = str(header.get("kid", ""))
    for partner in Partner.objects.exclude(jwks={}):
        if public_key(partner.jwks, kid, "sig") is not None:
            return partner, kid
    raise Refused("unknown_key")


def _claims(partner: Partner, signed: bytes, kid: str) -> dict[str, Any]:
    key = public_key(partner.jwks, kid, "sig")
    try:
        verified = jws.deserialize_compact(signed, key, algorithms=[SIGNING_ALG])
        claims = json.loads(verified.payload)
    except (JoseError, ValueError, TypeError):
        raise Refused("bad_signature", partner) from None
    if not isinstance(claims, dict) or not isinstance(claims.get("body"), dict):
        raise Refused("malformed", partner)
    return claims


def open_message(token: str) -> Opened:
    """The verified message, or `Refused` with the reason. Stores nothing."""
    signed = _decrypt(token)
    partner, kid = _signer(signed)
    if partner.state == PartnerState.SUSPENDED:
        raise Refused("partner_suspended", partner)
    claims = _claims(partner, signed, kid)
    kind = str(claims.get("kind", ""))
    if kind not in KINDS:
        raise Refused("unknown_kind", partner)
    if partner.state != PartnerState.ACTIVE and kind != "partner.confirm":
        raise Refused("partner_not_confirmed", partner)
    if claims.get("aud") not in instance_keys().encryption.keys:
        raise Refused("wrong_audience", partner)
    try:
        message_id = uuid.UUID(str(claims.get("jti", "")))
        issued = int(claims.get("iat", 0))
    except (ValueError, TypeError):
        raise Refused("malformed", partner) from None
    if abs(time.time() - issued) > settings.STROM_TRANSNATIONAL_MAX_AGE_SECONDS:
        raise Refused("stale", partner)
    if ReceivedMessage.objects.filter(message_id=message_id).exists():
        raise Refused("replayed", partner)
    return Opened(partner=partner, message_id=message_id, kind=kind, body=claims["body"])


# --- receipts ------------------------------------------------------------------------------------------


def sign_receipt(message_id: uuid.UUID, status: str, extra: dict[str, Any] | None = None) -> str:
    keys = instance_keys()
    claims = {**(extra or {}), "for": str(message_id), "status": status, "iat": int(time.time())}
    return jws.serialize_compact(
        {"alg": SIGNING_ALG, "kid": keys.signing.current, "typ": RECEIPT_TYPE},
        json.dumps(claims, separators=(",", ":")).encode(),
        keys.signing.current_key,
    )


def receipt_claims(partner: Partner, receipt: str, message_id: uuid.UUID) -> dict[str, Any] | None:
    """The receipt's claims if the partner signed it for this message; else None."""
    try:
        kid = str(jws.extract_compact(receipt.encode()).protected.get("kid", ""))
        key = public_key(partner.jwks, kid, "sig")
        if key is None:
            return None
        claims = json.loads(jws.deserialize_compact(receipt, key, algorithms=[SIGNING_ALG]).payload)
    except (JoseError, ValueError, TypeError, AttributeError):
        return None
    if not isinstance(claims, dict) or claims.get("for") != str(message_id):
        return None
    return claims


def verify_receipt(partner: Partner, receipt: str, message_id: uuid.UUID) -> str:
    """The receipt's status ("received", "replayed") if the partner signed it for this message; else ""."""
    claims = receipt_claims(partner, receipt, message_id)
    return str(claims.get("status", "")) if claims else ""


# --- transport -----------------------------------------------------------------------------------------


def check_partner_url(url: str) -> None:
    """HTTPS only; plain HTTP to a loopback address when STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP is set
    (development and tests: the setting is refused in production)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and settings.STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP:
        host = parts.hostname
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if loopback:
            return
    raise ValidationError({"url": _("A partner's address must start with https://.")})


@dataclass(frozen=True)
class Answer:
    status: int
    data: dict[str, Any]


def post_json(url: str, payload: dict[str, Any]) -> Answer:
    """POST JSON; any HTTP answer is returned (an error status too), a transport failure raises OSError."""
    check_partner_url(url)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above: https, or loopback http
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return Answer(response.status, _json(response.read()))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, _json(exc.read()))


def get_json(url: str) -> dict[str, Any]:
    check_partner_url(url)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return _json(response.read())


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
