from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info

from strom.core.navigation import navigation_for


@lru_cache(maxsize=64)
def _language_options(current: str) -> SafeString:
    """The language picker's options, each language named in itself; written once per current language
    instead of thirteen times four template lookups on every page."""
    rows = (
        (code, code, " selected" if code == current else "", get_language_info(code)["name_local"])
        for code, _name in settings.LANGUAGES
    )
    return format_html_join("\n", '<option value="{}" lang="{}"{}>{}</option>', rows)


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the navigation the user may use, the language list, and whether
    the user still owes the second factor (strom.accounts.middleware.TwoFactorRequiredMiddleware)."""
    return {
        "nav_items": navigation_for(request),
        "languages": settings.LANGUAGES,
        "language_options": _language_options(get_language()),
        "strom_env": settings.STROM_ENV,
        "second_factor_pending": getattr(request, "second_factor_pending", False),
    }
