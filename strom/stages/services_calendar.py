"""Writes of the deadline feed: a worker makes or replaces their secret calendar link, or revokes it
(strom.accounts.secret_links)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from strom.accounts.secret_links import secret_link_replace, secret_link_revoke
from strom.stages.models import DeadlineFeed

if TYPE_CHECKING:
    from strom.accounts.models import User


@transaction.atomic
def deadline_feed_create(*, by: User) -> str:
    """A new secret link to the user's deadlines; the old one stops working. The token is returned
    once and only its hash is kept."""
    return secret_link_replace(by=by, model=DeadlineFeed, action="case.deadline_feed_create")


@transaction.atomic
def deadline_feed_revoke(*, by: User) -> bool:
    return secret_link_revoke(by=by, model=DeadlineFeed, action="case.deadline_feed_revoke")
