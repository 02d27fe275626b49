from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from strom.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the navigation the user may use, the language list, and whether
    the user still owes the second factor (strom.accounts.middleware.TwoFactorRequiredMiddleware)."""
    return {
        "nav_items": navigation_for(request),
        "languages": settings.LANGUAGES,
        "strom_env": settings.STROM_ENV,
        "second_factor_pending": getattr(request, "second_factor_pending", False),
    }
