"""How long ago, as whole phrases with the language's plural forms."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from strom.core.ago import time_ago

NOW = timezone.make_aware(dt.datetime(2026, 12, 4, 12, 0))


def test_each_unit_and_its_plural() -> None:
    with translation.override("en"):
        assert time_ago(NOW - dt.timedelta(seconds=20), NOW) == "just now"
        assert time_ago(NOW - dt.timedelta(minutes=1), NOW) == "1 minute ago"
        assert time_ago(NOW - dt.timedelta(minutes=9), NOW) == "9 minutes ago"
        assert time_ago(NOW - dt.timedelta(hours=2), NOW) == "2 hours ago"
        assert time_ago(NOW - dt.timedelta(days=1), NOW) == "1 day ago"
        assert time_ago(NOW - dt.timedelta(days=65), NOW) == "2 months ago"
        assert time_ago(NOW - dt.timedelta(days=800), NOW) == "2 years ago"
        assert time_ago(dt.date(2026, 12, 1), NOW) == "3 days ago"
