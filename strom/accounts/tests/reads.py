"""The accounts app's GET routes, for tests/test_audited_reads.py, beside its routes.py."""

from __future__ import annotations

_OWN_NOTIFICATIONS = "the user's own notifications: message keys, counts and links, never a person's data"
NO_PERSONAL_DATA: dict[str, str] = {
    "accounts:notifications": _OWN_NOTIFICATIONS,
    "accounts:notifications_badge": "the count of the user's own unread notifications",
}
