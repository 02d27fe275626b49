"""Writes of the deadline feed: a worker makes or replaces their secret calendar link, or revokes it."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction

from strom.audit.services import audit_record
from strom.stages.models import DeadlineFeed

if TYPE_CHECKING:
    from strom.accounts.models import User


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def deadline_feed_create(*, by: User) -> str:
    """A new secret link to the user's deadlines; the old one stops working. The token is returned
    once and only its hash is kept."""
    token = secrets.token_urlsafe(32)
    replaced = DeadlineFeed.objects.filter(user=by).delete()[0] > 0
    DeadlineFeed.objects.create(user=by, token_hash=feed_token_hash(token))
    audit_record(
        actor=by,
        action="case.deadline_feed_create",
        object_type="user",
        object_ref=by.pk,
        details={"replaced": replaced},
    )
    return token


@transaction.atomic
def deadline_feed_revoke(*, by: User) -> bool:
    revoked = DeadlineFeed.objects.filter(user=by).delete()[0] > 0
    if revoked:
        audit_record(actor=by, action="case.deadline_feed_revoke", object_type="user", object_ref=by.pk)
    return revoked
