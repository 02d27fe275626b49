"""{% load strom_time %} {{ value|ago }}: "9 minutes ago" in the reader's language (strom.core.ago)."""

from __future__ import annotations

import datetime as dt

from django import template

from strom.core.ago import time_ago

register = template.Library()


@register.filter
def ago(value: dt.datetime | dt.date | None) -> str:
    return time_ago(value) if value else ""
