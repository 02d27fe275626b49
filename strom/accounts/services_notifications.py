"""Writes of the notifications centre: a message for some users, and marking messages read.

A notification holds a registered message key (strom.core.notifications), a count and a link: never a
name or a case's details, so neither writing nor reading one is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from strom.accounts.models import Notification


def notify(*, user_ids: Iterable[int], key: str, url: str, count: int = 1) -> int:
    """One notification per user (each user once); how many were written."""
    people = sorted(set(user_ids))
    Notification.objects.bulk_create(
        [Notification(user_id=pk, message_key=key, params={"count": count}, url=url) for pk in people]
    )
    return len(people)


def notification_mark_read(*, user_id: int, notification_id: int) -> int:
    """Mark one of the user's own notifications read; another user's is left alone (0)."""
    return int(
        Notification.objects.filter(user_id=user_id, pk=notification_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def notifications_mark_all_read(*, user_id: int) -> int:
    return int(
        Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(read_at=timezone.now())
    )
