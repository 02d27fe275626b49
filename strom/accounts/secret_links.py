"""A user's secret links (calendar feeds): a token shown once, only its hash kept, one per user and
kind; a new one replaces the old, and either can be revoked. Each kind is a model with `user` and
`token_hash` (events' programme feed, the deadlines feed)."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from strom.audit.services import audit_record

if TYPE_CHECKING:
    from strom.accounts.models import User


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def secret_link_replace(*, by: User, model: Any, action: str) -> str:
    """A new link of this kind for `by`; the old one stops working. Returns the token, once. The caller
    holds the transaction."""
    token = secrets.token_urlsafe(32)
    replaced = model.objects.filter(user=by).delete()[0] > 0
    model.objects.create(user=by, token_hash=secret_hash(token))
    audit_record(
        actor=by, action=action, object_type="user", object_ref=by.pk, details={"replaced": replaced}
    )
    return token


def secret_link_revoke(*, by: User, model: Any, action: str) -> bool:
    revoked: bool = model.objects.filter(user=by).delete()[0] > 0
    if revoked:
        audit_record(actor=by, action=action, object_type="user", object_ref=by.pk)
    return revoked
